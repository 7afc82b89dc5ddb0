package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.WriteOptions;
import dev.durafile.internal.Backends;
import dev.durafile.internal.FileBinding;
import dev.durafile.internal.Name;
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
 * What one system call costs through each backend's {@link FileBinding}, on tmpfs so no disk time
 * hides it: panama (FFM downcall) against jna (JNA direct mapping), with nio (the JDK's own
 * natives) for reference. {@code fdatasync} is a call the kernel returns from at once on tmpfs;
 * {@code fchmod} passes two ints; {@code unlinkAbsent} passes a path (encoded per call) and gets
 * ENOENT. {@code writeNone} is a whole 1 KiB write at {@code NONE} on tmpfs: the protocol's CPU cost.
 * Nanoseconds per call.
 *
 * <p>Run ({@code DURAFILE_BENCH_TMPFS} must be on tmpfs; default /dev/shm/durafile-bench):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar CallOverheadBenchmark -rf json -rff calls.json
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Thread)
public class CallOverheadBenchmark {
    private static final WriteOptions NONE = WriteOptions.builder().durability(Durability.NONE).build();
    private static final Name ABSENT = Name.of("absent");

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    private Path dir;
    private WriteOptions none;
    private FileBinding.Directory directory;
    private FileBinding.OpenFile file;
    private Path target;
    private byte[] data;

    /** Opens a tmpfs directory and a file in it through the backend. */
    @Setup
    public void setUp() throws IOException {
        FileBinding binding = Backends.load(backend);
        dir = BenchDirs.onTmpfs("calls");
        none = NONE.toBuilder().backend(Backend.named(backend)).build();
        directory = binding.openDirectory(dir);
        file = directory.createExclusive(Name.of("open.dat"), 0644);
        target = dir.resolve("target.dat");
        data = BenchDirs.content(1024);
    }

    /** Closes everything and removes the directory. */
    @TearDown
    public void tearDown() throws IOException {
        file.close();
        directory.close();
        BenchDirs.delete(dir);
    }

    /** fdatasync(fd) on tmpfs: a call that does nothing. */
    @Benchmark
    public void fdatasync() throws IOException {
        file.sync(false);
    }

    /** fchmod(fd, 0644). */
    @Benchmark
    public void fchmod() throws IOException {
        file.setMode(0644);
    }

    /** unlinkat(dirfd, "absent", 0), failing with ENOENT (not an error for delete). */
    @Benchmark
    public void unlinkAbsent() throws IOException {
        directory.delete(ABSENT);
    }

    /** A whole atomic replacement of a 1 KiB file at NONE. */
    @Benchmark
    public void writeNone() throws IOException {
        AtomicFiles.write(target, data, none);
    }
}
