package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ANONYMOUS writes and the capability probe in a process that has no {@code /proc} (a mount namespace
 * with an empty tmpfs over it), as root (whose CAP_DAC_READ_SEARCH names an unnamed file through its
 * descriptor, AT_EMPTY_PATH) and as an unprivileged user (who may do the same from Linux 6.10 on, and
 * falls back to a named temp file before).
 */
class NoProcTest {
    /** An unprivileged user; no passwd entry is needed to run as it. */
    static final int USER = 1000;

    @TempDir
    Path dir;

    /** @return the backends this JDK can run, each with the JVM flags it needs */
    static List<String> flags(String backend) {
        return backend.equals("panama") ? List.of(dev.durafile.internal.Backends.NATIVE_ACCESS_FLAG) : List.of();
    }

    /** Copies the test class path where the unprivileged user can read it (the local Maven repository is root's). */
    private static String readableClassPath(Path into) throws IOException, InterruptedException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = into.resolve(i++ + "-" + source.getFileName());
            try (Stream<Path> files = Files.walk(source)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = copy.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            entries.add(copy.toString());
        }
        TestSupport.run("chmod", "-R", "a+rX", into.toString());
        return String.join(java.io.File.pathSeparator, entries);
    }

    static List<String> run(String backend, Path work, String classPath, boolean unprivileged) throws Exception {
        String javaHome = System.getProperty("java.home");
        List<String> java = new ArrayList<>(List.of("env", "LD_LIBRARY_PATH=" + javaHome + "/lib:" + javaHome + "/lib/server",
                javaHome + "/bin/java", "-Djna.tmpdir=" + work.resolve("jna"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        java.addAll(flags(backend));
        java.addAll(List.of("-cp", classPath, NoProcChild.class.getName(), backend, work.resolve("out").toString()));
        if (unprivileged) {
            java.addAll(0, List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
        }
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /proc && exec \"$@\"", "sh"));
        cmd.addAll(java);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return List.of(out.split("\n"));
    }

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
        Files.setAttribute(dir, "unix:mode", 0755);
        String classPath = readableClassPath(Files.createDirectory(dir.resolve("cp")));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path out = Files.createDirectory(work.resolve("out"));
        Files.createDirectory(work.resolve("jna"));
        Files.writeString(out.resolve("anon.json"), "old");
        if (unprivileged) {
            TestSupport.run("chown", "-R", USER + ":" + USER, work.toString());
        }
        boolean nativeBackend = !backend.equals("nio");
        boolean unnamed = nativeBackend && (!unprivileged || TestSupport.kernelLetsOwnerNameUnnamedFiles());
        assertThat(run(backend, work, classPath, unprivileged)).contains("proc=false")
                .contains("named-temps=" + (unnamed ? 0 : 1))
                .contains("content=new")
                .contains("type=" + (nativeBackend ? "ext2/ext3/ext4" : "unknown") + " tmpFile=" + unnamed)
                .contains("left=[anon.json]");
        assertThat(Files.readString(out.resolve("anon.json"))).isEqualTo("new");
    }

    @ParameterizedTest
    @CsvSource({"jna,false", "jna,true", "nio,false", "nio,true"})
    void anonymousWritesAndTheProbeWorkWithoutProc(String backend, boolean unprivileged) throws Exception {
        check(backend, dir, unprivileged);
    }
}
