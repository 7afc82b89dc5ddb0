package dev.durafile.story;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.AtomicFiles;
import dev.durafile.ChildJvm;
import dev.durafile.TestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The story's manual E2E test plan, automated: its services save in a child JVM that is SIGKILLed at
 * random moments, then the parent "restarts" (loads every file) and checks that each holds one complete
 * version the child wrote, byte for byte, and none older than the child acknowledged. Negative controls
 * run the same checks against naive in-place writers and must catch them.
 *
 * <p>{@code -Ddurafile.story.kills=N} (default 20) sets the kills of the job-metadata test; the other
 * crash tests scale from it. {@code -Ddurafile.story.seed=S} replays the random kill moments of a run.
 */
class StoryEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(StoryEndToEndTest.class);
    private static final int KILLS = Integer.getInteger("durafile.story.kills", 20);
    private static final long SEED = Long.getLong("durafile.story.seed", System.nanoTime());
    /** How many kills a negative control may take to show its naive writer's damage. */
    private static final int NEGATIVE_CONTROL_BOUND = 200;
    private static final long START_TIMEOUT_MILLIS = 30_000;
    private static final String SESSION = "session-7f3a";
    private static final String SESSION_JOB = "job-42";

    /**
     * How many child JVMs start ahead of need: a restart after a kill then finds one that has already
     * loaded Jackson and the backend, and the JVM startups overlap the crash rounds.
     */
    private static final int WARM_CHILDREN = 2;
    private static final Deque<ChildJvm> WARM = new ArrayDeque<>();

    @TempDir
    static Path childLogs;

    private final Random random = new Random(SEED);

    @TempDir
    Path dir;

    @BeforeAll
    static void logSeed() {
        LOG.info("story E2E: {} kills, seed {} (replay with -Ddurafile.story.seed={})", KILLS, SEED, SEED);
    }

    private Workspace workspace(String name) throws IOException {
        return new Workspace(Files.createDirectories(dir.resolve(name)));
    }

    /**
     * Starts a warm child (one that loaded everything and waits for its command), gives it
     * {@code command}, lets it run a random moment after its first {@code readyPrefix} line and SIGKILLs it.
     *
     * @return every line the child printed
     */
    private List<String> runAndKill(String readyPrefix, int maxDelayMillis, String... command) throws Exception {
        try (ChildJvm child = nextChild()) {
            child.awaitLine("ready", START_TIMEOUT_MILLIS);
            child.send(String.join("\t", command));
            child.awaitLine(readyPrefix, START_TIMEOUT_MILLIS);
            Thread.sleep(random.nextInt(maxDelayMillis));
            child.kill();
            return child.lines();
        }
    }

    /** @return the longest-started child, keeping {@link #WARM_CHILDREN} more starting meanwhile */
    private static ChildJvm nextChild() throws IOException {
        while (WARM.size() <= WARM_CHILDREN) {
            WARM.add(ChildJvm.start(Files.createTempFile(childLogs, "child-", ".err"), StoryCrashChild.class));
        }
        return WARM.poll();
    }

    @AfterAll
    static void stopWarmChildren() {
        WARM.forEach(ChildJvm::close);
    }

    private static long lastAck(List<String> lines, long previous) {
        return Math.max(previous, lines.stream().filter(l -> l.startsWith("ack "))
                .mapToLong(l -> Long.parseLong(l.substring(4))).max().orElse(-1));
    }

    /**
     * Runs crash rounds until {@code check} reports damage, at most {@link #NEGATIVE_CONTROL_BOUND}.
     *
     * @return the damage found, or empty if none was in that many kills
     */
    private static Optional<String> killUntilCaught(CrashRound round, Supplier<Optional<String>> check) throws Exception {
        for (int kills = 1; kills <= NEGATIVE_CONTROL_BOUND; kills++) {
            round.run();
            Optional<String> damage = check.get();
            if (damage.isPresent()) {
                LOG.info("negative control caught after {} kills: {}", kills, damage.get());
                return damage;
            }
        }
        return Optional.empty();
    }

    @FunctionalInterface
    private interface CrashRound {
        void run() throws Exception;
    }

    // ---- (a) job metadata, killed during status updates ----

    /** The job versions the children acknowledged, overall and per job. */
    private static final class JobAcks {
        long last = -1;
        final long[] perJob = new long[StoryCrashChild.JOBS];

        JobAcks() {
            Arrays.fill(perJob, -1);
        }

        void add(List<String> lines) {
            for (String line : lines) {
                if (line.startsWith("ack ")) {
                    long v = Long.parseLong(line.substring(4));
                    last = Math.max(last, v);
                    int job = (int) (v % StoryCrashChild.JOBS);
                    perJob[job] = Math.max(perJob[job], v);
                }
            }
        }
    }

    private void killDuringJobUpdates(Workspace ws, String writer, JobAcks acks) throws Exception {
        acks.add(runAndKill("ack ", 40, "job", ws.root().toString(), writer, Long.toString(acks.last + 1)));
    }

    /** @return what is wrong with the job files, if anything, after the children acknowledged {@code acks} */
    private static Optional<String> checkJobs(Workspace ws, JobAcks acks) {
        JobStore jobs = new JobStore(ws);
        try {
            for (int j = 0; j < StoryCrashChild.JOBS; j++) {
                String id = "job-" + j;
                Path file = jobs.file(id);
                if (!Files.exists(file)) {
                    if (acks.perJob[j] >= 0) {
                        return Optional.of(id + ": missing after version " + acks.perJob[j] + " was acknowledged");
                    }
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                Job job;
                try {
                    job = jobs.load(id);
                } catch (IOException e) {
                    return Optional.of(id + ": unreadable (" + bytes.length + " bytes): " + e.getMessage());
                }
                long v = job.revision();
                if (v % StoryCrashChild.JOBS != j || v > acks.last + 1) {
                    return Optional.of(id + ": holds version " + v + ", never written there");
                }
                if (v < acks.perJob[j]) {
                    return Optional.of(id + ": rolled back to version " + v + " after " + acks.perJob[j] + " was acknowledged");
                }
                if (!Arrays.equals(bytes, Workspace.MAPPER.writeValueAsBytes(StoryCrashChild.jobVersion(v)))) {
                    return Optional.of(id + ": not byte for byte version " + v);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot check: " + e);
        }
    }

    @Test
    void jobMetadataSurvivesKillsDuringStatusUpdates() throws Exception {
        Workspace ws = workspace("jobs-atomic");
        JobAcks acks = new JobAcks();
        long start = System.nanoTime();
        for (int kill = 1; kill <= KILLS; kill++) {
            killDuringJobUpdates(ws, "atomic", acks);
            assertThat(checkJobs(ws, acks)).as("after kill %d (seed %d)", kill, SEED).isEmpty();
        }
        assertThat(acks.last).as("every child acknowledged a save").isGreaterThanOrEqualTo(KILLS - 1L);
        LOG.info("(a) {} kills during job updates, {} versions acknowledged, {} temp files left, zero corruptions, {} ms",
                KILLS, acks.last + 1, temps(ws), elapsedMillis(start));
    }

    @Test
    void negativeControlNaiveJobWriterIsCaught() throws Exception {
        Workspace ws = workspace("jobs-naive");
        JobAcks acks = new JobAcks();
        assertThat(killUntilCaught(() -> killDuringJobUpdates(ws, "naive", acks), () -> checkJobs(ws, acks)))
                .as("damage by an in-place Files.write within %d kills (seed %d)", NEGATIVE_CONTROL_BOUND, SEED)
                .isPresent();
    }

    // ---- (b) 10 concurrent jobs saving metadata and statistics; killed during statistics saves ----

    @Test
    void tenConcurrentJobsSaveMetadataAndStatistics() throws Exception {
        Workspace ws = workspace("concurrent");
        JobStore jobs = new JobStore(ws);
        StatisticsStore statistics = StatisticsStore.open(ws);
        List<Job> finished = IntStream.range(0, 10)
                .mapToObj(i -> new Job("job-" + i, "completed", "repo-" + i, 1, "output of job " + i))
                .collect(Collectors.toList());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(finished.size());
        long elapsedNanos;
        try {
            List<Future<?>> saves = new ArrayList<>();
            for (int i = 0; i < finished.size(); i++) {
                Job job = finished.get(i);
                long runtime = 100 + i;
                saves.add(pool.submit(() -> {
                    go.await();
                    jobs.save(job);
                    statistics.recordCompletion(true, runtime);
                    return statistics.save();
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> save : saves) {
                save.get(60, TimeUnit.SECONDS);
            }
            elapsedNanos = System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
        LOG.info("(b) 10 concurrent jobs, 20 durable atomic writes ({} backend): {} ms", AtomicFiles.backendName(),
                TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
        for (Job job : finished) {
            assertThat(Files.readAllBytes(jobs.file(job.id()))).isEqualTo(Workspace.MAPPER.writeValueAsBytes(job));
            assertThat(jobs.load(job.id())).isEqualTo(job);
        }
        Statistics all = new Statistics(10, 0, IntStream.range(0, 10).map(i -> 100 + i).sum());
        assertThat(Files.readAllBytes(ws.statisticsFile())).isEqualTo(Workspace.MAPPER.writeValueAsBytes(all));
        assertThat(StatisticsStore.open(ws).snapshot()).isEqualTo(all);
        assertThat(temps(ws)).isZero();
    }

    @Test
    void statisticsSurviveKillsDuringSaves() throws Exception {
        Workspace ws = workspace("stats");
        JobStore jobs = new JobStore(ws);
        int rounds = Math.max(5, KILLS / 4);
        long acked = -1;
        for (int kill = 1; kill <= rounds; kill++) {
            acked = lastAck(runAndKill("ack ", 40, "stats", ws.root().toString()), acked);
            // restart: load the statistics as the service does, then check every byte
            Statistics loaded = StatisticsStore.open(ws).snapshot();
            assertThat(loaded.jobsSucceeded()).as("after kill %d (seed %d)", kill, SEED).isGreaterThanOrEqualTo(acked);
            assertThat(Files.readAllBytes(ws.statisticsFile())).as("after kill %d (seed %d)", kill, SEED)
                    .isEqualTo(Workspace.MAPPER.writeValueAsBytes(StoryCrashChild.statisticsAfter(loaded.jobsSucceeded())));
            for (int t = 0; t < StoryCrashChild.STATS_THREADS; t++) {
                Path file = jobs.file("job-" + t);
                if (Files.exists(file)) {
                    Job job = jobs.load("job-" + t);
                    assertThat(Files.readAllBytes(file)).as("job-%d after kill %d (seed %d)", t, kill, SEED)
                            .isEqualTo(Workspace.MAPPER.writeValueAsBytes(StoryCrashChild.statsJob(t, job.revision())));
                }
            }
        }
        LOG.info("(b) {} kills during statistics saves, {} completions acknowledged, {} temp files left, zero corruptions",
                rounds, acked, temps(ws));
    }

    // ---- the repository registry, killed during registrations ----

    @Test
    void repositoryRegistryKeepsConcurrentRegistrationsAndSurvivesKills() throws Exception {
        Workspace ws = workspace("registry");
        RepositoryRegistry registry = new RepositoryRegistry(ws);
        int rounds = Math.max(3, KILLS / 8);
        long acked = -1;
        for (int kill = 1; kill <= rounds; kill++) {
            acked = lastAck(runAndKill("ack ", 40, "registry", ws.root().toString()), acked);
            int registered = registry.load().repositories().size();
            assertThat(registered).as("after kill %d (seed %d)", kill, SEED).isGreaterThan((int) acked);
            assertThat(Files.readAllBytes(ws.repositoriesFile())).as("after kill %d (seed %d)", kill, SEED)
                    .isEqualTo(Workspace.MAPPER.writeValueAsBytes(StoryCrashChild.registryAfter(registered)));
        }
        int before = registry.load().repositories().size();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Repositories>> added = new ArrayList<>();
            for (int k = before; k < before + 20; k++) {
                Repository repo = StoryCrashChild.repository(k);
                added.add(pool.submit(() -> registry.register(repo)));
            }
            for (Future<Repositories> f : added) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.load().repositories())
                .containsExactlyInAnyOrderElementsOf(StoryCrashChild.registryAfter(before + 20).repositories());
        Repository moved = new Repository("repo-1", "https://git.example.com/other/repo-1.git", "develop");
        assertThat(registry.register(moved).repositories().get(1)).isEqualTo(moved);
        assertThat(registry.unregister("repo-0").repositories()).hasSize(before + 19).doesNotContain(StoryCrashChild.repository(0));
        assertThat(Files.readAllBytes(ws.repositoriesFile())).isEqualTo(Workspace.MAPPER.writeValueAsBytes(registry.load()));
    }

    // ---- (c) session file transfer, killed during the copy ----

    /** @return a markdown session of about 8 MiB whose every line is different */
    private static byte[] session() {
        StringBuilder md = new StringBuilder(8 << 20).append("# Session ").append(SESSION).append("\n\n");
        for (int line = 0; md.length() < 8 << 20; line++) {
            md.append("- step ").append(line).append(": the agent read, edited and tested the workspace\n");
        }
        return md.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Workspace sessionWorkspace(String name, byte[] session) throws IOException {
        Workspace ws = workspace(name);
        Path source = new SessionTransfer(ws).source(SESSION_JOB, SESSION);
        Files.createDirectories(source.getParent());
        AtomicFiles.write(source, session);
        return ws;
    }

    private void killDuringTransfer(Workspace ws, String writer) throws Exception {
        runAndKill("ack ", 100, "transfer", ws.root().toString(), SESSION_JOB, SESSION, writer);
    }

    /** @return what is wrong in the context repository, if anything: only complete or absent is right */
    private static Optional<String> checkTransfer(Workspace ws, byte[] session) {
        Path destination = new SessionTransfer(ws).destination(SESSION);
        String name = destination.getFileName().toString();
        try {
            if (!Files.exists(ws.contextRepository())) {
                return Optional.empty();
            }
            for (String entry : TestSupport.names(ws.contextRepository())) {
                if (!entry.equals(name) && !entry.startsWith(name + ".tmp.")) {
                    return Optional.of("unexpected file in the context repository: " + entry);
                }
            }
            if (Files.exists(destination)) {
                byte[] copied = Files.readAllBytes(destination);
                if (!Arrays.equals(copied, session)) {
                    return Optional.of(name + ": partial, " + copied.length + " of " + session.length + " bytes");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot check: " + e);
        }
    }

    @Test
    void sessionTransferLeavesDestinationCompleteOrAbsent() throws Exception {
        byte[] session = session();
        Workspace ws = sessionWorkspace("transfer-atomic", session);
        Path destination = new SessionTransfer(ws).destination(SESSION);
        int rounds = Math.max(5, KILLS / 4);
        int complete = 0;
        for (int kill = 1; kill <= rounds; kill++) {
            killDuringTransfer(ws, "atomic");
            assertThat(checkTransfer(ws, session)).as("after kill %d (seed %d)", kill, SEED).isEmpty();
            complete += Files.exists(destination) ? 1 : 0;
        }
        LOG.info("(c) {} kills during 8 MiB session transfers: {} left it complete, {} absent, {} temp files left",
                rounds, complete, rounds - complete, temps(ws));
        assertThat(new SessionTransfer(ws).transfer(SESSION_JOB, SESSION)).isEqualTo(destination);
        assertThat(Files.readAllBytes(destination)).isEqualTo(session);
    }

    @Test
    void negativeControlNaiveSessionCopyIsCaught() throws Exception {
        byte[] session = session();
        Workspace ws = sessionWorkspace("transfer-naive", session);
        assertThat(killUntilCaught(() -> killDuringTransfer(ws, "naive"), () -> checkTransfer(ws, session)))
                .as("damage by an in-place Files.copy within %d kills (seed %d)", NEGATIVE_CONTROL_BOUND, SEED)
                .isPresent();
    }

    private static long temps(Workspace ws) throws IOException {
        try (Stream<Path> all = Files.walk(ws.root())) {
            return all.filter(p -> p.getFileName().toString().contains(".tmp.")).count();
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
