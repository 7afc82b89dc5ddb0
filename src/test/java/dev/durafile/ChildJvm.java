package dev.durafile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test main class on the tests' class path, for crash tests: its standard output
 * is read line by line as it arrives, its standard error goes to a file, and {@link #kill()} sends
 * SIGKILL ({@link ProcessHandle#destroyForcibly()} on Linux).
 */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::readOutput, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} with {@code args} in a new JVM of the running JDK.
     *
     * @param stderr where the child's standard error goes (replaced)
     * @param main the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Path stderr, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(p, stderr);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
                pending.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pending.add(EOF);
        }
    }

    /**
     * Waits for the next output line starting with {@code prefix}, skipping others.
     *
     * @return the line
     * @throws AssertionError with the child's standard error if it ends or times out first
     */
    public String awaitLine(String prefix, long timeoutMillis) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            String line = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError("child printed no line starting with '" + prefix + "' ("
                        + (line == null ? "timed out" : "output ended") + "); stderr:\n" + Files.readString(stderr));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Sends one line to the child's standard input. */
    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * SIGKILLs the child and waits until it is dead and all its output has been read. (Through its
     * {@link ProcessHandle}: {@link Process#destroyForcibly()} would also close the output pipe and drop
     * lines the child printed just before it died.)
     */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
        reader.join();
    }

    /**
     * Waits for the child to exit by itself and for all its output.
     *
     * @return its exit code
     * @throws AssertionError with the child's standard error if it does not exit in time
     */
    public int awaitExit(long timeoutMillis) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("child did not exit in " + timeoutMillis + " ms; stderr:\n"
                    + Files.readString(stderr));
        }
        reader.join();
        return process.exitValue();
    }

    /** @return every line the child has printed so far; complete once it is dead */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return the child's standard error so far */
    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Kills the child if it is still running (keeping the interrupt status if interrupted meanwhile). */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
