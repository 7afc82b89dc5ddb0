package dev.durafile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Helpers shared by the tests. */
public final class TestSupport {
    private TestSupport() {
    }

    /** @return true when running as root (uid 0) on Linux */
    public static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @return true if this kernel lets a process name a file it opened with O_TMPFILE through the
     *     descriptor ({@code linkat(fd, "", ..., AT_EMPTY_PATH)}) without CAP_DAC_READ_SEARCH, when the
     *     caller's credentials are those it opened the file with: Linux 6.10 and later
     */
    public static boolean kernelLetsOwnerNameUnnamedFiles() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        return major > 6 || major == 6 && minor >= 10;
    }

    /** @return the names in {@code dir}, sorted */
    public static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** @return the names in {@code dir} that look like durafile temp files */
    public static List<String> temps(Path dir) throws IOException {
        return names(dir).stream().filter(n -> n.contains(".tmp.")).collect(Collectors.toList());
    }

    /** Runs a command, failing with its output if it exits non-zero. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** @return true if {@code command} runs and exits 0 */
    public static boolean works(String... command) {
        try {
            run(command);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
