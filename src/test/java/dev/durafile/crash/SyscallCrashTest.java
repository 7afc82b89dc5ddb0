package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.TempFileJanitor;
import dev.durafile.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * A write that keeps a backup, crashed at every system call, then the janitor run with no age gate
     * at all: the previous version is still the target or {@code <name>.bak}, never only under a temp
     * name; once the write returned, the target is new and the backup the previous version.
     *
     * @return the violations found
     */
    static List<String> crashBackupEverywhere(Path dir, String writer, List<String> jvmFlags) throws Exception {
        InjectedCrash.assumeStrace();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path target = data.resolve("job.json");
        Path backup = data.resolve("job.json.bak");
        List<String> violations = new ArrayList<>();
        for (InjectedCrash.Point p : InjectedCrash.enumerate(dir, writer, target, jvmFlags)) {
            for (String name : TestSupport.names(data)) {
                Files.delete(data.resolve(name));
            }
            Files.write(target, Versions.content(0));
            InjectedCrash.Outcome o = InjectedCrash.run(dir, writer, target, 1, p, jvmFlags);
            TempFileJanitor.sweep(data, Duration.ZERO);
            long now = version(target);
            long previous = version(backup);
            String v = null;
            if (now != 0 && now != 1) {
                v = "target holds " + now;
            } else if (now != 0 && previous != 0) {
                v = "the previous version is gone: target " + now + ", backup " + previous;
            } else if (o.acked && (now != 1 || previous != 0)) {
                v = "acknowledged, but target " + now + " and backup " + previous;
            }
            if (v != null) {
                violations.add(p + ": " + v);
            }
        }
        LOG.info("{} with backup: {} violations", writer, violations.size());
        return violations;
    }

    /** @return the version {@code file} holds, -1 if it is missing, -2 if it is no complete version */
    private static long version(Path file) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        long v = Versions.versionOf(Files.readAllBytes(file));
        return v < 0 ? -2 : v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void everySyscallCrashOfABackupWriteKeepsThePreviousVersionReachable(String backend) throws Exception {
        assertThat(crashBackupEverywhere(dir, "durafile:" + backend + ":DURABLE:backup", List.of())).isEmpty();
    }

    @Test
    void negativeControlBackupByExchangeIsCaught() throws Exception {
        assertThat(crashBackupEverywhere(dir, "exchange-backup", List.of()))
                .anyMatch(v -> v.contains("the previous version is gone"));
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
