package dev.durafile.story;

import dev.durafile.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-process main for {@link StoryEndToEndTest}: one of the story's services saving in a loop until
 * it is killed, printing {@code ack <n>} after each save returns. Every saved value is fully determined
 * by {@code n}, so the parent can tell byte for byte which one a file holds.
 *
 * <p>The child starts without arguments, loads Jackson and the durafile backend, prints {@code ready}
 * and waits for its command: one line on standard input, the words below separated by tabs. So the
 * parent can start the next child while the current one runs. It exits when its standard input
 * closes, so it never outlives the test JVM.
 *
 * <ul>
 *   <li>{@code job <workspace> atomic|naive <first>}: saves {@link #jobVersion} {@code first},
 *       {@code first + 1} ... with {@link JobStore}, or in place with {@code Files.write} (the negative
 *       control);</li>
 *   <li>{@code stats <workspace>}: {@value #STATS_THREADS} concurrent jobs, each saving its metadata and
 *       then the statistics ({@code n} = jobs succeeded in the snapshot saved);</li>
 *   <li>{@code registry <workspace>}: registers {@link #repository} 0, 1 ... after those registered;</li>
 *   <li>{@code transfer <workspace> <jobId> <sessionId> atomic|naive}: prints {@code start <n>} and
 *       transfers the session file with {@link SessionTransfer}, or in place with {@code Files.copy} (the
 *       negative control); before each even {@code n} it deletes the transferred file, so half the
 *       transfers create it and half replace it.</li>
 * </ul>
 */
public final class StoryCrashChild {
    /** How many jobs the {@code job} mode cycles through: version {@code v} belongs to job {@code v % JOBS}. */
    public static final int JOBS = 3;
    /** How many concurrent jobs the {@code stats} mode runs. */
    public static final int STATS_THREADS = 10;
    /** The runtime every job completion of the {@code stats} mode records. */
    public static final long RUNTIME_MILLIS = 10;
    private static final String[] STATUSES = {"queued", "gitpulling", "running", "completed"};

    private StoryCrashChild() {
    }

    /** @return job version {@code v}: job {@code v % JOBS}, output from 0 to about 150 KB long */
    public static Job jobVersion(long v) {
        int length = v % 5 == 0 ? (int) (v % 97) : (int) (v * 7919 % 150_000);
        String line = "version " + v + ": step done, tests green, moving on\n";
        String output = line.repeat(length / line.length() + 1).substring(0, length);
        return new Job("job-" + v % JOBS, STATUSES[(int) (v / JOBS % STATUSES.length)], "repo-" + v % JOBS, v, output);
    }

    /** @return the metadata the {@code stats} mode's job {@code thread} saves in its {@code iteration} */
    public static Job statsJob(int thread, long iteration) {
        return new Job("job-" + thread, "completed", "repo-" + thread, iteration, "iteration " + iteration);
    }

    /** @return the statistics after {@code n} completions of the {@code stats} mode */
    public static Statistics statisticsAfter(long n) {
        return new Statistics(n, 0, n * RUNTIME_MILLIS);
    }

    /** @return the {@code k}th repository the {@code registry} mode registers */
    public static Repository repository(int k) {
        return new Repository("repo-" + k, "https://git.example.com/team/repo-" + k + ".git", "main");
    }

    /** @return the registry after the {@code registry} mode registered {@code n} repositories */
    public static Repositories registryAfter(int n) {
        List<Repository> repos = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            repos.add(repository(k));
        }
        return new Repositories(repos);
    }

    public static void main(String[] args) throws Exception {
        Workspace.MAPPER.writeValueAsBytes(jobVersion(1));
        System.out.println("ready backend=" + AtomicFiles.backendName());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = stdin.readLine();
        if (line == null) {
            return;
        }
        exitWhenParentGoes(stdin);
        String[] command = line.split("\t");
        Workspace workspace = new Workspace(Path.of(command[1]));
        switch (command[0]) {
            case "job" -> saveJobs(workspace, command[2].equals("naive"), Long.parseLong(command[3]));
            case "stats" -> saveStatistics(workspace);
            case "registry" -> register(workspace);
            case "transfer" -> transfer(workspace, command[2], command[3], command[4].equals("naive"));
            default -> throw new IllegalArgumentException("unknown command " + line);
        }
    }

    private static void exitWhenParentGoes(BufferedReader stdin) {
        Thread watchdog = new Thread(() -> {
            try {
                stdin.transferTo(Writer.nullWriter());
            } catch (IOException e) {
                e.printStackTrace();
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void saveJobs(Workspace workspace, boolean naive, long first) throws IOException {
        JobStore jobs = new JobStore(workspace);
        for (long v = first; ; v++) {
            Job job = jobVersion(v);
            if (naive) {
                Path file = jobs.file(job.id());
                Files.createDirectories(file.getParent());
                Files.write(file, Workspace.MAPPER.writeValueAsBytes(job), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } else {
                jobs.save(job);
            }
            System.out.println("ack " + v);
        }
    }

    private static void saveStatistics(Workspace workspace) throws IOException {
        JobStore jobs = new JobStore(workspace);
        StatisticsStore statistics = StatisticsStore.open(workspace);
        for (int t = 0; t < STATS_THREADS; t++) {
            int thread = t;
            Thread job = new Thread(() -> {
                try {
                    for (long i = 0; ; i++) {
                        jobs.save(statsJob(thread, i));
                        statistics.recordCompletion(true, RUNTIME_MILLIS);
                        System.out.println("ack " + statistics.save().jobsSucceeded());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "job-" + t);
            job.setUncaughtExceptionHandler((th, e) -> {
                e.printStackTrace();
                Runtime.getRuntime().halt(2);
            });
            job.start();
        }
    }

    private static void register(Workspace workspace) throws IOException {
        RepositoryRegistry registry = new RepositoryRegistry(workspace);
        int first = Files.exists(workspace.repositoriesFile()) ? registry.load().repositories().size() : 0;
        for (int k = first; ; k++) {
            registry.register(repository(k));
            System.out.println("ack " + k);
        }
    }

    private static void transfer(Workspace workspace, String jobId, String sessionId, boolean naive) throws IOException {
        SessionTransfer transfer = new SessionTransfer(workspace);
        Path destination = transfer.destination(sessionId);
        for (long n = 0; ; n++) {
            if (n % 2 == 0) {
                Files.deleteIfExists(destination);
            }
            System.out.println("start " + n);
            if (naive) {
                Files.createDirectories(destination.getParent());
                Files.copy(transfer.source(jobId, sessionId), destination, StandardCopyOption.REPLACE_EXISTING);
            } else {
                transfer.transfer(jobId, sessionId);
            }
            System.out.println("ack " + n);
        }
    }
}
