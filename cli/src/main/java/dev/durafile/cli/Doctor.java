package dev.durafile.cli;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.FileSystemCapabilities;
import dev.durafile.SymlinkPolicy;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code durafile doctor}: what durafile does on this JDK and in this directory (backend, file
 * system, capabilities), how fast the disk syncs and renames, and whether that meets the latency
 * budgets (fdatasync p99 under 10 ms, rename p99 under 1 ms). A health check: exit 0 when durafile's
 * guarantees hold here (the directory can be fsynced), whatever the latencies; {@code --strict} also
 * fails on a missed budget.
 */
final class Doctor {
    private static final int DATA_BYTES = 4096;
    private static final int DEFAULT_SAMPLES = 300;
    private static final FileAttribute<Set<PosixFilePermission>> PROBE_FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** Named as durafile names its temp files ({@code <name>.tmp.<uuid>}), so a sweep removes what a kill leaves. */
    private static final String FILE_PREFIX = ".durafile-doctor.tmp.";
    private static final Duration FLUSH_BUDGET = Duration.ofMillis(10);
    private static final Duration RENAME_BUDGET = Duration.ofMillis(1);

    static final Option SAMPLES = Option.valued("--samples", "N",
            "how many times each operation is timed (default " + DEFAULT_SAMPLES + ")");
    static final Option STRICT = Option.flag("--strict", "exit 1 if a latency budget is missed, too");

    static final Command COMMAND = new Command("doctor", "[DIR]",
            "show the backend, the file system's capabilities and its sync and rename latency",
            List.of("Reports the JDK, the backend durafile chose and why (and what would enable panama), "
                            + "the file system holding DIR (default: the current directory) and which of "
                            + "renameat2 RENAME_NOREPLACE and RENAME_EXCHANGE, O_TMPFILE, directory fsync and "
                            + "hard links it supports, found by trying each.",
                    "Then times, in DIR, the steps of an atomic write of " + DATA_BYTES + " bytes "
                            + "(fdatasync of the temp file, rename over the target, directory fsync) and whole "
                            + "writes at each durability level, interleaved sample by sample on the same files, "
                            + "and compares them with the latency budgets: fdatasync p99 under 10 ms, rename p99 "
                            + "under 1 ms.",
                    "Exit status 0 when durafile's guarantees hold in DIR (its directory can be fsynced, so "
                            + "DURABLE writes survive a power cut), 1 when they do not; the budgets are "
                            + "information unless --strict makes a missed one exit 1 too.",
                    "The files it writes are named .durafile-doctor.tmp.UUID and removed; if it is killed, "
                            + "durafile sweep removes them."),
            List.of(SAMPLES, STRICT), 0, 1, false, Doctor::doctor);

    private Doctor() {
    }

    private static int doctor(Invocation inv) throws IOException, UsageException {
        Arguments args = inv.args();
        Path given = (args.operandCount() == 0 ? Path.of(".") : args.path(0)).toAbsolutePath().normalize();
        int samples = args.value(SAMPLES, Values.intBetween(10, 1_000_000), DEFAULT_SAMPLES);
        Errors.requireDirectory(given);
        Path dir = Errors.requireOnlyTrustedCanChange(given, "doctor");
        PrintStream out = inv.out();
        Backend backend = Backend.chosen();
        out.println("durafile doctor: " + dir);
        List<List<String>> facts = new ArrayList<>(List.of(
                List.of("java", Runtime.version() + " (" + System.getProperty("java.vendor") + ") in "
                        + System.getProperty("java.home")),
                List.of("backend", backend.name() + ": " + backend.reason())));
        backend.warning().ifPresent(w -> facts.add(List.of("WARNING", w)));
        facts.add(List.of("panama", panama(backend)));
        facts.add(List.of("file system", fileSystem(dir)));
        out.print(Text.table(facts));

        FileSystemCapabilities caps = AtomicFiles.probe(dir);
        out.println("capabilities (probed by trying each in " + dir + "):");
        out.print(Text.table(List.of(
                capability("renameat2 RENAME_NOREPLACE", caps.renameNoReplace(),
                        "write --create-new is one atomic rename", "write --create-new links, then unlinks"),
                capability("renameat2 RENAME_EXCHANGE", caps.renameExchange(),
                        "swap and --backup work", "swap and --backup fail"),
                capability("O_TMPFILE", caps.tmpFile(),
                        "unnamed temp files can be used", "named temp files only"),
                capability("directory fsync", caps.directorySync(),
                        "durable writes sync the directory after the rename",
                        "a rename cannot be made durable here"),
                capability("hard links", caps.hardLinks(),
                        "the fallback of --create-new works", "no fallback for --create-new"))));

        inv.err().println("durafile doctor: timing " + samples + " samples of each operation in " + dir + " ...");
        Timings t = measure(dir, samples, caps.directorySync());
        out.println("latency (" + samples + " samples, " + DATA_BYTES + "-byte files):");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("", "median", "p99"));
        rows.add(latencyRow("fdatasync of the temp file", t.flush));
        rows.add(latencyRow("rename over the target", t.rename));
        if (caps.directorySync()) {
            rows.add(latencyRow("directory fsync", t.directorySync));
        }
        for (Durability level : Durability.values()) {
            rows.add(latencyRow("whole write at " + level, t.writes[level.ordinal()]));
        }
        out.print(Text.grid(rows).indent(2));

        boolean strict = args.has(STRICT);
        out.println("latency budgets (" + (strict ? "--strict: a miss exits 1" : "information; --strict makes a"
                + " miss exit 1") + "):");
        boolean flushOk = verdict(out, "fdatasync of the temp file", t.flush, FLUSH_BUDGET);
        boolean renameOk = verdict(out, "rename over the target", t.rename, RENAME_BUDGET);
        if (!caps.directorySync()) {
            inv.error(dir + ": its directory cannot be fsynced, so a DURABLE write here cannot survive a power cut");
            return Main.FAILURE;
        }
        return flushOk && renameOk || !strict ? Main.OK : Main.FAILURE;
    }

    /** @return how panama stands: in use, or why not and what would enable it */
    private static String panama(Backend chosen) {
        if (chosen.name().equals("panama")) {
            return "in use";
        }
        try {
            Backend.named("panama");
            return "available, not chosen: " + chosen.reason();
        } catch (IllegalStateException e) {
            return "not used: " + e.getMessage();
        }
    }

    /** @return the file system's type and device, or why the JDK cannot tell (as without /proc) */
    private static String fileSystem(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return store.type() + " (" + store.name() + ")";
        } catch (IOException e) {
            return "not known: " + Errors.describe(e);
        }
    }

    private static List<String> capability(String name, boolean supported, String ifYes, String ifNo) {
        return List.of(name, supported ? "yes: " + ifYes : "no: " + ifNo);
    }

    private static List<String> latencyRow(String name, Latency l) {
        return List.of(name, Latency.millis(l.median()), Latency.millis(l.p99()));
    }

    private static boolean verdict(PrintStream out, String what, Latency l, Duration budget) {
        boolean pass = l.p99() < budget.toNanos();
        out.println("  " + (pass ? "PASS" : "FAIL") + "  " + what + ": p99 " + Latency.millis(l.p99())
                + (pass ? " < " : " >= ") + budget.toMillis() + " ms budget (median " + Latency.millis(l.median())
                + ")");
        return pass;
    }

    /** The timings of one doctor run. */
    private static final class Timings {
        final Latency flush;
        final Latency rename;
        final Latency directorySync;
        final Latency[] writes = new Latency[Durability.values().length];

        Timings(int samples) {
            flush = new Latency(samples);
            rename = new Latency(samples);
            directorySync = new Latency(samples);
            for (Durability level : Durability.values()) {
                writes[level.ordinal()] = new Latency(samples);
            }
        }
    }

    /**
     * Times the protocol's steps one by one with the JDK's calls, which make the same system calls
     * (fdatasync, renameat, fsync of the directory): the file system's latency, which is what the budgets
     * limit. The steps act relative to one open descriptor of {@code dir} (a {@link SecureDirectoryStream}),
     * so a directory swapped for another during the run cannot redirect them. Whole writes go through
     * durafile at each level. The figures are interleaved: each sample times the steps and then one
     * write per level, so every figure sees the same disk at the same moments. Every file is named like a
     * temp file, so a crash leaves only what the janitor removes.
     */
    private static Timings measure(Path dir, int samples, boolean directorySync) throws IOException {
        Timings t = new Timings(samples);
        byte[] data = new byte[DATA_BYTES];
        Arrays.fill(data, (byte) '#');
        Path target = Path.of(fileName());
        Path written = Path.of(fileName());
        List<WriteOptions> levels = new ArrayList<>();
        for (Durability level : Durability.values()) {
            levels.add(WriteOptions.builder().durability(level).symlinkPolicy(SymlinkPolicy.REPLACE).build());
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            if (!(stream instanceof SecureDirectoryStream)) {
                throw new FileSystemException(dir.toString(), null,
                        "this JDK cannot act relative to an open directory here, which doctor's timings need");
            }
            SecureDirectoryStream<Path> d = (SecureDirectoryStream<Path>) stream;
            Path temp = target;
            try (FileChannel self = channel(d.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ)))) {
                for (int i = 0; i < samples; i++) {
                    temp = Path.of(fileName());
                    try (FileChannel f = channel(d.newByteChannel(temp, Set.of(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PROBE_FILE_MODE))) {
                        ByteBuffer b = ByteBuffer.wrap(data);
                        while (b.hasRemaining()) {
                            f.write(b);
                        }
                        t.flush.time(() -> f.force(false));
                    }
                    Path renamed = temp;
                    t.rename.time(() -> d.move(renamed, d, target));
                    if (directorySync) {
                        t.directorySync.time(() -> self.force(true));
                    }
                    for (WriteOptions options : levels) {
                        t.writes[options.durability().ordinal()].time(
                                () -> AtomicFiles.write(dir.resolve(written), data, options));
                    }
                }
            } finally {
                deleteIfExists(d, temp);
                deleteIfExists(d, target);
                deleteIfExists(d, written);
            }
        }
        return t;
    }

    /** @return {@code c} as the {@link FileChannel} the JDK makes on Linux, which can sync */
    private static FileChannel channel(SeekableByteChannel c) throws IOException {
        if (c instanceof FileChannel) {
            return (FileChannel) c;
        }
        c.close();
        throw new IOException("this JDK opened a " + c.getClass().getName() + ", not a FileChannel, which doctor"
                + " cannot sync");
    }

    private static void deleteIfExists(SecureDirectoryStream<Path> d, Path name) throws IOException {
        try {
            d.deleteFile(name);
        } catch (NoSuchFileException e) {
            // never created, or already renamed over the target
        }
    }

    private static String fileName() {
        return FILE_PREFIX + UUID.randomUUID();
    }
}
