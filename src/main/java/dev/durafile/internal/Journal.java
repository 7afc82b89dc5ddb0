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
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal directory: where transactions keep their records ({@link JournalRecord}), and the
 * recovery that finishes or discards what a crash left there.
 *
 * <p>A record is created as {@code <txid>.new}, locked (fcntl, against other processes), and then
 * renamed to {@code <txid>.tx}; the round that makes a commit durable syncs the journal too, so a
 * committed transaction's record is always named {@code .tx}, and a {@code .new} one (left by a crash,
 * or a power cut that lost the rename) is recovered as uncommitted. A recovery that takes a
 * {@code .new} in the instant between its creation and its lock makes that transaction fail to start
 * (its rename finds nothing), and it is begun again under a new id; this JVM
 * also keeps the names of records it owns or is recovering, and never opens those (closing any channel
 * of a file drops the process's fcntl locks on it). A record that is locked is in progress and left
 * alone. The journal is trusted with what its records say, so it must belong to the user this process
 * creates files as and be writable by that user alone, every directory above it must belong to root or
 * that user and be writable by nobody else (unless sticky), and every record must belong to that user.
 */
final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String NEW_SUFFIX = ".new";
    static final String CORRUPT_SUFFIX = ".corrupt";
    /**
     * How long a recovery lets go of a new record that announces nothing before it looks again: a live
     * transaction locks it within microseconds of making it.
     */
    private static final long SETTLE_NANOS = 20_000_000;
    private static final String TRUST = "whoever can change a journal or a directory above it can make recovery"
            + " rename and delete files with this process's rights";
    /** How many new records a transaction makes before it gives up on recoveries that take them first. */
    private static final int RECORD_ATTEMPTS = 10;
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
    /** The user this process creates files as (as the binding reports owners), or null if unknown. */
    private final Object self;

    private Journal(Path path, FileBinding binding, Object key, Object device, Object self) {
        this.path = path;
        this.binding = binding;
        this.key = key;
        this.device = device;
        this.self = self;
    }

    /**
     * Opens (creating it durably if missing) the journal directory {@code dir}, reached from the root one
     * name at a time and checked on the way ({@link TrustedPath}).
     *
     * @throws AccessDeniedException if the journal does not belong to the user this process creates files
     *     as, or is writable by its group or others, or a directory above it belongs to someone other than
     *     root or that user, or is writable by its group or others without the sticky bit, or a symbolic
     *     link on the way belongs to someone else: whoever could change which directory is the journal, or
     *     what is in it, could make recovery rename and delete files with this process's rights
     */
    static Journal open(Engine engine, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        FileBinding binding = engine.bindingFor(abs);
        TrustedPath trusted = new TrustedPath("open journal", TRUST, true, true);
        Object self = TrustedPath.userOfNewFiles(binding, abs, "open journal");
        Journal j;
        try (FileBinding.Directory d = trusted.open(binding, abs, self)) {
            j = new Journal(trusted.real(), binding, keyOf(trusted.real(), d), deviceOf(d), self);
        }
        if (!trusted.created() && !RECOVERED.contains(j.key)) {
            // once per JVM: the journal's chain of directories must survive a power cut, whoever made it
            engine.createDirectories(j.path);
        }
        return j;
    }

    /**
     * @return the journal's key for this JVM's bookkeeping of live transactions and recoveries, the same
     *     whichever backend opened it (two backends may share a journal in one JVM, each write naming its
     *     own): st_dev and st_ino as java.nio reads them from the journal's real path, reached by the
     *     trusted walk; on a file system without them (only java.nio reaches one), the binding's own key
     */
    private static List<Object> keyOf(Path real, FileBinding.Directory d) throws IOException {
        FileSystem fs = real.getFileSystem();
        if (fs == FileSystems.getDefault()) {
            try {
                Map<String, Object> id = Files.readAttributes(real, "unix:dev,ino");
                return List.of(fs, id.get("dev"), id.get("ino"));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                LOG.trace("no unix attributes here: {}", e.getMessage());
            }
        }
        return List.of(fs, String.valueOf(d.stat().key));
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
     * @return a new record, begun again under a new id if a recovery took its {@code .new} file in the
     *     instant before it was locked
     */
    Record newRecord() throws IOException {
        for (int attempt = 1;; attempt++) {
            try {
                return new Record();
            } catch (Taken e) {
                if (attempt == RECORD_ATTEMPTS) {
                    // a failure that only looked like the race (the record was never made) is thrown as it is
                    throw e.getCause() instanceof IOException ? (IOException) e.getCause() : e;
                }
                LOG.debug("{}: another process's recovery took a new journal record before it was locked ({});"
                        + " beginning again", path, e.getReason());
                // out of step with a recovery that runs in a loop
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 2_000_000));
            }
        }
    }

    /**
     * A new record that another process's recovery took (locked or removed) in the instant between its
     * creation and its lock, or that is not there after a failure to make it: the transaction begins
     * again under a new id.
     */
    private static final class Taken extends FileSystemException {
        private static final long serialVersionUID = 1L;

        Taken(Path file, String reason, Throwable cause) {
            super(file.toString(), null, "begin transaction failed: " + reason);
            initCause(cause);
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
            busy = List.of(key, txid.toString());
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
                Throwable thrown = e;
                if (e instanceof IOException && !(e instanceof Taken) && d != null && gone(d, fresh)) {
                    thrown = new Taken(path.resolve(fresh.path()), "the new record vanished before it was named", e);
                }
                try {
                    if (f != null) {
                        FileBinding.Directory in = d;
                        Closing.closeAfter(f, e);
                        Closing.closeAfter(() -> in.delete(fresh), e);
                    }
                    if (l != null) {
                        Closing.closeAfter(l, e);
                    }
                    if (d != null) {
                        Closing.closeAfter(d, e);
                    }
                } finally {
                    BUSY.remove(busy);
                }
                Closing.rethrow(thrown);
                throw new AssertionError(thrown);
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
     * Opens the new record {@code p} and locks it (fcntl) against other processes, waiting for a
     * recovery that took it first (which holds it for as long as it takes to read and remove it: the
     * rename that follows then finds it gone); a file system without locks (the crash kit's) has one
     * process.
     */
    private static FileChannel lockChannel(Path p) throws IOException {
        FileChannel ch;
        try {
            ch = NioBinding.uninterrupted(() -> FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw Failures.ofJdk(e, "lock journal record", p);
        }
        try {
            NioBinding.uninterrupted(ch::lock);
        } catch (UnsupportedOperationException e) {
            LOG.trace("no file locks on this file system: {}", e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(ch, e);
            throw e;
        }
        return ch;
    }

    /** @return true if {@code fresh} is no longer in {@code d} */
    private static boolean gone(FileBinding.Directory d, Name fresh) {
        try {
            return d.identity(fresh) == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return true if the lock was taken (or the file system has none), false if another holds it */
    private static boolean tryLock(FileChannel ch) throws IOException {
        try {
            return NioBinding.uninterrupted(ch::tryLock) != null;
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
                if (n.endsWith(JournalRecord.SUFFIX) || n.endsWith(NEW_SUFFIX)) {
                    records.add(p);
                }
            }
        }
        boolean changed = false;
        for (Path p : records) {
            String n = p.getFileName().toString();
            boolean named = n.endsWith(JournalRecord.SUFFIX);
            List<Object> busy = List.of(key, n.substring(0, n.lastIndexOf('.')));
            if (!BUSY.add(busy)) {
                inProgress++;
                continue;
            }
            FileChannel ch = null;
            try {
                // checked before it is opened: a symbolic link or FIFO planted as a record is reported, not opened
                FileBinding.Stat st;
                try (FileBinding.Directory d = binding.openDirectory(path)) {
                    st = d.stat(Name.of(p.getFileName()));
                }
                if (st == null) {
                    continue;
                }
                if (st.kind != FileBinding.Kind.REGULAR || self != null && st.owner != null && !self.equals(st.owner)) {
                    LOG.warn("{}: journal record is {}, not a file of user {} who runs this recovery; left as it is",
                            p, st, self);
                    foreign.add(p);
                    continue;
                }
                ch = openRecord(p);
                if (ch == null) {
                    // finished (or discarded) by its owner or another recovery since it was listed
                    continue;
                }
                if (!tryLock(ch)) {
                    inProgress++;
                    continue;
                }
                JournalRecord.Parsed r = JournalRecord.parse(readAll(ch, p));
                if (!named && r.entries.isEmpty()) {
                    // announces nothing: either left by a crash, or another process's transaction in the instant
                    // between making it and locking it, which gets the lock once this one lets go
                    ch.close();
                    LockSupport.parkNanos(SETTLE_NANOS);
                    try (FileChannel again = openRecord(p)) {
                        if (again != null && !tryLock(again)) {
                            inProgress++;
                        } else if (again != null) {
                            Files.deleteIfExists(p);
                            changed = true;
                        }
                    }
                    continue;
                }
                if (!named && r.status != JournalRecord.Status.OPEN) {
                    // never named: the round that syncs the journal (before anything is published) did not end
                    r = new JournalRecord.Parsed(JournalRecord.Status.OPEN, r.entries, List.of(), r.problem);
                }
                if (Transaction.negativeControl() == Transaction.Fault.RECOVERY_SKIPS_COMMITTED
                        && r.status == JournalRecord.Status.COMMITTED) {
                    r = new JournalRecord.Parsed(JournalRecord.Status.OPEN, r.entries, List.of(), null);
                }
                switch (r.status) {
                    case EMPTY:
                        break;
                    case OPEN:
                        if (r.problem != null) {
                            LOG.debug("{}: uncommitted record ended by {}", p, r.problem);
                        }
                        discard(engine, r);
                        discarded++;
                        break;
                    case COMMITTED:
                        List<String> problems = new ArrayList<>();
                        Outcome o = rollForward(engine, r, problems);
                        if (o == Outcome.STUCK) {
                            failed.add(p.getFileName() + ": " + String.join(", ", problems));
                            continue;
                        }
                        if (o == Outcome.ROLLED_FORWARD) {
                            rolled++;
                        } else {
                            discarded++;
                        }
                        break;
                    default:
                        Path aside = p.resolveSibling(p.getFileName() + CORRUPT_SUFFIX);
                        LOG.warn("{}: journal record is corrupt ({}); nothing of it is applied, it is kept as {}",
                                p, r.problem, aside);
                        try {
                            Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                        } catch (NoSuchFileException gone) {
                            continue;
                        }
                        corrupt.add(aside);
                        changed = true;
                        continue;
                }
                Files.deleteIfExists(p);
                changed = true;
            } finally {
                try {
                    if (ch != null) {
                        ch.close();
                    }
                } finally {
                    BUSY.remove(busy);
                }
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
     * @return the record {@code p}, open for reading and writing (a write lock needs both), or null if
     *     it is gone
     */
    private static FileChannel openRecord(Path p) throws IOException {
        try {
            return NioBinding.uninterrupted(() -> FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static byte[] readAll(FileChannel ch, Path p) throws IOException {
        long size = NioBinding.uninterrupted(ch::size);
        if (size > Integer.MAX_VALUE - 16) {
            throw Failures.of("read journal record", p, "it is " + size + " bytes, far more than any record");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        NioBinding.uninterrupted(() -> {
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                // read on until full or at the end
            }
            return null;
        });
        return b.position() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The directories a recovery acts in, each opened once and checked to be the one recorded. */
    private static final class Directories implements AutoCloseable {
        private final Engine engine;
        private final FileSystem fs;
        /** The journal's file system: every directory a transaction changes is on it (staging checks that). */
        private final Object device;
        /** The user this process creates files as: only its links and root's are followed to a directory. */
        private final Object self;
        private final Map<String, FileBinding.Directory> open = new LinkedHashMap<>();

        Directories(Engine engine, FileSystem fs, Object device, Object self) {
            this.engine = engine;
            this.fs = fs;
            this.device = device;
            this.self = self;
        }

        /**
         * The record names a directory by path and inode number (device numbers may change at a reboot),
         * so the directory its path leads to now must be on the journal's file system (as every directory
         * of a transaction is) and have that inode number, and the path is followed through a symbolic
         * link only if root or this process's user made it: a directory someone who owned it removed and
         * swapped for a link of theirs (to another file system, or to a directory that got its inode
         * number again) is not the transaction's.
         *
         * @return the entry's directory, or null if it is gone or is not the directory the transaction used
         */
        FileBinding.Directory of(JournalRecord.Entry e) throws IOException {
            String k = e.directoryKey;
            if (open.containsKey(k)) {
                return open.get(k);
            }
            Path dir = Name.toPath(fs, e.directory);
            FileBinding.Directory d;
            try {
                d = TrustedPath.linksOnly("recover journal", "whoever made a link could redirect recovery")
                        .open(engine.bindingFor(dir), dir, self);
            } catch (NoSuchFileException | TrustedPath.Refused e1) {
                if (e1 instanceof TrustedPath.Refused) {
                    LOG.warn("{}: not the directory the transaction changed ({}); its changes there are not applied",
                            dir, e1.getMessage());
                }
                open.put(k, null);
                return null;
            }
            String inode = d.stat().inode();
            Object dev = deviceOf(d);
            if (!inode.equals(k) || !Objects.equals(dev, device)) {
                LOG.warn("{}: not the directory the transaction changed (now inode {} on device {}, recorded inode {}"
                        + " on the journal's device {}); its changes there are not applied", dir, inode, dev, k, device);
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

    /** What recovery did with a committed record. */
    private enum Outcome { ROLLED_FORWARD, DISCARDED, STUCK }

    /** What recovery finds of a committed transaction's write. */
    private enum Found {
        /** Its temp is there, complete (inode, length and checksum as recorded): to be published. */
        PENDING,
        /** The target is the temp written: published (its temp's name may hold the version replaced). */
        PUBLISHED,
        /** Neither: the temp never became durable, or it was replaced. */
        MISSING
    }

    /**
     * Publishes what a committed transaction did not: each write whose temp is still there and complete,
     * each delete whose file is still there (and is the file meant); removes what exchanges left under
     * temp names; then syncs the directories. Idempotent: what was published already is skipped. A
     * record whose footer is durable but some of whose temps are not (a power cut in the round that
     * syncs them all), and of which nothing is published, never completed its commit: it is discarded.
     *
     * @param problems where what blocks it goes
     */
    private Outcome rollForward(Engine engine, JournalRecord.Parsed r, List<String> problems) throws IOException {
        FileSystem fs = path.getFileSystem();
        int before = problems.size();
        try (Directories dirs = new Directories(engine, fs, device, self)) {
            int n = r.entries.size();
            Found[] found = new Found[n];
            boolean[] gone = new boolean[n];
            List<Path> unreachable = new ArrayList<>();
            boolean missing = false;
            boolean published = false;
            for (int i = 0; i < n; i++) {
                JournalRecord.Entry e = r.entries.get(i);
                if (r.tempKeys.get(i).isEmpty()) {
                    continue;
                }
                FileBinding.Directory d = dirs.of(e);
                if (d == null) {
                    // its target and its temp went with it: nothing of it can be published, nor deleted
                    gone[i] = true;
                    unreachable.add(Name.toPath(fs, e.directory).resolve(Name.of(fs, e.name).path()));
                    continue;
                }
                if (e.op != JournalRecord.WRITE) {
                    continue;
                }
                ContentKey k = ContentKey.parse(r.tempKeys.get(i));
                if (k == null) {
                    problems.add(Name.toPath(fs, e.directory).resolve(Name.of(fs, e.name).path())
                            + ": its record entry is malformed");
                    continue;
                }
                found[i] = find(d, Name.of(fs, e.subject), Name.of(fs, e.name), k);
                missing |= found[i] == Found.MISSING;
                published |= found[i] == Found.PUBLISHED;
            }
            if (problems.size() > before) {
                return Outcome.STUCK;
            }
            if (missing && !published) {
                discard(engine, r);
                return Outcome.DISCARDED;
            }
            if (!unreachable.isEmpty()) {
                LOG.warn("{}: a committed transaction's changes of {} are not applied: their directories are gone or"
                        + " are no longer the ones it changed (removed, or replaced by someone else); the rest of it"
                        + " is", path, unreachable);
            }
            for (int i = 0; i < n; i++) {
                JournalRecord.Entry e = r.entries.get(i);
                if (r.tempKeys.get(i).isEmpty() || gone[i]) {
                    continue;
                }
                FileBinding.Directory d = dirs.of(e);
                Name name = Name.of(fs, e.name);
                if (e.op == JournalRecord.DELETE) {
                    FileBinding.Stat t = d.identity(name);
                    if (t != null && t.inode().equals(e.fileKey())) {
                        d.delete(name);
                    }
                } else if (found[i] == Found.PENDING) {
                    publish(d, Name.of(fs, e.subject), name);
                } else if (found[i] == Found.PUBLISHED && d.identity(Name.of(fs, e.subject)) != null) {
                    // published by an exchange: the temp's name holds the version replaced
                    d.delete(Name.of(fs, e.subject));
                } else if (found[i] == Found.MISSING) {
                    LOG.warn("{}: the temp of a committed transaction is gone and its target is another file;"
                            + " another writer replaced it after the transaction", d.path().resolve(name.path()));
                }
            }
            dirs.sync();
        }
        return Outcome.ROLLED_FORWARD;
    }

    private Found find(FileBinding.Directory d, Name temp, Name name, ContentKey k) throws IOException {
        FileBinding.Stat t = d.identity(temp);
        if (t != null && t.kind == FileBinding.Kind.REGULAR && t.inode().equals(k.inode())
                && complete(d.path().resolve(temp.path()), k)) {
            return Found.PENDING;
        }
        FileBinding.Stat now = d.identity(name);
        return now != null && now.inode().equals(k.inode()) ? Found.PUBLISHED : Found.MISSING;
    }

    /** @return true if the file at {@code p} has exactly the length and checksum {@code k} records */
    private boolean complete(Path p, ContentKey k) throws IOException {
        CRC32C crc = new CRC32C();
        long length = 0;
        try (FileBinding.SourceFile in = binding.openSource(p)) {
            if (!in.stat().inode().equals(k.inode())) {
                return false;
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                buf.flip();
                length += buf.remaining();
                crc.update(buf);
                buf.clear();
            }
        }
        return length == k.length() && crc.getValue() == k.crc()
                || Transaction.negativeControl() == Transaction.Fault.RECOVERY_SKIPS_CHECKSUMS;
    }

    private static void publish(FileBinding.Directory d, Name temp, Name name) throws IOException {
        try {
            d.rename(temp, d, name, FileBinding.RenameMode.REPLACE);
        } catch (NoSuchFileException gone) {
            // another recovery (of a file system without record locks) published it just now
            LOG.debug("{}: published meanwhile", d.path().resolve(temp.path()));
        }
    }

    /** Removes the temps of a transaction that never committed (those still there and regular files). */
    private void discard(Engine engine, JournalRecord.Parsed r) throws IOException {
        FileSystem fs = path.getFileSystem();
        try (Directories dirs = new Directories(engine, fs, device, self)) {
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
    }
}
