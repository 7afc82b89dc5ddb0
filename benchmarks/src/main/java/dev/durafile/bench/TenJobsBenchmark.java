package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The user story's "10 concurrent jobs x 2 atomic writes": 10 threads finish a job each at the same
 * moment; each saves its job's metadata ({@code jobs/job-N/.job.json}) and then the shared statistics
 * ({@code statistics.json}, under the statistics service's save lock, as in the story), both DURABLE
 * with the default options. One operation is the whole batch of 20 writes, from release to the last
 * return: its wall time, in milliseconds (budget: under 500 ms).
 *
 * <p>Run (the directory must be on a real disk, not tmpfs):
 * <pre>{@code
 * DURAFILE_BENCH_DIR=/var/tmp/durafile-bench java -jar benchmarks/target/benchmarks.jar TenJobsBenchmark \
 *     -rf json -rff tenjobs.json
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = BenchDirs.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class TenJobsBenchmark {
    private static final int JOBS = 10;

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    private Path root;
    private WriteOptions options;
    private ExecutorService pool;
    private final List<Callable<Void>> jobs = new ArrayList<>();
    private final Object saveLock = new Object();
    private long completed;

    /** Creates the job directories and the 10 worker threads. */
    @Setup
    public void setUp() throws IOException {
        options = WriteOptions.builder().backend(Backend.named(backend)).build();
        root = BenchDirs.onDisk("tenjobs");
        pool = Executors.newFixedThreadPool(JOBS);
        Path statistics = root.resolve("statistics.json");
        for (int i = 0; i < JOBS; i++) {
            Path jobFile = Files.createDirectories(root.resolve("jobs").resolve("job-" + i)).resolve(".job.json");
            byte[] job = json("{\"id\":\"job-" + i + "\",\"status\":\"completed\",\"repository\":\"repo-" + i
                    + "\",\"attempt\":1,\"output\":\"output of job " + i + "\"}");
            long runtime = 100 + i;
            jobs.add(() -> {
                AtomicFiles.write(jobFile, job, options);
                synchronized (saveLock) {
                    completed++;
                    byte[] snapshot = json("{\"completed\":" + completed + ",\"failed\":0,\"totalRuntimeMillis\":"
                            + completed * runtime + "}");
                    AtomicFiles.write(statistics, snapshot, options);
                }
                return null;
            });
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the threads and removes the directory. */
    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("job threads did not stop");
        }
        BenchDirs.delete(root);
    }

    /** Releases the 10 jobs and waits until all 20 writes have returned. */
    @Benchmark
    public void tenJobs() throws InterruptedException, ExecutionException {
        for (Future<Void> job : pool.invokeAll(jobs)) {
            job.get();
        }
    }
}
