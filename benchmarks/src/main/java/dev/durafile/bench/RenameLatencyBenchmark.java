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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of the protocol's step 5 alone: the rename of a complete, synced, closed temp file over an
 * existing {@code size}-byte target, through the backend's {@link FileBinding} (renameat2 for panama
 * and jna, {@code Files.move(ATOMIC_MOVE)} for nio). The replaced file's blocks are freed inside the
 * rename, so size matters. Preparing the temp file is not timed. Budget: p99 under 1 ms.
 *
 * <p>Run (the directory must be on a real disk, not tmpfs):
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java -jar benchmarks/target/benchmarks.jar RenameLatencyBenchmark \
 *     -p backend=panama -rf json -rff rename.json
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Thread)
public class RenameLatencyBenchmark extends SingleStepState {
    private Name tempName;

    @Override
    String directoryName() {
        return "rename";
    }

    /** Creates the first target. */
    @Override
    void prepare() throws IOException {
        prepareTemp();
        rename();
    }

    /** Creates, fills, fdatasyncs and closes the temp file the next call renames (not timed). */
    @Setup(Level.Invocation)
    public void prepareTemp() throws IOException {
        tempName = nextTempName();
        try (FileBinding.OpenFile temp = directory.createExclusive(tempName, 0644)) {
            temp.write(ByteBuffer.wrap(data));
            temp.sync(false);
        }
    }

    /** Renames the temp file over the target. */
    @Benchmark
    public void rename() throws IOException {
        directory.rename(tempName, directory, TARGET, FileBinding.RenameMode.REPLACE);
    }
}
