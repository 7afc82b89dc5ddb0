package dev.durafile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

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

    /** What a test runs while {@link #durafileEvents} records. */
    public interface Recorded {
        /**
         * Runs the action.
         *
         * @throws IOException on failure
         */
        void run() throws IOException;
    }

    /**
     * Records {@code action} with the dev.durafile.Write, Transaction and Sweep events enabled, in a
     * recording file {@code file} that is deleted again.
     *
     * @param file where the recording is dumped
     * @param action what is recorded
     * @throws IOException if the action or the recording fails
     * @return the durafile events it produced, in the order they ended
     */
    public static List<RecordedEvent> durafileEvents(Path file, Recorded action) throws IOException {
        try (Recording r = new Recording()) {
            r.enable("dev.durafile.Write");
            r.enable("dev.durafile.Transaction");
            r.enable("dev.durafile.Sweep");
            r.start();
            action.run();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        events.removeIf(e -> !e.getEventType().getName().startsWith("dev.durafile."));
        events.sort((a, b) -> a.getEndTime().compareTo(b.getEndTime()));
        return events;
    }
}
