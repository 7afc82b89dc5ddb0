package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash layer 2: a SIGKILL at every system call of the protocol (each Nth call of each kind the write
 * makes), for each backend; after each crash the target must be the old or the new version, complete.
 * The negative control, an in-place writer, must be caught at one of its own crash points.
 */
class SyscallCrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallCrashTest.class);

    @TempDir
    Path dir;

    /** @return the violations found over every crash point of {@code writer} */
    static List<String> crashEverywhere(Path dir, String writer, List<String> jvmFlags) throws Exception {
        InjectedCrash.assumeStrace();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path target = data.resolve("job.json");
        List<InjectedCrash.Point> points = InjectedCrash.enumerate(dir, writer, target, jvmFlags);
        List<String> violations = new ArrayList<>();
        for (InjectedCrash.Point p : points) {
            Files.write(target, Versions.content(0));
            InjectedCrash.Outcome o = InjectedCrash.run(dir, writer, target, 1, p, jvmFlags);
            assertThat(o.killed).as("the injection at %s must kill the child", p).isEqualTo(p.syscall != null);
            String v = Verdict.check(target, 0, o.acked ? 1 : -1, true, 1);
            if (v != null) {
                violations.add(p + ": " + v);
            }
        }
        LOG.info("{}: {} crash points, {} violations", writer, points.size(), violations.size());
        KillLoopCrashTest.assertJanitorRemovesEveryLeftover(data);
        return violations;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void everySyscallCrashLeavesOldOrNew(String backend) throws Exception {
        assertThat(crashEverywhere(dir, "durafile:" + backend + ":DURABLE", List.of())).isEmpty();
    }

    @Test
    void negativeControlInPlaceWriterIsCaught() throws Exception {
        assertThat(crashEverywhere(dir, "in-place", List.of())).isNotEmpty();
    }
}
