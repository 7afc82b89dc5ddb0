package dev.durafile.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashWriter} child JVM: its output lines are collected as they arrive; {@link #kill()} is
 * SIGKILL. The JVM is started lean (no perf-data file, serial GC, C1 only) so that it starts fast and
 * makes few file syscalls of its own while being traced.
 */
final class Child implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Child(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "crash-child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(Path stderr, List<String> jvmFlags, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashWriter.class.getName()));
        cmd.addAll(List.of(args));
        return new Child(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the child was killed mid-line; what was read is kept
        } finally {
            synchronized (lines) {
                lines.add(null);
                lines.notifyAll();
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits until a line starting with {@code prefix} arrived; false if the child ended or time ran out. */
    boolean await(String prefix, long millis) throws InterruptedException {
        return line(prefix, millis) != null;
    }

    /** Waits for a line starting with {@code prefix}; @return it, or null if the child ended or time ran out */
    String line(String prefix, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (l != null && l.startsWith(prefix)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (lines.contains(null) || left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    void send(String line) throws IOException {
        OutputStream out = process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** SIGKILL through the process handle, which (unlike Process.destroyForcibly) keeps the pipes open for the reader. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    /** Waits for the child to end by itself. @return its exit code */
    int waitFor(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("crash child did not end within " + millis + " ms");
        }
        return process.exitValue();
    }

    /** @return the highest version acknowledged on standard output, or -1; complete only after the child ended */
    long lastAck() throws InterruptedException {
        reader.join(10_000);
        long max = -1;
        synchronized (lines) {
            for (String l : lines) {
                if (l != null && l.matches("ACK \\d+")) {
                    max = Math.max(max, Long.parseLong(l.substring(4)));
                }
            }
        }
        return max;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
