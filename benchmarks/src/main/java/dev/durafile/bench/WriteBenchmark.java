package dev.durafile.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complete replacement of an existing {@code size}-byte file by each {@link Writer}: the direct
 * writes, durafile at NONE, ATOMIC and DURABLE on each backend, Kafka and ZooKeeper. Sampled, so the
 * report can quote medians (p50) and tails; microseconds per write. The overhead budgets compare
 * durafile's NONE with {@link Writer#FILES_WRITE} and its ATOMIC with {@link Writer#FILES_WRITE_FORCE};
 * {@code native/floor.c} gives the C floor for the same sizes and levels.
 *
 * <p>Run (JDK 22+ for the panama values; the directory must be on a real disk, not tmpfs), and on
 * tmpfs with {@code -p on=tmpfs}:
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java -jar benchmarks/target/benchmarks.jar WriteBenchmark \
 *     -p writer=FILES_WRITE_FORCE,PANAMA_ATOMIC -p size=1024 -rf json -rff write.json
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Thread)
public class WriteBenchmark {
    /** How the file is replaced. */
    @Param
    public Writer writer;

    /** The file's size in bytes. */
    @Param({"1024", "65536", "1048576"})
    public int size;

    /**
     * Where the file is: {@code disk} ({@code DURAFILE_BENCH_DIR}), or {@code tmpfs}
     * ({@code DURAFILE_BENCH_TMPFS}), where no disk time hides the CPU cost of a write.
     */
    @Param({"disk"})
    public String on;

    private Path dir;
    private byte[] data;
    private Writer.Sink sink;

    /** Creates a fresh directory holding the target, so every write replaces an existing file. */
    @Setup
    public void setUp() throws IOException {
        dir = on.equals("tmpfs") ? BenchDirs.onTmpfs("write") : BenchDirs.onDisk("write");
        data = BenchDirs.content(size);
        try {
            sink = writer.open(dir.resolve("target.dat"));
        } catch (IllegalStateException e) {
            BenchDirs.delete(dir);
            throw e;
        }
        sink.write(data);
    }

    /** Removes the directory. */
    @TearDown
    public void tearDown() throws IOException {
        BenchDirs.delete(dir);
    }

    /** Replaces the target with {@code size} bytes. */
    @Benchmark
    public void write() throws IOException {
        sink.write(data);
    }
}
