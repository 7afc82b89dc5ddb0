package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a write costs from a thread that has never written, against one from a thread that has: a
 * whole 1 KiB write at {@code NONE} on tmpfs from the benchmark's own thread ({@code reused}), from a
 * platform thread started for it ({@code platform}) and from a virtual thread started for it
 * ({@code virtual}). The thread times its write itself, so the thread's start and join, which cost
 * ten times a write here and vary as much, stay out of it: the {@link Timing} counters
 * {@code writeNanos / writes} are the nanoseconds per write. A backend that keeps per-thread state (a
 * buffer, a native scratch area) pays for it in the fresh-thread rows. {@code files} is the control:
 * the JDK's {@code Files.write} in place, no durafile, so that what any file write pays in a new
 * thread (its stack's first page faults, its first TLAB) is told from what durafile adds.
 *
 * <p>Run ({@code DURAFILE_BENCH_TMPFS} must be on tmpfs; default /dev/shm/durafile-bench):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar FreshThreadBenchmark -prof gc -rf json -rff fresh.json
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Thread)
public class FreshThreadBenchmark {
    private static final WriteOptions NONE = WriteOptions.builder().durability(Durability.NONE).build();

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}; or {@code files}, the control. */
    @Param({"panama", "jna", "nio", "files"})
    public String backend;

    private Path dir;
    private Writer.Sink sink;
    private byte[] data;

    /** The writes' own time, as the threads that made them measured it; reported beside the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Timing {
        /** Nanoseconds spent in writes during the iteration. */
        public long writeNanos;
        /** Writes made during the iteration. */
        public long writes;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void clear() {
            writeNanos = 0;
            writes = 0;
        }
    }

    /** A tmpfs directory and the writer. */
    @Setup
    public void setUp() throws IOException {
        dir = BenchDirs.onTmpfs("fresh");
        Path target = dir.resolve("target.dat");
        data = BenchDirs.content(1024);
        if (backend.equals("files")) {
            sink = Writer.FILES_WRITE.open(target);
        } else {
            WriteOptions none = NONE.toBuilder().backend(Backend.named(backend)).build();
            sink = bytes -> AtomicFiles.write(target, bytes, none);
        }
    }

    /** Removes the directory. */
    @TearDown
    public void tearDown() throws IOException {
        BenchDirs.delete(dir);
    }

    /** One write, timed by the thread making it; the counters are read after that thread is joined. */
    private void timedWrite(Timing timing) {
        long start = System.nanoTime();
        try {
            sink.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        timing.writeNanos += System.nanoTime() - start;
        timing.writes++;
    }

    /** A write from the benchmark's thread, which has written many times. */
    @Benchmark
    public void reused(Timing timing) {
        timedWrite(timing);
    }

    /** A write from a platform thread started for it. */
    @Benchmark
    public void platform(Timing timing) throws InterruptedException {
        Thread t = new Thread(() -> timedWrite(timing));
        t.start();
        t.join();
    }

    /** A write from a virtual thread started for it. */
    @Benchmark
    public void virtual(Timing timing) throws InterruptedException {
        Thread.ofVirtual().start(() -> timedWrite(timing)).join();
    }
}
