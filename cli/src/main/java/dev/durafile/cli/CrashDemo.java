package dev.durafile.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.SweepReport;
import dev.durafile.TempFileJanitor;
import dev.durafile.internal.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code durafile crash-demo}: the story's crash test, side by side. For each writer, naive and
 * durafile, it starts a child JVM ({@link CrashDemoChild}) that rewrites a job-metadata JSON file in a
 * loop, SIGKILLs it at a random moment after its first acknowledged write, and reads the file back:
 * it must be byte for byte the last acknowledged version or the one being written. It counts corrupt,
 * empty and missing files, then the temp files left behind, which the janitor sweeps.
 */
final class CrashDemo {
    private static final int DEFAULT_RUNS = 50;
    private static final int DEFAULT_MAX_SIZE = 2 << 20;
    private static final int MAX_MAX_SIZE = 256 << 20;
    private static final int MAX_KILL_DELAY_MILLIS = 100;
    private static final int PROGRESS_EVERY = 10;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final String JOB_FILE = "crash-demo.job.json";
    static final int MAX_FILES = 16;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    static final Option RUNS = Option.valued("--runs", "N", "kills per writer (default " + DEFAULT_RUNS + ")");
    static final Option DIR = Option.valued("--dir", "DIR", "where to create the demo's working directory, "
            + "which is deleted at the end (DIR is created if missing; default: the system temp directory)");
    static final Option FILES = Option.valued("--files", "N", "save N files together (default 1): with 2 to "
            + MAX_FILES + ", the naive writer saves them with one atomic write each, durafile in one transaction,"
            + " and a kill that leaves them holding different versions counts as mixed");
    static final Option SIZE = Option.valued("--size", "BYTES", "the largest job file; each version is between "
            + "an eighth of this and this, e.g. 512k (default 2m)");

    static final Command COMMAND = new Command("crash-demo", "",
            "kill writers of a job file N times: a naive in-place writer against durafile",
            List.of("Shows what a kill -9 does to a file being saved. For each of N runs and each writer, a "
                            + "child JVM rewrites the job-metadata file " + JOB_FILE + " in a loop and is "
                            + "SIGKILLed 0 to " + MAX_KILL_DELAY_MILLIS + " ms after its first write returned. "
                            + "The file is then read back and checked: it must parse as JSON and be byte for "
                            + "byte the last version the child acknowledged or the one it was writing.",
                    "The naive writer truncates the file and writes the new version into it, as "
                            + "File.WriteAllText and Files.write do; durafile writes a temp file and renames it. "
                            + "The table counts the files found corrupt, empty or missing after the kills, the "
                            + "temp files left behind (swept by the janitor at the end) and the time taken.",
                    "With --files N, each save writes N files (the job file and its statistics), which only make "
                            + "sense together: the naive writer makes each of them crash-proof on its own, durafile "
                            + "commits them in one transaction; after each kill durafile's journal is recovered, "
                            + "and files that hold different versions are counted as mixed.",
                    "Exit status 1 if durafile's file was ever damaged. Progress goes to standard error."),
            List.of(RUNS, DIR, SIZE, FILES, FileCommands.DURABILITY), 0, 0, false, CrashDemo::crashDemo);

    private CrashDemo() {
    }

    private static int crashDemo(Invocation inv) throws IOException, UsageException {
        Arguments args = inv.args();
        int runs = args.value(RUNS, Values.intBetween(1, 1_000_000), DEFAULT_RUNS);
        Path given = args.value(DIR, Values::path, Path.of(System.getProperty("java.io.tmpdir")));
        int maxSize = args.value(SIZE, Values.sizeBetween(JobVersions.MIN_MAX_SIZE, MAX_MAX_SIZE), DEFAULT_MAX_SIZE);
        Durability durability = args.value(FileCommands.DURABILITY, Values::durability, Durability.DURABLE);
        int files = args.value(FILES, Values.intBetween(1, MAX_FILES), 1);
        Path parent = trustedParent(given.toAbsolutePath().normalize());
        Path work = Files.createTempDirectory(parent, "durafile-crash-demo-");
        // Ctrl-C or SIGTERM: stop the child writers, then remove the work directory as the help promises
        Thread cleanup = new Thread(() -> stopChildrenAndDelete(work), "crash-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return crashDemo(inv, work, runs, maxSize, durability, files);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            deleteTree(work);
        }
    }

    /**
     * @return the real path of {@code dir}, made if missing, checked to be a directory only root and this
     *     user can change (see {@link Errors#requireOnlyTrustedCanChange}); what is missing is made below
     *     the real path of the nearest directory that exists, after that one passed the same check, so
     *     nothing is created through another user's link or in another user's directory
     */
    private static Path trustedParent(Path dir) throws IOException {
        Path existing = dir;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path target = dir;
        if (!existing.equals(dir)) {
            Errors.requireDirectory(existing);
            target = Errors.requireOnlyTrustedCanChange(existing, "crash-demo").resolve(existing.relativize(dir));
            AtomicFiles.createDirectories(target);
        }
        Errors.requireDirectory(target);
        return Errors.requireOnlyTrustedCanChange(target, "crash-demo");
    }

    /** From the shutdown hook: kills the child writers, waits for them, then deletes {@code work}. */
    private static void stopChildrenAndDelete(Path work) {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.current().descendants().forEach(child -> child.onExit().join());
        // the main thread still runs while the hook does, and may create a file between two attempts
        for (int attempt = 0; attempt < 20 && Files.exists(work); attempt++) {
            try {
                deleteTree(work);
            } catch (IOException | UncheckedIOException e) {
                Thread.onSpinWait();
            }
        }
    }

    /** @return the {@code count} files a save writes: {@code job} and, beside it, its numbered companions */
    static List<Path> files(Path job, int count) {
        List<Path> files = new ArrayList<>();
        files.add(job);
        for (int i = 1; i < count; i++) {
            files.add(job.resolveSibling("crash-demo.stats-" + i + ".json"));
        }
        return files;
    }

    /** @return the journal of the transactions that save {@code job} and its companions */
    static Path journal(Path job) {
        return job.resolveSibling("journal");
    }

    private static int crashDemo(Invocation inv, Path work, int runs, int maxSize, Durability durability, int files)
            throws IOException, InterruptedException {
        inv.out().printf("crash-demo: %d kills per writer; %s of %d to %d bytes in %s (%s); backend %s%n",
                runs, files == 1 ? "job file" : files + " files saved together", maxSize / 8, maxSize, work,
                Files.getFileStore(work).type(), AtomicFiles.backendName());
        List<Trial> trials = new ArrayList<>();
        for (Writer writer : Writer.values()) {
            trials.add(new Trial(writer, Files.createDirectory(work.resolve(writer.label())), maxSize, durability,
                    files));
        }
        long start = System.nanoTime();
        for (int run = 1; run <= runs; run++) {
            for (Trial t : trials) {
                t.run();
            }
            if (run % PROGRESS_EVERY == 0 || run == runs) {
                StringBuilder line = new StringBuilder("crash-demo: " + run + "/" + runs + " runs, damaged files:");
                trials.forEach(t -> line.append(' ').append(t.writer.label()).append(' ').append(t.damaged()));
                inv.err().println(line.append(" (").append(seconds(System.nanoTime() - start)).append(')'));
            }
        }
        for (Trial t : trials) {
            t.sweep();
        }
        report(inv.out(), trials, durability);
        Trial naive = trials.get(Writer.NAIVE.ordinal());
        Trial durafile = trials.get(Writer.DURAFILE.ordinal());
        inv.out().printf("durafile: %d damaged job files after %d kills; naive: %d damaged after %d kills.%n",
                durafile.damaged(), durafile.runs, naive.damaged(), naive.runs);
        if (naive.damaged() == 0) {
            inv.out().println("The naive writer got lucky this time: more --runs or a larger --size make a kill "
                    + "mid-write likelier.");
        }
        if (durafile.damaged() > 0) {
            inv.error("durafile's job file was found damaged after " + durafile.damaged() + " of " + runs + " kills");
            return Main.FAILURE;
        }
        return Main.OK;
    }

    /** Prints the table of what each writer's runs found, and what its columns mean. */
    private static void report(PrintStream out, List<Trial> trials, Durability durability) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("writer", "runs", "writes", "corrupt", "empty", "missing", "mixed", "temps left", "swept",
                "time"));
        for (Trial t : trials) {
            rows.add(List.of(t.writer.label(), String.valueOf(t.runs), String.valueOf(t.writes),
                    String.valueOf(t.found(Outcome.CORRUPT)), String.valueOf(t.found(Outcome.EMPTY)),
                    String.valueOf(t.found(Outcome.MISSING)), String.valueOf(t.found(Outcome.MIXED)),
                    String.valueOf(t.leftovers), String.valueOf(t.swept.deletedCount()), seconds(t.nanos)));
        }
        out.println();
        out.print(Text.grid(rows));
        out.println();
        boolean several = trials.get(0).files.size() > 1;
        out.print(Text.table(List.of(
                List.of("naive", several ? "AtomicFiles.write(file, bytes) for each file, one after the other: "
                        + "each file is whole, but a kill between two leaves them holding different versions"
                        : "Files.write(file, bytes): truncates the file, then writes the new version into it (like "
                        + "File.WriteAllText)"),
                List.of("durafile", several ? "one FileTransaction of all the files at " + durability + ", and"
                        + " AtomicFiles.recover(journal) after each kill"
                        : "AtomicFiles.write(file, bytes) at " + durability + ": " + steps(durability)),
                List.of("mixed", "every file whole, but not all the same version"),
                List.of("corrupt", "not JSON, or not byte for byte the last acknowledged version or the one "
                        + "being written"),
                List.of("temps left", "temp files of interrupted writes; the janitor swept them at the end"))));
        out.println();
    }

    private static String steps(Durability durability) {
        return switch (durability) {
            case NONE -> "temp file, rename";
            case ATOMIC -> "temp file, fdatasync, rename";
            case DURABLE -> "temp file, fdatasync, rename, directory fsync";
        };
    }

    /** @return {@code nanos} in seconds with one decimal, e.g. {@code 12.5 s} */
    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /**
     * Deletes the work directory relative to open descriptors, never following a link: as root in a
     * directory others can write to (--dir /tmp), a path-based walk could be sent into another tree by
     * swapping the work directory for a symbolic link between two of its steps.
     */
    private static void deleteTree(Path root) throws IOException {
        Path abs = root.toAbsolutePath();
        Trees.delete(abs.getParent(), abs.getFileName());
    }

    /** What a job file read back after a kill is. */
    private enum Outcome {
        INTACT, CORRUPT, EMPTY, MISSING, MIXED
    }

    /** The runs of one writer, in its own directory, and what they found. */
    private static final class Trial {
        final Writer writer;
        final Path dir;
        final Path file;
        final List<Path> files;
        final int maxSize;
        final Durability durability;
        long nextVersion = 1;
        int runs;
        long writes;
        final int[] found = new int[Outcome.values().length];
        long nanos;
        int leftovers;
        SweepReport swept;

        Trial(Writer writer, Path dir, int maxSize, Durability durability, int files) {
            this.writer = writer;
            this.dir = dir;
            this.file = dir.resolve(JOB_FILE);
            this.files = files(file, files);
            this.maxSize = maxSize;
            this.durability = durability;
        }

        int found(Outcome outcome) {
            return found[outcome.ordinal()];
        }

        int damaged() {
            return runs - found(Outcome.INTACT);
        }

        /** Starts a child, kills it after its first acknowledged write, and checks the file. */
        void run() throws IOException, InterruptedException {
            long start = System.nanoTime();
            long first = nextVersion;
            Process child = new ProcessBuilder(childCommand(first)).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            AtomicBoolean timedOut = new AtomicBoolean();
            CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
                timedOut.set(true);
                child.toHandle().destroyForcibly();
            }, CompletableFuture.delayedExecutor(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            InputStream acks = child.getInputStream();
            String firstAck = readLine(acks);
            watchdog.cancel(false);
            if (firstAck == null) {
                child.waitFor();
                throw new IOException("the " + writer.label() + " child JVM "
                        + (timedOut.get() ? "acknowledged no write within " + ACK_TIMEOUT.toSeconds() + " s"
                                : "exited with status " + child.exitValue() + " before its first write"));
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(MAX_KILL_DELAY_MILLIS + 1));
            // SIGKILL through the handle: Process.destroyForcibly() would also close the pipe and lose the
            // acknowledgements the child printed just before it died.
            child.toHandle().destroyForcibly();
            child.waitFor();
            long last = lastVersion(firstAck + "\n" + new String(acks.readAllBytes(), StandardCharsets.US_ASCII));
            if (writer == Writer.DURAFILE && files.size() > 1) {
                AtomicFiles.recover(journal(file));
            }
            found[inspect(last).ordinal()]++;
            runs++;
            writes += last - first + 1;
            // The child may have published last + 1 without acknowledging it: the next child starts above.
            nextVersion = last + 2;
            nanos += System.nanoTime() - start;
        }

        private List<String> childCommand(long firstVersion) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            if (Runtime.version().feature() >= 22) {
                command.add(Backend.nativeAccessFlag());
            }
            command.addAll(List.of("-D" + Backend.PROPERTY + "=" + AtomicFiles.backendName(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    CrashDemoChild.COMMAND.name(), writer.label(), file.toString(), String.valueOf(firstVersion),
                    String.valueOf(maxSize), durability.name().toLowerCase(Locale.ROOT), String.valueOf(files.size())));
            return command;
        }

        /**
         * @param lastAcked the last version the child acknowledged
         * @return what the files are: intact only if each is JSON and byte for byte version
         *     {@code lastAcked} or {@code lastAcked + 1}, all the same one
         */
        private Outcome inspect(long lastAcked) throws IOException {
            long seen = -1;
            for (Path f : files) {
                byte[] content;
                try {
                    content = Files.readAllBytes(f);
                } catch (NoSuchFileException e) {
                    return Outcome.MISSING;
                }
                if (content.length == 0) {
                    return Outcome.EMPTY;
                }
                OptionalLong version = parsedVersion(content);
                if (version.isEmpty()) {
                    return Outcome.CORRUPT;
                }
                long v = version.getAsLong();
                if (!(v == lastAcked || v == lastAcked + 1) || !Arrays.equals(content, JobVersions.bytes(v, maxSize))) {
                    return Outcome.CORRUPT;
                }
                if (seen >= 0 && v != seen) {
                    return Outcome.MIXED;
                }
                seen = v;
            }
            return Outcome.INTACT;
        }

        /** Counts the temp files the killed writes left, then has the janitor delete them. */
        void sweep() throws IOException {
            try (Stream<Path> entries = Files.list(dir)) {
                leftovers = (int) entries.filter(TempFileJanitor::isTempFile).count();
            }
            swept = TempFileJanitor.sweep(dir, Duration.ZERO, false);
        }
    }

    /** @return the version a job file says it is, if it is one JSON object with a whole-number version */
    private static OptionalLong parsedVersion(byte[] content) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(content);
        } catch (JacksonException e) {
            return OptionalLong.empty();
        }
        JsonNode version = tree.get("version");
        return tree.isObject() && version != null && version.isIntegralNumber() && version.canConvertToLong()
                ? OptionalLong.of(version.longValue()) : OptionalLong.empty();
    }

    /** @return the line read up to a newline, without it; null if the stream ended first */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                return line.toString();
            }
            line.append((char) b);
        }
        return null;
    }

    /** @return the number on the last line of {@code acks}, lines that each end with a newline */
    private static long lastVersion(String acks) {
        String complete = acks.substring(0, acks.lastIndexOf('\n'));
        return Long.parseLong(complete.substring(complete.lastIndexOf('\n') + 1));
    }
}
