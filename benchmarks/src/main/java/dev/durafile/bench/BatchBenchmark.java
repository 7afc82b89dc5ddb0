package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.FileTransaction;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
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
 * A batch of {@code files} DURABLE 1 KiB files replaced in one directory, two ways, side by side in
 * one run: {@code sequential} makes one {@code write} per file (two sync rounds each: the temp, then
 * the directory), {@code transaction} commits them as one {@link FileTransaction} (three rounds in
 * all: the temps, the directory and the journal together; the journal record; the directory again).
 * One operation is the whole batch; files per second is {@code files} divided by its time. The goal:
 * a transaction of 100 files at least 5x the files per second of 100 sequential writes, 10 files 2x.
 *
 * <p>Run (the directory must be on a real disk, not tmpfs):
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java --enable-native-access=ALL-UNNAMED \
 *     -jar benchmarks/target/benchmarks.jar BatchBenchmark -rf json -rff batch.json
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class BatchBenchmark {
    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    /** Files per batch. */
    @Param({"10", "100"})
    public int files;

    private Path root;
    private Path journal;
    private Path[] targets;
    private byte[] data;
    private WriteOptions options;
    private long round;

    /** Creates the directory, the journal and the files the batches replace. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        options = WriteOptions.builder().backend(Backend.named(backend)).build();
        root = BenchDirs.onDisk("batch");
        journal = root.resolve("journal");
        Path dir = Files.createDirectories(root.resolve("data"));
        targets = new Path[files];
        data = BenchDirs.content(1024);
        for (int i = 0; i < files; i++) {
            targets[i] = Files.write(dir.resolve("file-" + i + ".json"), data);
        }
        AtomicFiles.transaction(journal, options).close();
    }

    /** Removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchDirs.delete(root);
    }

    /** {@code files} writes, one after the other. */
    @Benchmark
    public long sequential() throws IOException {
        data[0] = (byte) round++;
        for (Path t : targets) {
            AtomicFiles.write(t, data, options);
        }
        return round;
    }

    /** One transaction of {@code files} writes. */
    @Benchmark
    public long transaction() throws IOException {
        data[0] = (byte) round++;
        try (FileTransaction tx = AtomicFiles.transaction(journal, options)) {
            for (Path t : targets) {
                tx.write(t, data);
            }
            tx.commit();
        }
        return round;
    }
}
