package dev.durafile;

import dev.durafile.internal.Events;
import dev.durafile.internal.TempPattern;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the temp files {@code <target-name>.tmp.<uuid>} that writes interrupted by a crash leave
 * behind (see {@link AtomicFiles}). Run {@link #sweep(Path)} once at startup, or {@link #start} a
 * janitor that sweeps periodically in a long-running server.
 *
 * <h2>What is deleted</h2>
 * Only regular files whose name is exactly {@code <non-empty prefix>.tmp.<uuid>}, with a canonical
 * lowercase UUID ({@code 8-4-4-4-12} hexadecimal digits), and whose last-modified time is more than
 * the minimum age ago. A temp file dated in the future (a clock set back, or a copy from a machine whose
 * clock is ahead) counts as young: it is kept until the clock passes its date by the minimum age, and
 * {@link SweepReport#skippedFuture()} counts it. Never deleted: younger temp files (a write may still be
 * filling them), files that merely look similar ({@code notes.tmp.txt}, {@code x.tmp.not-a-uuid}, {@code .tmp.<uuid>}),
 * directories, symbolic links (whatever they are named or point to) and any other kind of file.
 * Targets are never touched. The walk does not follow symbolic links below the root and does not
 * descend into directories on another file system (mount points).
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>A temp file that cannot be deleted, or a directory that cannot be read, is logged at WARN with
 *       its path and the reason, is listed in {@link SweepReport#failed()}, and the sweep goes on.</li>
 *   <li>A file that disappears while the sweep looks at it (a write finished with it) is neither
 *       deleted nor a failure.</li>
 *   <li>A crash during a sweep leaves some orphans deleted and others not; the next sweep finishes.</li>
 *   <li>Deletions are not made durable (the directories are not fsynced): removing an orphan need not
 *       survive a power cut, and an orphan that reappears after one is deleted by the next sweep.</li>
 * </ul>
 *
 * <h2>Choosing the minimum age</h2>
 * A write keeps its temp file's last-modified time fresh while it writes. A streaming write that holds
 * its temp file open without writing for longer than the minimum age may lose it to a sweep; its commit
 * then fails and the target stays as it was. {@link #DEFAULT_MIN_AGE} (10 minutes) is far above any
 * normal write.
 *
 * <h2>Security</h2>
 * Like any path-based tree walk, a sweep must not be pointed at a directory that untrusted users can
 * write to (such as {@code /tmp}): one who renames a directory in the tree to a symbolic link at the
 * right moment could redirect a deletion, although only to a file named like a temp file.
 */
public final class TempFileJanitor implements AutoCloseable {
    /** The default minimum age of a temp file before it is deleted: 10 minutes. */
    public static final Duration DEFAULT_MIN_AGE = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(TempFileJanitor.class);

    private final Path root;
    private final ScheduledExecutorService executor;

    private TempFileJanitor(Path root, ScheduledExecutorService executor) {
        this.root = root;
        this.executor = executor;
    }

    /**
     * {@return whether {@code file}'s last name is a durafile temp name, {@code <name>.tmp.<uuid>} with a
     * non-empty {@code <name>} and a lowercase canonical UUID: the files a sweep may delete once they are
     * old enough, and that a listing of published files should skip} Only the name is looked at; the file
     * need not exist.
     *
     * @param file a path (its last element is tested)
     */
    public static boolean isTempFile(Path file) {
        Path name = file.getFileName();
        return name != null && TempPattern.isTempName(name.toString());
    }

    /**
     * Deletes the orphaned temp files under {@code root} older than {@link #DEFAULT_MIN_AGE}.
     *
     * @param root the directory to sweep, with all its subdirectories on the same file system; followed
     *     if it is itself a symbolic link
     * @return what was deleted, skipped and not deletable
     * @throws NoSuchFileException if {@code root} does not exist
     * @throws NotDirectoryException if {@code root} is not a directory
     * @throws IOException if the attributes of {@code root} cannot be read (a root or anything below it
     *     that cannot be listed is reported in {@link SweepReport#failed()} instead)
     */
    public static SweepReport sweep(Path root) throws IOException {
        return sweep(root, DEFAULT_MIN_AGE, false);
    }

    /**
     * Deletes the orphaned temp files under {@code root} whose last-modified time is more than
     * {@code minAge} ago.
     *
     * @param root the directory to sweep, with all its subdirectories on the same file system; followed
     *     if it is itself a symbolic link
     * @param minAge temp files this young or younger are left alone; not negative
     * @return what was deleted, skipped and not deletable
     * @throws IllegalArgumentException if {@code minAge} is negative
     * @throws NoSuchFileException if {@code root} does not exist
     * @throws NotDirectoryException if {@code root} is not a directory
     * @throws IOException if the attributes of {@code root} cannot be read (a root or anything below it
     *     that cannot be listed is reported in {@link SweepReport#failed()} instead)
     */
    public static SweepReport sweep(Path root, Duration minAge) throws IOException {
        return sweep(root, minAge, false);
    }

    /**
     * Deletes, or in a dry run only lists, the orphaned temp files under {@code root} whose last-modified
     * time is more than {@code minAge} ago. A crash during the sweep leaves some orphans deleted and the
     * others in place, and never touches anything else; see the class documentation for every outcome.
     *
     * @param root the directory to sweep, with all its subdirectories on the same file system; followed
     *     if it is itself a symbolic link
     * @param minAge temp files this young or younger are left alone; not negative
     * @param dryRun if true nothing is deleted and the report lists what would have been
     * @return what was (or would have been) deleted, skipped and not deletable or readable
     * @throws IllegalArgumentException if {@code minAge} is negative
     * @throws NoSuchFileException if {@code root} does not exist
     * @throws NotDirectoryException if {@code root} is not a directory
     * @throws IOException if the attributes of {@code root} cannot be read (a root or anything below it
     *     that cannot be listed is reported in {@link SweepReport#failed()} instead)
     */
    public static SweepReport sweep(Path root, Duration minAge, boolean dryRun) throws IOException {
        Sweep sweep = new Sweep(checkMinAge(minAge), dryRun);
        Object event = Events.beginSweep();
        try {
            Path start = directoryOf(root);
            Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
                    new TreeVisitor(sweep, deviceOf(start)));
        } catch (IOException | RuntimeException | Error e) {
            Events.endSweep(event, root, dryRun, null, e);
            throw e;
        }
        SweepReport report = sweep.report();
        Events.endSweep(event, root, dryRun, report, null);
        return report;
    }

    /**
     * Deletes the orphaned temp files of one target: {@code <target-name>.tmp.<uuid>} in its directory,
     * older than {@code minAge}. If the target is a symbolic link to an existing file, the temp files of
     * that final file (where writes through the link put them) are deleted too. Never throws for a file
     * system problem: a missing directory has no temp files, anything else is reported as failed.
     */
    static SweepReport sweepSiblings(Path target, Duration minAge) {
        Sweep sweep = new Sweep(checkMinAge(minAge), false);
        Path path = target.toAbsolutePath();
        sweepSiblingsOf(path, sweep);
        if (Files.isSymbolicLink(path)) {
            try {
                sweepSiblingsOf(path.toRealPath(), sweep);
            } catch (IOException e) {
                sweep.fail(path, e);
            }
        }
        return sweep.report();
    }

    private static void sweepSiblingsOf(Path file, Sweep sweep) {
        Path dir = file.getParent();
        Path name = file.getFileName();
        if (dir == null || name == null) {
            return;
        }
        DirectoryStream.Filter<Path> ofTarget = entry -> TempPattern.isTempOf(entry.getFileName(), name);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ofTarget)) {
            for (Path entry : entries) {
                sweep.consider(entry);
            }
        } catch (IOException e) {
            sweep.fail(dir, e);
        } catch (DirectoryIteratorException e) {
            sweep.fail(dir, e.getCause());
        }
    }

    /**
     * Starts a janitor that sweeps {@code root} on one daemon thread: first at once, then again
     * {@code interval} after each sweep ends. A sweep that deleted or failed something is logged at
     * INFO; a sweep that throws (the root vanished, say) is logged at WARN and the janitor carries on.
     * Stop it with {@link #close()}.
     *
     * @param root the directory to sweep, as for {@link #sweep(Path, Duration)}
     * @param interval the delay between the end of one sweep and the start of the next; positive
     * @param minAge temp files this young or younger are left alone; not negative
     * @return the running janitor
     * @throws IllegalArgumentException if {@code interval} is not positive or {@code minAge} is negative
     * @throws NoSuchFileException if {@code root} does not exist
     * @throws NotDirectoryException if {@code root} is not a directory
     * @throws IOException if {@code root} cannot be examined
     */
    public static TempFileJanitor start(Path root, Duration interval, Duration minAge) throws IOException {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        checkMinAge(minAge);
        directoryOf(root);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                daemonThreads("durafile-janitor " + root));
        executor.scheduleWithFixedDelay(() -> sweepAndLog(root, minAge), 0, interval.toNanos(),
                TimeUnit.NANOSECONDS);
        return new TempFileJanitor(root, executor);
    }

    /**
     * Stops the janitor: no sweep starts after this. Waits for a sweep in progress to end; if the calling
     * thread is interrupted while waiting, returns at once with its interrupt status set and the sweep
     * ends on its own. Calling it again does nothing.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.info("Still waiting for the sweep of temp files under {} to end", root);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return a factory of daemon threads named {@code name}, for durafile's background work} */
    static ThreadFactory daemonThreads(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One sweep of a started janitor; never throws, so that the schedule goes on. */
    private static void sweepAndLog(Path root, Duration minAge) {
        try {
            SweepReport report = sweep(root, minAge, false);
            if (!report.isQuiet()) {
                LOG.info("Swept temp files under {}: {}", root, report);
            }
        } catch (IOException e) {
            LOG.warn("Sweep of temp files under {} failed, trying again later: {}", root, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Sweep of temp files under {} failed, trying again later", root, e);
        }
    }

    private static Duration checkMinAge(Duration minAge) {
        Objects.requireNonNull(minAge, "minAge");
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge must not be negative: " + minAge);
        }
        return minAge;
    }

    /** {@return the directory to walk: {@code root}, or where it leads if it is a symbolic link} */
    private static Path directoryOf(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        if (!Files.readAttributes(root, BasicFileAttributes.class).isDirectory()) {
            throw new NotDirectoryException(root.toString());
        }
        return Files.isSymbolicLink(root) ? root.toRealPath() : root;
    }

    /** {@return a value equal for two directories exactly when they are on the same file system} */
    private static Object deviceOf(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        }
        return Files.getFileStore(dir);
    }

    /** The state of one sweep: decides which temp file goes and records the outcome. */
    private static final class Sweep {
        private final Duration minAge;
        private final boolean dryRun;
        private final Instant start = Instant.now();
        private final List<Path> deleted = new ArrayList<>();
        private final List<SweepReport.Failure> failed = new ArrayList<>();
        private int skippedYoung;
        private int skippedFuture;
        private long bytesReclaimed;

        Sweep(Duration minAge, boolean dryRun) {
            this.minAge = minAge;
            this.dryRun = dryRun;
        }

        /** Considers a file whose name is a temp name, reading its attributes without following links. */
        void consider(Path file) {
            try {
                consider(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
            } catch (IOException e) {
                fail(file, e);
            }
        }

        /** Deletes {@code file}, whose name is a temp name, if it is a regular file older than the minimum age. */
        void consider(Path file, BasicFileAttributes attributes) {
            if (!attributes.isRegularFile()) {
                return;
            }
            Duration age = Duration.between(attributes.lastModifiedTime().toInstant(), start);
            if (age.compareTo(minAge) <= 0) {
                skippedYoung++;
                if (age.isNegative()) {
                    skippedFuture++;
                }
                return;
            }
            if (!dryRun) {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    fail(file, e);
                    return;
                }
                LOG.debug("Deleted orphaned temp file {} ({} old)", file, age);
            }
            deleted.add(file);
            bytesReclaimed += attributes.size();
        }

        /** Records and logs a failure, unless the file simply vanished meanwhile. */
        void fail(Path path, IOException e) {
            if (e instanceof NoSuchFileException) {
                LOG.debug("{} vanished during the sweep", path);
                return;
            }
            String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                    : e.toString();
            LOG.warn("Cannot sweep {}: {}", path, reason);
            failed.add(new SweepReport.Failure(path, reason));
        }

        SweepReport report() {
            return new SweepReport(dryRun, deleted, skippedYoung, skippedFuture, failed, bytesReclaimed);
        }
    }

    /** Walks one tree, staying on the root's file system. */
    private static final class TreeVisitor implements FileVisitor<Path> {
        private final Sweep sweep;
        private final Object rootDevice;

        TreeVisitor(Sweep sweep, Object rootDevice) {
            this.sweep = sweep;
            this.rootDevice = rootDevice;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            try {
                if (!rootDevice.equals(deviceOf(dir))) {
                    LOG.debug("Not sweeping {}: another file system", dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
            } catch (IOException e) {
                sweep.fail(dir, e);
                return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (TempPattern.isTempName(file.getFileName().toString())) {
                sweep.consider(file, attributes);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            sweep.fail(file, e);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (e != null) {
                sweep.fail(dir, e);
            }
            return FileVisitResult.CONTINUE;
        }
    }
}
