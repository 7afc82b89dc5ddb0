package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@link SyscallWriter} under strace and checks, from the kernel's view, the order of the
 * protocol's system calls for every durability level. The NONE and ATOMIC writes double as the
 * negative control: checked against DURABLE's expectations they must be reported as broken.
 */
class SyscallOrderTest {
    @TempDir
    Path dir;

    static SyscallTrace trace(Path dir, String backend, String mode, String... jvmFlags) throws Exception {
        assumeTrue(TestSupport.works("strace", "-V"), "strace is not installed");
        Path log = dir.resolve("strace.log");
        Path out = Files.createDirectory(dir.resolve("out"));
        List<String> cmd = new java.util.ArrayList<>(List.of("strace", "-f", "-qq", "-s", "4096", "-o", log.toString(),
                "-e", "trace=open,openat,close,fsync,fdatasync,rename,renameat,renameat2,link,linkat",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SyscallWriter.class.getName(),
                backend, out.toString(), mode));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("writer under strace failed: %s", output).isZero();
        return SyscallTrace.parse(log);
    }

    static void assertProtocol(SyscallTrace t, Path out) {
        assertThat(t.violations(out.resolve("durable/data.json"), true, true)).isEmpty();
        assertThat(t.violations(out.resolve("atomic/data.json"), true, false)).isEmpty();
        assertThat(t.violations(out.resolve("none/data.json"), false, false)).isEmpty();
        // negative control: the same check with DURABLE's expectations catches the weaker writes
        assertThat(t.violations(out.resolve("none/data.json"), true, true))
                .contains("temp file not synced before it was closed and renamed")
                .anyMatch(s -> s.startsWith("no fsync of directory"));
        assertThat(t.violations(out.resolve("atomic/data.json"), true, true))
                .anyMatch(s -> s.startsWith("no fsync of directory"));
    }

    /** createNew, exchange, ANONYMOUS and group commit, seen from the kernel, for a native backend. */
    static void assertFeatures(SyscallTrace t, Path out) {
        assertThat(t.find("renameat2", "RENAME_NOREPLACE", out.resolve("created.json").toString())).hasSize(1);
        assertThat(t.find("renameat2", "RENAME_EXCHANGE", out.resolve("left").toString(),
                out.resolve("right").toString())).hasSize(1);
        assertThat(t.find("openat", "O_TMPFILE", out.toString())).isNotEmpty();
        assertThat(t.find("linkat", "/proc/self/fd/", out.resolve("anon.json.tmp.").toString(), "AT_SYMLINK_FOLLOW"))
                .hasSize(1);
        assertThat(t.find("renameat", out.resolve("anon.json").toString())).hasSize(1);
        int writes = 16 * 8;
        int groupDirFsyncs = t.find("fsync", "[" + out.resolve("group") + "]").size();
        assertThat(groupDirFsyncs).as("directory fsyncs for %d writes", writes).isPositive().isLessThan(writes);
    }

    @Test
    void nativeFeaturesUseTheRightSyscallsAndGroupCommitSharesFsyncs() throws Exception {
        SyscallTrace t = trace(dir, "jna", "features");
        assertFeatures(t, dir.resolve("out"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void protocolOrderHoldsUnderStrace(String backend) throws Exception {
        SyscallTrace t = trace(dir, backend, "levels");
        assertProtocol(t, dir.resolve("out"));
    }
}
