package dev.durafile.bench;

import dev.durafile.internal.FileBinding;
import dev.durafile.internal.Name;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of the protocol's step 4 alone: fdatasync of a temp file just written with {@code size}
 * bytes, through the backend's {@link FileBinding}. Before each call (not timed) a temp file is created
 * and written; after it (not timed) it is closed and renamed over the target, as a write at ATOMIC
 * does. The report takes p50, p99 and p99.9 (budget: p99 under 10 ms).
 *
 * <p>Run (the directory must be on a real disk, not tmpfs):
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java -jar benchmarks/target/benchmarks.jar FlushLatencyBenchmark \
 *     -p backend=panama -rf json -rff flush.json
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Thread)
public class FlushLatencyBenchmark extends SingleStepState {
    private Name tempName;
    private FileBinding.OpenFile temp;

    @Override
    String directoryName() {
        return "flush";
    }

    /** Creates and fills the temp file the next call syncs (not timed). */
    @Setup(Level.Invocation)
    public void createTemp() throws IOException {
        tempName = nextTempName();
        temp = directory.createExclusive(tempName, 0644);
        temp.write(ByteBuffer.wrap(data));
    }

    /** Closes the synced temp file and renames it over the target (not timed). */
    @TearDown(Level.Invocation)
    public void publishTemp() throws IOException {
        temp.close();
        directory.rename(tempName, directory, TARGET, FileBinding.RenameMode.REPLACE);
    }

    /** fdatasync of the temp file. */
    @Benchmark
    public void fdatasync() throws IOException {
        temp.sync(false);
    }
}
