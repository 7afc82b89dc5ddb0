package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ANONYMOUS writes, the capability probe and a transaction in a process that has no {@code /proc} (a mount namespace
 * with an empty tmpfs over it), as root (whose CAP_DAC_READ_SEARCH names an unnamed file through its
 * descriptor, AT_EMPTY_PATH) and as an unprivileged user (who may do the same from Linux 6.10 on, and
 * falls back to a named temp file before).
 */
class NoProcTest {
    @TempDir
    Path dir;

    /**
     * Runs {@link NoProcChild} without /proc, as root or as the unprivileged user, and checks what it
     * saw: the native backends name an unnamed temp through its descriptor as root and, on Linux 6.10+,
     * as the user (no named temp appears), and fall back to a named temp where the kernel refuses;
     * java.nio always uses a named temp. The probe reads the file system's type from statfs where the
     * binding can.
     */
    static void check(String backend, Path dir, boolean unprivileged) throws Exception {
        assumeTrue(TestSupport.isRoot(), "a mount namespace without /proc needs root");
        assumeTrue(TestSupport.works("unshare", "--version") && TestSupport.works("setpriv", "--version"),
                "unshare and setpriv (util-linux) are needed");
        assumeTrue(Files.getFileStore(dir).type().startsWith("ext"), "the expected type is that of ext4");
        String classPath = ChildAsUser.readableClassPath(Files.createDirectory(dir.resolve("cp")));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path out = Files.createDirectory(work.resolve("out"));
        Files.createDirectory(work.resolve("jna"));
        Files.writeString(out.resolve("anon.json"), "old");
        if (unprivileged) {
            TestSupport.run("chown", "-R", ChildAsUser.USER + ":" + ChildAsUser.USER, work.toString());
        }
        boolean nativeBackend = !backend.equals("nio");
        boolean unnamed = nativeBackend && (!unprivileged || TestSupport.kernelLetsOwnerNameUnnamedFiles());
        assertThat(ChildAsUser.run(NoProcChild.class, backend, classPath, work.resolve("jna"), unprivileged, true,
                out.toString())).contains("proc=false")
                .contains("named-temps=" + (unnamed ? 0 : 1))
                .contains("content=new")
                .contains("type=" + (nativeBackend ? "ext2/ext3/ext4" : "unknown") + " tmpFile=" + unnamed)
                .contains("left=[anon.json]")
                .contains("tx=A,B journal=[] recovered=0/0 files=[a.json, b.json, journal]");
        assertThat(Files.readString(out.resolve("anon.json"))).isEqualTo("new");
    }

    @ParameterizedTest
    @CsvSource({"jna,false", "jna,true", "nio,false", "nio,true"})
    void anonymousWritesAndTheProbeWorkWithoutProc(String backend, boolean unprivileged) throws Exception {
        check(backend, dir, unprivileged);
    }
}
