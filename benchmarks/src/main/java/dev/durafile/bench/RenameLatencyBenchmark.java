package dev.durafile.bench;

import dev.durafile.internal.Backends;
import dev.durafile.internal.FileBinding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
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
public class RenameLatencyBenchmark {
    private static final String TARGET = "target.dat";

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    /** The size in bytes of the temp file and of the target it replaces. */
    @Param({"1024", "65536", "1048576"})
    public int size;

    private Path dir;
    private FileBinding.Directory directory;
    private byte[] data;
    private long counter;
    private String tempName;

    /** Opens a fresh directory through the backend and creates the first target. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        FileBinding binding = Backends.load(backend);
        dir = BenchDirs.onDisk("rename");
        directory = binding.openDirectory(dir);
        data = BenchDirs.content(size);
        prepareTemp();
        rename();
    }

    /** Creates, fills, fdatasyncs and closes the temp file the next call renames (not timed). */
    @Setup(Level.Invocation)
    public void prepareTemp() throws IOException {
        tempName = TARGET + ".tmp." + counter++;
        try (FileBinding.OpenFile temp = directory.createExclusive(tempName, 0644)) {
            temp.write(ByteBuffer.wrap(data));
            temp.sync(false);
        }
    }

    /** Closes and removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        directory.close();
        BenchDirs.delete(dir);
    }

    /** Renames the temp file over the target. */
    @Benchmark
    public void rename() throws IOException {
        directory.rename(tempName, directory, TARGET, FileBinding.RenameMode.REPLACE);
    }
}
