package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a test main class in a child JVM as root or as an unprivileged user ({@code setpriv}), and
 * optionally in a mount namespace whose {@code /proc} is an empty tmpfs ({@code unshare}). Needs root.
 */
final class ChildAsUser {
    /** An unprivileged user and group; no passwd entry is needed to run as it. */
    static final int USER = 1000;

    private ChildAsUser() {
    }

    /** @return the JVM flags {@code backend} needs */
    static List<String> flags(String backend) {
        return backend.equals("panama") ? List.of(dev.durafile.internal.Backends.NATIVE_ACCESS_FLAG) : List.of();
    }

    /**
     * Copies the test class path into {@code into}, readable by everyone (the local Maven repository is
     * root's), and makes {@code into}'s parent traversable.
     *
     * @return the copied class path
     */
    static String readableClassPath(Path into) throws IOException, InterruptedException {
        Files.setAttribute(into.getParent(), "unix:mode", 0755);
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

    /**
     * Runs {@code main} with {@code args}; it must exit 0.
     *
     * @param jnaDir a directory the child may write, for JNA's native library
     * @return the lines it printed
     */
    static List<String> run(Class<?> main, String backend, String classPath, Path jnaDir, boolean unprivileged,
            boolean withoutProc, String... args) throws Exception {
        String javaHome = System.getProperty("java.home");
        List<String> cmd = new ArrayList<>();
        if (withoutProc) {
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs none /proc && exec \"$@\"", "sh"));
        }
        if (unprivileged) {
            cmd.addAll(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
        }
        // without /proc the launcher cannot find its own libraries
        cmd.addAll(List.of("env", "LD_LIBRARY_PATH=" + javaHome + "/lib:" + javaHome + "/lib/server",
                javaHome + "/bin/java", "-Djna.tmpdir=" + jnaDir, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(flags(backend));
        cmd.addAll(List.of("-cp", classPath, main.getName(), backend));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return List.of(out.split("\n"));
    }
}
