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
                "-e", "trace=open,openat,dup,close,fsync,fdatasync,rename,renameat,renameat2,link,linkat,mkdir,mkdirat",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SyscallWriter.class.getName(),
                backend, out.toString(), mode));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("writer under strace failed: %s", output).isZero();
        return SyscallTrace.parse(log);
    }

    /**
     * Each level's write makes exactly the syncs its data ({@link Durability#syncsFile()},
     * {@link Durability#syncsDirectory()}) says, so a new level is checked as soon as it exists. The
     * negative control: every level that syncs less than DURABLE, checked against DURABLE's
     * expectations, is reported broken.
     */
    static void assertProtocol(SyscallTrace t, Path out) {
        for (Durability level : Durability.values()) {
            Path target = out.resolve(level.name().toLowerCase(java.util.Locale.ROOT)).resolve("data.json");
            assertThat(t.violations(target, level.syncsFile(), level.syncsDirectory())).as("%s", level).isEmpty();
            List<String> strict = t.violations(target, true, true);
            if (!level.syncsFile()) {
                assertThat(strict).as("%s against DURABLE", level)
                        .contains("temp file not synced before it was closed and renamed");
            }
            if (!level.syncsDirectory()) {
                assertThat(strict).as("%s against DURABLE", level).anyMatch(s -> s.startsWith("no fsync of directory"));
            }
        }
        assertThat(Durability.values()).filteredOn(l -> !l.syncsFile() || !l.syncsDirectory()).isNotEmpty();
    }

    /**
     * createDirectories made every component of {@code tree/a/b/c/d} durable, also {@code a} and
     * {@code b}, which existed (created without any fsync) before it was called: each component's
     * parent, from the root down, is fsynced after the component exists.
     */
    static void assertDirectoriesDurable(SyscallTrace t, Path out) {
        Path leaf = out.resolve("tree/a/b/c/d");
        List<String> fsynced = new java.util.ArrayList<>();
        for (SyscallTrace.Call c : t.calls) {
            if (c.name.equals("fsync") && c.result == 0) {
                fsynced.add(c.paths.get(0));
            }
        }
        for (Path parent = leaf.getParent(); parent != null; parent = parent.getParent()) {
            assertThat(fsynced).as("fsync of %s, the parent of a component of %s", parent, leaf)
                    .contains(parent.toString());
        }
    }

    /**
     * createNew, exchange, ANONYMOUS and concurrent DURABLE writers (one directory fsync each), seen from
     * the kernel, for a native backend.
     */
    static void assertFeatures(SyscallTrace t, Path out) {
        assertThat(t.find("renameat2", "RENAME_NOREPLACE", out.resolve("created.json").toString())).hasSize(1);
        assertThat(t.find("renameat2", "RENAME_EXCHANGE", out.resolve("left").toString(),
                out.resolve("right").toString())).hasSize(1);
        assertThat(t.find("openat", "O_TMPFILE", out.toString())).isNotEmpty();
        // an unnamed file is named through its descriptor where the kernel allows it (root, or Linux
        // 6.10+ for the opener), else through /proc/self/fd
        String route = TestSupport.isRoot() || TestSupport.kernelLetsOwnerNameUnnamedFiles()
                ? "AT_EMPTY_PATH" : "AT_SYMLINK_FOLLOW";
        assertThat(t.find("linkat", out.resolve("anon.json.tmp.").toString(), route)).hasSize(1);
        assertThat(t.find("linkat", out.resolve("anon.json.tmp.").toString())).hasSize(1);
        assertThat(t.find("renameat", out.resolve("anon.json").toString())).hasSize(1);
        int writes = 16 * 8;
        int groupDirFsyncs = t.find("fsync", "[" + out.resolve("group") + "]").size();
        assertThat(groupDirFsyncs).as("directory fsyncs for %d concurrent writes", writes).isEqualTo(writes);
    }

    @Test
    void nativeFeaturesUseTheRightSyscallsAndEachConcurrentWriterFsyncsTheDirectory() throws Exception {
        SyscallTrace t = trace(dir, "jna", "features");
        assertFeatures(t, dir.resolve("out"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void protocolOrderHoldsUnderStrace(String backend) throws Exception {
        SyscallTrace t = trace(dir, backend, "levels");
        assertProtocol(t, dir.resolve("out"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void createDirectoriesMakesComponentsOthersCreatedDurable(String backend) throws Exception {
        SyscallTrace t = trace(dir, backend, "dirs");
        assertDirectoriesDurable(t, dir.resolve("out"));
    }
}
