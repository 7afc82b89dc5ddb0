package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.TestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crashes a {@link CrashWriter} {@code once} child at a chosen system call: strace attaches to the
 * ready child's writing thread alone (so no other JVM thread's calls count or trigger the kill) and
 * kills the process with {@code -e inject=SYSCALL:signal=SIGKILL:when=N} at that thread's Nth call of
 * that kind, counted from the attach, so the JVM's start-up calls do not count.
 */
final class InjectedCrash {
    /** The system calls of the protocol (and of the broken writers). */
    static final String SYSCALLS = "openat,write,pwrite64,fdatasync,fsync,rename,renameat,renameat2,link,linkat,"
            + "unlink,unlinkat,close,fchmod,fchown";
    private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(\\w+)\\(");

    /** One crash point: the {@code n}th call of {@code syscall}; a null syscall means "no crash, run to the end". */
    static final class Point {
        final String syscall;
        final int n;

        Point(String syscall, int n) {
            this.syscall = syscall;
            this.n = n;
        }

        @Override
        public String toString() {
            return syscall == null ? "end" : syscall + "#" + n;
        }
    }

    /** What happened: whether the write was acknowledged and whether the injection killed the child. */
    static final class Outcome {
        final boolean acked;
        final boolean killed;
        final Path straceLog;

        Outcome(boolean acked, boolean killed, Path straceLog) {
            this.acked = acked;
            this.killed = killed;
            this.straceLog = straceLog;
        }
    }

    private InjectedCrash() {
    }

    static void assumeStrace() {
        assumeTrue(TestSupport.works("strace", "-V"), "strace is not installed");
    }

    /**
     * Runs one write of version {@code version} to {@code target} with {@code writer}, crashing at
     * {@code point}.
     */
    static Outcome run(Path work, String writer, Path target, long version, Point point, List<String> jvmFlags)
            throws Exception {
        Path log = Files.createTempFile(work, "strace", ".log");
        try (Child child = Child.start(work.resolve("child.err"), jvmFlags, "once", writer, target.toString(),
                Long.toString(version))) {
            String tid = writerThread(child, work);
            List<String> cmd = new ArrayList<>(List.of("strace", "-qq", "-o", log.toString(),
                    "-p", tid, "-e", "trace=" + SYSCALLS));
            if (point.syscall != null) {
                cmd.addAll(List.of("-e", "inject=" + point.syscall + ":signal=SIGKILL:when=" + point.n));
            }
            Process strace = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("strace.out").toFile()).start();
            awaitTraced(child.pid(), tid);
            child.send("GO");
            int exit = child.waitFor(60_000);
            strace.waitFor();
            return new Outcome(child.lastAck() == version, exit == 137, log);
        }
    }

    /** @return the kernel id of the ready child's writing thread, from its READY line */
    private static String writerThread(Child child, Path work) throws InterruptedException {
        String ready = child.line("READY", 30_000);
        assertThat(ready).as("child not ready; see %s", work.resolve("child.err")).isNotNull();
        return ready.substring("READY ".length()).trim();
    }

    /** Waits until the child's writing thread is traced. */
    private static void awaitTraced(long pid, String tid) throws IOException, InterruptedException {
        Path status = Path.of("/proc", Long.toString(pid), "task", tid, "status");
        for (int i = 0; i < 1000; i++) {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("TracerPid:") && !line.endsWith("\t0")) {
                    Thread.sleep(50);
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("strace did not attach to " + pid);
    }

    /**
     * @return every crash point of the calls the writing thread (the one that printed the ACK) made in
     *     an uninjected run whose strace log is {@code log}, plus the end
     */
    static List<Point> points(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        String writerTid = null;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find() && line.contains("write(1, \"ACK ")) {
                writerTid = m.group(1);
            }
        }
        assertThat(writerTid).as("no ACK write in %s", log).isNotNull();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find() && m.group(1).equals(writerTid)) {
                counts.merge(m.group(2), 1, Integer::sum);
            }
        }
        List<Point> points = new ArrayList<>();
        counts.forEach((syscall, count) -> {
            for (int n = 1; n <= count; n++) {
                points.add(new Point(syscall, n));
            }
        });
        points.add(new Point(null, 0));
        return points;
    }

    /** Writes version 0 to {@code target}, runs the write once without a crash and returns all its crash points. */
    static List<Point> enumerate(Path work, String writer, Path target, List<String> jvmFlags) throws Exception {
        Files.write(target, Versions.content(0));
        return enumerateAsIs(work, writer, target, jvmFlags);
    }

    /** Runs the write once without a crash, on the files as they are, and returns all its crash points. */
    static List<Point> enumerateAsIs(Path work, String writer, Path target, List<String> jvmFlags) throws Exception {
        try (Child probe = Child.start(work.resolve("child.err"), jvmFlags, "once", writer, target.toString(), "1")) {
            String tid = writerThread(probe, work);
            Path log = Files.createTempFile(work, "strace", ".log");
            Process strace = new ProcessBuilder("strace", "-f", "-qq", "-o", log.toString(), "-p", tid,
                    "-e", "trace=" + SYSCALLS).redirectErrorStream(true)
                    .redirectOutput(work.resolve("strace.out").toFile()).start();
            awaitTraced(probe.pid(), tid);
            probe.send("GO");
            assertThat(probe.waitFor(60_000)).isZero();
            strace.waitFor();
            return points(log);
        }
    }
}
