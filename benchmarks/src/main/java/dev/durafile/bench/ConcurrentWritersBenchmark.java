package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.WriteOptions;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Throughput of 1, 4 and 16 threads writing DURABLE 4 KiB files into one directory, each thread
 * replacing its own file. Writes per second, all threads together. {@code native/floor.c}'s threaded
 * mode makes the same system calls from 16 C threads ({@code -t 16 -m durable}) and an in-place write
 * and fsync from 16 ({@code -m direct_fsync}); {@code benchmarks/run.sh} runs it just before and just
 * after this benchmark, on the same directory.
 *
 * <p>Run (the directory must be on a real disk, not tmpfs):
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java -jar benchmarks/target/benchmarks.jar ConcurrentWritersBenchmark \
 *     -p backend=panama -rf json -rff threads.json
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class ConcurrentWritersBenchmark {
    private static final int SIZE = 4096;

    /**
     * The durafile backend: {@code panama}, {@code jna} or {@code nio}; or {@code inplace}, no durafile:
     * each thread truncates and rewrites its file in place and {@code force(true)}s it, as the C floor's
     * {@code direct_fsync} mode does, so that its ratio to that mode is what the JVM and the harness
     * cost by themselves at 16 threads.
     */
    @Param({"panama", "jna", "nio", "inplace"})
    public String backend;

    private Path dir;
    private WriteOptions options;
    private byte[] data;

    /** The file one thread replaces. */
    @State(Scope.Thread)
    public static class Slot {
        private Path target;
        private Writer.Sink inPlace;

        /** Names this thread's file after its index. */
        @Setup
        public void setUp(ConcurrentWritersBenchmark benchmark, ThreadParams thread) {
            target = benchmark.dir.resolve("file-" + thread.getThreadIndex() + ".json");
            inPlace = Writer.FILES_WRITE_FORCE.open(target);
        }
    }

    /** Creates the shared directory and the engine. */
    @Setup
    public void setUp() throws IOException {
        options = backend.equals("inplace") ? null
                : WriteOptions.builder().durability(Durability.DURABLE).backend(Backend.named(backend)).build();
        dir = BenchDirs.onDisk("threads");
        data = BenchDirs.content(SIZE);
    }

    /** Removes the directory. */
    @TearDown
    public void tearDown() throws IOException {
        BenchDirs.delete(dir);
    }

    private void write(Slot slot) throws IOException {
        if (options == null) {
            slot.inPlace.write(data);
        } else {
            AtomicFiles.write(slot.target, data, options);
        }
    }

    /** One writer. */
    @Benchmark
    @Threads(1)
    public void threads01(Slot slot) throws IOException {
        write(slot);
    }

    /** Four concurrent writers. */
    @Benchmark
    @Threads(4)
    public void threads04(Slot slot) throws IOException {
        write(slot);
    }

    /** Sixteen concurrent writers. */
    @Benchmark
    @Threads(16)
    public void threads16(Slot slot) throws IOException {
        write(slot);
    }
}
