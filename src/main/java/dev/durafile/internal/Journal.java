package dev.durafile.internal;

import dev.durafile.RecoveryReport;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal directory: where transactions keep their records ({@link JournalRecord}), and the
 * recovery that finishes or discards what a crash left there.
 *
 * <p>A record is created as {@code <txid>.new}, locked (fcntl, against other processes), and only then
 * renamed to {@code <txid>.tx}, so recovery never sees a record its owner has not locked yet (a
 * {@code .new} older than ten minutes, left by a crash or a power cut that lost the rename, is
 * recovered like any uncommitted record); this JVM
 * also keeps the names of records it owns or is recovering, and never opens those (closing any channel
 * of a file drops the process's fcntl locks on it). A record that is locked is in progress and left
 * alone. The journal is trusted with what its records say, so it must be writable by its owner alone,
 * and every record must belong to that owner.
 */
final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String NEW_SUFFIX = ".new";
    static final String CORRUPT_SUFFIX = ".corrupt";
    /** A {@code .new} record older than this was left by a crash or power cut before its rename took. */
    private static final Duration NEW_RECORD_AGE = Duration.ofMinutes(10);
    /** Records this JVM owns or is recovering: (journal identity, record name). */
    private static final Set<List<Object>> BUSY = ConcurrentHashMap.newKeySet();
    /** Journals (by identity) this JVM has recovered. */
    private static final Set<Object> RECOVERED = ConcurrentHashMap.newKeySet();

    final Path path;
    final FileBinding binding;
    /**
     * The journal directory's identity in this JVM: its file system (a crash kit's in-memory ones reuse
     * inode numbers) and (st_dev, st_ino).
     */
    final Object key;
    /** The file system's device (see {@link #deviceOf}). */
    final Object device;

    private Journal(Path path, FileBinding binding, Object key, Object device) {
        this.path = path;
        this.binding = binding;
        this.key = key;
        this.device = device;
    }

    /**
     * Opens (creating it durably if missing) the journal directory {@code dir}.
     *
     * @throws AccessDeniedException if it is writable by its group or others
     */
    static Journal open(Engine engine, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        boolean existed = Files.isDirectory(abs);
        engine.createDirectories(abs);
        if (!existed && Files.getFileAttributeView(abs, PosixFileAttributeView.class) != null) {
            // a journal this call made is its owner's alone, whatever the umask
            Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rwx------"));
        }
        PosixFileAttributes a = posix(abs, true);
        if (a != null) {
            Set<PosixFilePermission> p = a.permissions();
            if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new AccessDeniedException(abs.toString(), null, "open journal failed: it is writable by its"
                        + " group or others (mode " + PosixFilePermissions.toString(p) + "); whoever can write a"
                        + " journal can make recovery rename and delete files with this process's rights, so a"
                        + " journal must be writable by its owner alone");
            }
        }
        FileBinding binding = engine.bindingFor(abs);
        try (FileBinding.Directory d = binding.openDirectory(abs)) {
            return new Journal(abs, binding, List.of(abs.getFileSystem(), String.valueOf(d.stat().key)), deviceOf(d));
        }
    }

    /**
     * @return the device of the file system holding {@code d}: fstat's st_dev, or (java.nio) the
     *     {@code unix:dev} attribute, or the file system itself where it is not the default one
     */
    static Object deviceOf(FileBinding.Directory d) throws IOException {
        Object device = d.stat().device;
        if (device != null) {
            return device;
        }
        Path p = d.path();
        if (p.getFileSystem() != FileSystems.getDefault()) {
            return p.getFileSystem();
        }
        try {
            return Files.getAttribute(p, "unix:dev");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.getFileStore(p);
        }
    }

    private static PosixFileAttributes posix(Path p, boolean follow) throws IOException {
        if (Files.getFileAttributeView(p, PosixFileAttributeView.class) == null) {
            return null;
        }
        return follow ? Files.readAttributes(p, PosixFileAttributes.class)
                : Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /** Recovers this journal now (and counts it as recovered by this JVM). */
    RecoveryReport recoverNow(Engine engine) throws IOException {
        synchronized (RECOVERED) {
            RecoveryReport r = recover(engine);
            RECOVERED.add(key);
            return r;
        }
    }

    /** Makes the next transaction on {@code j} in this JVM recover it first: something was left for recovery. */
    static void forget(Journal j) {
        RECOVERED.remove(j.key);
    }

    /** Recovers this journal unless this JVM already did. */
    void recoverOnce(Engine engine) throws IOException {
        if (RECOVERED.contains(key)) {
            return;
        }
        synchronized (RECOVERED) {
            if (RECOVERED.contains(key)) {
                return;
            }
            RecoveryReport r = recover(engine);
            if (r.rolledForward() + r.discarded() + r.corrupt().size() > 0) {
                LOG.info("{}: recovered the journal: {}", path, r);
            }
            RECOVERED.add(key);
        }
    }

    /**
     * A record this process owns: open, locked, named {@code <txid>.tx}. Its content is written through
     * the binding (so a native backend's writes and sync are not interruptible); the lock between
     * processes is an fcntl lock taken through a java.nio channel that does nothing else, and which
     * stays open until the record's descriptor is closed (closing any descriptor of a file drops the
     * process's fcntl locks on it).
     */
    final class Record {
        final UUID txid = UUID.randomUUID();
        private final Name name;
        private final List<Object> busy;
        private final FileBinding.Directory dir;
        private final FileBinding.OpenFile file;
        private final FileChannel lock;
        private boolean released;

        Record() throws IOException {
            FileSystem fs = path.getFileSystem();
            name = Name.of(fs, txid + JournalRecord.SUFFIX);
            busy = List.of(key, name.toString());
            Name fresh = Name.of(fs, txid + NEW_SUFFIX);
            BUSY.add(busy);
            FileBinding.Directory d = null;
            FileBinding.OpenFile f = null;
            FileChannel l = null;
            try {
                d = binding.openDirectory(path);
                f = d.createExclusive(fresh, 0600);
                l = lockChannel(path.resolve(fresh.path()));
                f.write(ByteBuffer.wrap(JournalRecord.header(txid)));
                d.rename(fresh, d, name, FileBinding.RenameMode.REPLACE);
            } catch (IOException | RuntimeException | Error e) {
                if (f != null) {
                    Closing.closeAfter(f, e);
                    try {
                        d.delete(fresh);
                    } catch (IOException x) {
                        e.addSuppressed(x);
                    }
                }
                if (l != null) {
                    Closing.closeAfter(l, e);
                }
                if (d != null) {
                    Closing.closeAfter(d, e);
                }
                BUSY.remove(busy);
                throw e;
            }
            dir = d;
            file = f;
            lock = l;
        }

        /** @return the record's path */
        Path file() {
            return path.resolve(name.path());
        }

        /** Appends {@code b} (unsynced). */
        void append(byte[] b) throws IOException {
            file.write(ByteBuffer.wrap(b));
        }

        /** fdatasync of the record. */
        void sync() throws IOException {
            file.sync(false);
        }

        /** Removes the record (unsynced: a later sync of the journal, or recovery, makes it final) and releases it. */
        void remove() throws IOException {
            if (released) {
                return;
            }
            try {
                dir.delete(name);
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(this::release, e);
                throw e;
            }
            release();
        }

        /**
         * Releases the record, once, leaving it in the journal for recovery: its descriptor first, then
         * the lock.
         */
        void release() throws IOException {
            if (released) {
                return;
            }
            released = true;
            try {
                Closing.closeAll(file, lock, dir);
            } finally {
                BUSY.remove(busy);
            }
        }
    }

    /**
     * Opens {@code p} and locks it (fcntl) against other processes; a file system without locks (the
     * crash kit's) has one process.
     */
    private static FileChannel lockChannel(Path p) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw Failures.ofJdk(e, "lock journal record", p);
        }
        try {
            if (!tryLock(ch)) {
                throw Failures.of("lock journal record", p, "another process holds it");
            }
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(ch, e);
            throw e;
        }
        return ch;
    }

    /** @return true if the lock was taken (or the file system has none), false if another holds it */
    private static boolean tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    /** Fsyncs the journal directory. */
    void sync() throws IOException {
        try (FileBinding.Directory d = binding.openDirectory(path)) {
            d.sync();
        }
    }

    /**
     * Finishes every committed transaction the journal holds and discards every uncommitted one,
     * leaving alone those a live transaction holds; moves unreadable records aside.
     *
     * @throws java.nio.file.FileSystemException if a committed transaction could not be finished (its
     *     record stays, for the next recovery); every other record was dealt with first
     */
    private RecoveryReport recover(Engine engine) throws IOException {
        int rolled = 0;
        int discarded = 0;
        int inProgress = 0;
        List<Path> corrupt = new ArrayList<>();
        List<Path> foreign = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<Path> records = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(path)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.endsWith(JournalRecord.SUFFIX) || n.endsWith(NEW_SUFFIX) && stale(p)) {
                    records.add(p);
                }
            }
        }
        boolean changed = false;
        UserPrincipal self = records.isEmpty() ? null : ownerOfANewFile();
        for (Path p : records) {
            List<Object> busy = List.of(key, p.getFileName().toString());
            if (!BUSY.add(busy)) {
                inProgress++;
                continue;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                if (!tryLock(ch)) {
                    inProgress++;
                    continue;
                }
                UserPrincipal by = owner(p, false);
                if (self != null && !self.equals(by)) {
                    LOG.warn("{}: journal record belongs to {}, not to {} who runs this recovery; left as it is",
                            p, by, self);
                    foreign.add(p);
                    continue;
                }
                JournalRecord.Parsed r = JournalRecord.parse(readAll(ch, p));
                if (Transaction.negativeControl() == Transaction.Fault.RECOVERY_SKIPS_COMMITTED
                        && r.status == JournalRecord.Status.COMMITTED) {
                    r = new JournalRecord.Parsed(JournalRecord.Status.OPEN, r.entries, List.of(), null);
                }
                switch (r.status) {
                    case EMPTY:
                        break;
                    case OPEN:
                        discard(engine, r, p);
                        discarded++;
                        break;
                    case COMMITTED:
                        String problem = rollForward(engine, r);
                        if (problem != null) {
                            failed.add(p.getFileName() + ": " + problem);
                            continue;
                        }
                        rolled++;
                        break;
                    default:
                        Path aside = p.resolveSibling(p.getFileName() + CORRUPT_SUFFIX);
                        LOG.warn("{}: journal record is corrupt ({}); nothing of it is applied, it is kept as {}",
                                p, r.problem, aside);
                        Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                        corrupt.add(aside);
                        changed = true;
                        continue;
                }
                Files.delete(p);
                changed = true;
            } finally {
                BUSY.remove(busy);
            }
        }
        if (changed) {
            sync();
        }
        if (!failed.isEmpty()) {
            throw Failures.of("recover", path, "committed transactions could not be finished, their records are"
                    + " kept for the next recovery: " + String.join("; ", failed));
        }
        return new RecoveryReport(rolled, discarded, inProgress, corrupt, foreign);
    }

    /**
     * @return the owner this process gives a new file in the journal (its file-system user), or null
     *     where the file system has no owners: only records it owns are applied, so that nobody can
     *     have a more privileged process act on records they wrote
     */
    private UserPrincipal ownerOfANewFile() throws IOException {
        Name probe = Name.of(path.getFileSystem(), UUID.randomUUID() + NEW_SUFFIX);
        try (FileBinding.Directory d = binding.openDirectory(path)) {
            d.createExclusive(probe, 0600).close();
            try {
                return owner(path.resolve(probe.path()), false);
            } finally {
                d.delete(probe);
            }
        }
    }

    private static UserPrincipal owner(Path p, boolean follow) throws IOException {
        PosixFileAttributes a = posix(p, follow);
        return a == null ? null : a.owner();
    }

    /**
     * @return true if {@code p}, a record not yet renamed to {@code .tx}, is older than
     *     {@link #NEW_RECORD_AGE}: a power cut lost its rename (or a crash came before it), so it is
     *     recovered as an uncommitted record
     */
    private static boolean stale(Path p) throws IOException {
        FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        return t.toInstant().isBefore(Instant.now().minus(NEW_RECORD_AGE));
    }

    private static byte[] readAll(FileChannel ch, Path p) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw Failures.of("read journal record", p, "it is " + size + " bytes, far more than any record");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
            // read on until full or at the end
        }
        return b.position() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The directories a recovery acts in, each opened once and checked to be the one recorded. */
    private static final class Directories implements AutoCloseable {
        private final Engine engine;
        private final FileSystem fs;
        private final Map<String, FileBinding.Directory> open = new LinkedHashMap<>();

        Directories(Engine engine, FileSystem fs) {
            this.engine = engine;
            this.fs = fs;
        }

        /** @return the entry's directory, or null if it is gone or is not the directory the transaction used */
        FileBinding.Directory of(JournalRecord.Entry e) throws IOException {
            String k = e.directoryKey;
            if (open.containsKey(k)) {
                return open.get(k);
            }
            Path dir = Name.toPath(fs, e.directory);
            FileBinding.Directory d;
            try {
                d = engine.bindingFor(dir).openDirectory(dir);
            } catch (NoSuchFileException e1) {
                open.put(k, null);
                return null;
            }
            if (!d.stat().inode().equals(k)) {
                d.close();
                open.put(k, null);
                return null;
            }
            open.put(k, d);
            return d;
        }

        void sync() throws IOException {
            List<Rounds.Step> steps = new ArrayList<>();
            for (FileBinding.Directory d : open.values()) {
                if (d != null) {
                    steps.add(d::sync);
                }
            }
            Rounds.run(steps, fs);
        }

        @Override
        public void close() throws IOException {
            Closing.closeAll(open.values().stream().filter(Objects::nonNull).toArray(Closeable[]::new));
        }
    }

    /**
     * Publishes what a committed transaction did not: each write whose temp is still there (and is the
     * file written), each delete whose file is still there (and is the file meant); then syncs the
     * directories. Idempotent: what was published already is skipped.
     *
     * @return null when done, else what could not be finished
     */
    private String rollForward(Engine engine, JournalRecord.Parsed r) throws IOException {
        FileSystem fs = path.getFileSystem();
        List<String> problems = new ArrayList<>();
        try (Directories dirs = new Directories(engine, fs)) {
            for (int i = 0; i < r.entries.size(); i++) {
                JournalRecord.Entry e = r.entries.get(i);
                String tempKey = r.tempKeys.get(i);
                if (tempKey.isEmpty()) {
                    continue;
                }
                FileBinding.Directory d = dirs.of(e);
                Name name = Name.of(fs, e.name);
                if (d == null) {
                    problems.add(Name.toPath(fs, e.directory).resolve(name.path()) + ": its directory is gone or"
                            + " is no longer the one the transaction wrote to");
                    continue;
                }
                if (e.op == JournalRecord.WRITE) {
                    Name temp = Name.of(fs, e.subject);
                    FileBinding.Stat t = d.identity(temp);
                    if (t == null) {
                        continue;
                    }
                    if (t.kind != FileBinding.Kind.REGULAR || !t.inode().equals(tempKey)) {
                        problems.add(d.path().resolve(temp.path()) + ": it is no longer the temp file written");
                        continue;
                    }
                    try {
                        d.rename(temp, d, name, FileBinding.RenameMode.REPLACE);
                    } catch (NoSuchFileException gone) {
                        // another recovery (of a file system without record locks) published it just now
                        LOG.debug("{}: published meanwhile", d.path().resolve(temp.path()));
                    }
                } else {
                    FileBinding.Stat t = d.identity(name);
                    if (t != null && t.inode().equals(e.fileKey())) {
                        d.delete(name);
                    }
                }
            }
            dirs.sync();
        }
        return problems.isEmpty() ? null : String.join(", ", problems);
    }

    /** Removes the temps of a transaction that never committed (those still there and regular files). */
    private void discard(Engine engine, JournalRecord.Parsed r, Path record) throws IOException {
        FileSystem fs = path.getFileSystem();
        try (Directories dirs = new Directories(engine, fs)) {
            for (JournalRecord.Entry e : r.entries) {
                if (e.op != JournalRecord.WRITE) {
                    continue;
                }
                FileBinding.Directory d = dirs.of(e);
                Name temp = Name.of(fs, e.subject);
                if (d == null || !TempPattern.isTempOf(temp.path(), Name.of(fs, e.name).path())) {
                    continue;
                }
                FileBinding.Stat t = d.identity(temp);
                if (t != null && t.kind == FileBinding.Kind.REGULAR) {
                    d.delete(temp);
                }
            }
        }
        if (r.problem != null) {
            LOG.debug("{}: uncommitted record ended by {}", record, r.problem);
        }
    }
}
