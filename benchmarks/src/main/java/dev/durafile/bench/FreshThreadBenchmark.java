package dev.durafile.bench;

import dev.durafile.Durability;
import dev.durafile.WriteOptions;
import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * ({@code virtual}); {@code platformEmpty} and {@code virtualEmpty} start and join the same threads
 * doing nothing, so that {@code platform - platformEmpty} and {@code virtual - virtualEmpty} are the
 * writes' own cost in a fresh thread. A backend that keeps per-thread state (a buffer, a native
 * scratch area) pays for it in the fresh-thread rows. Nanoseconds per operation.
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

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    private Path dir;
    private Engine engine;
    private Path target;
    private byte[] data;
    private Runnable write;
    private final Runnable nothing = () -> { };

    /** A tmpfs directory and the engine. */
    @Setup
    public void setUp() throws IOException {
        engine = new Engine(Backends.load(backend));
        dir = BenchDirs.onTmpfs("fresh");
        target = dir.resolve("target.dat");
        data = BenchDirs.content(1024);
        write = () -> {
            try {
                engine.write(target, ByteBuffer.wrap(data), NONE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Removes the directory. */
    @TearDown
    public void tearDown() throws IOException {
        BenchDirs.delete(dir);
    }

    /** A write from the benchmark's thread, which has written many times. */
    @Benchmark
    public void reused() {
        write.run();
    }

    /** A write from a platform thread started for it. */
    @Benchmark
    public void platform() throws InterruptedException {
        Thread t = new Thread(write);
        t.start();
        t.join();
    }

    /** A platform thread started and joined, doing nothing: what {@link #platform} costs without the write. */
    @Benchmark
    public void platformEmpty() throws InterruptedException {
        Thread t = new Thread(nothing);
        t.start();
        t.join();
    }

    /** A write from a virtual thread started for it. */
    @Benchmark
    public void virtual() throws InterruptedException {
        Thread.ofVirtual().start(write).join();
    }

    /** A virtual thread started and joined, doing nothing. */
    @Benchmark
    public void virtualEmpty() throws InterruptedException {
        Thread.ofVirtual().start(nothing).join();
    }
}
