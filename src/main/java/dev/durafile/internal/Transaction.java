package dev.durafile.internal;

import dev.durafile.Durability;
import dev.durafile.FileTransaction;
import dev.durafile.IOConsumer;
import dev.durafile.SymlinkPolicy;
import dev.durafile.TempStrategy;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FileTransaction}: one {@link PendingWrite} per written target, sealed together, published
 * after the journal record that lists them all is durable.
 *
 * <p>Commit, in sync rounds (each round's syncs run at once, see {@link Rounds}):
 * <ol>
 * <li>round 1: every temp synced and closed, every target directory and the journal synced (so the
 *     temps and the record exist after a power cut);
 * <li>each target checked to be what it was when staged (else the commit fails: nothing published);
 * <li>round 2: the record's commit footer written and synced: the commit point;
 * <li>every write renamed over its target, every delete unlinked, in the order staged;
 * <li>round 3: every target directory synced (DURABLE and ATOMIC);
 * <li>round 4: the versions the exchanges replaced removed, then the record.
 * </ol>
 * Recovery ({@link Journal#recover}) rolls a committed record forward and discards an uncommitted one.
 */
public final class Transaction implements FileTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(Transaction.class);
    /** A transaction seals its temps (closing their descriptors) whenever this many are open. */
    private static final int OPEN_TEMPS = 128;
    /** The footer's mark for a staged change a later one replaced, or that failed to stage: skipped. */
    private static final String SKIP = "";
    /** The footer's mark for a delete. */
    private static final String DELETE = "delete";

    /**
     * The deliberately broken protocols of the negative controls: the crash tests must catch each.
     * Never set outside tests.
     */
    public enum Fault {
        /** The protocol as it is. */
        NONE,
        /** The targets are published before the record's commit is synced. */
        PUBLISH_BEFORE_COMMIT_SYNC,
        /** The record's commit is never synced. */
        COMMIT_WITHOUT_SYNC,
        /** Recovery treats a committed record as uncommitted (discards it instead of rolling it forward). */
        RECOVERY_SKIPS_COMMITTED,
        /** Recovery publishes a committed record's temps without checking their length and checksum. */
        RECOVERY_SKIPS_CHECKSUMS
    }

    private static volatile Fault fault = Fault.NONE;

    /** Sets the broken protocol a negative control tests (tests only). */
    public static void negativeControl(Fault f) {
        fault = Objects.requireNonNull(f, "fault");
    }

    static Fault negativeControl() {
        return fault;
    }

    /**
     * Striped locks serializing this JVM's commits that touch the same target (its directory's identity
     * and its name); a commit takes its stripes in index order, so two never wait for each other.
     */
    private static final ReentrantLock[] TARGET_LOCKS = new ReentrantLock[256];

    static {
        for (int i = 0; i < TARGET_LOCKS.length; i++) {
            TARGET_LOCKS[i] = new ReentrantLock();
        }
    }

    private enum State { OPEN, COMMITTED, CLOSED }

    /** One staged change, in the record's order. */
    private static final class Slot {
        final JournalRecord.Entry entry;
        /** Directory identity and name: two slots of one key are the same target. */
        final String key;
        final String requested;
        PendingWrite write;
        Target deleted;
        /** What the target's name referred to when staged (its identity), or null if nothing. */
        String expected;
        boolean active;
        boolean sealed;
        boolean released;

        Slot(JournalRecord.Entry entry, String key, String requested) {
            this.entry = entry;
            this.key = key;
            this.requested = requested;
        }

        Target target() {
            return write != null ? write.target() : deleted;
        }
    }

    private final Engine engine;
    private final Journal journal;
    private final WriteOptions options;
    private final CRC32C crc = new CRC32C();
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Slot> byKey = new HashMap<>();
    private Journal.Record record;
    /** The slot being staged: announced to the record, not yet filled. */
    private Slot staging;
    private State state = State.OPEN;

    Transaction(Engine engine, Journal journal, WriteOptions options) {
        if (options.keepBackup()) {
            throw new IllegalArgumentException("keepBackup is not available in a transaction");
        }
        this.engine = engine;
        this.journal = journal;
        // recovery finds a temp by its name, so a transaction's temps always have one
        this.options = options.toBuilder().tempStrategy(TempStrategy.NAMED).build();
    }

    @Override
    public FileTransaction write(Path target, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        ensureOpen();
        return staged(engine.stage(target, ByteBuffer.wrap(data), options, PendingWrite.Publish.REPLACE,
                this::announce));
    }

    @Override
    public FileTransaction writeString(Path target, CharSequence text) throws IOException {
        ByteBuffer data = Engine.encode(text, StandardCharsets.UTF_8);
        ensureOpen();
        return staged(engine.stage(target, data, options, PendingWrite.Publish.REPLACE, this::announce));
    }

    @Override
    public FileTransaction write(Path target, IOConsumer<OutputStream> body) throws IOException {
        ensureOpen();
        return staged(engine.stage(target, options, body, PendingWrite.Publish.REPLACE, this::announce));
    }

    @Override
    public FileTransaction copy(Path source, Path target) throws IOException {
        ensureOpen();
        return staged(engine.stageCopy(source, target, options, this::announce));
    }

    /** Notes a write's temp in the record before the temp exists. */
    private void announce(PendingWrite w) throws IOException {
        Target t = w.target();
        staging = slot(JournalRecord.WRITE, t, w.tempName().bytes());
        staging.expected = t.existing == null ? null : String.valueOf(t.existing.key);
    }

    /** @return a new slot for {@code t}, its entry appended to the record */
    private Slot slot(byte op, Target t, byte[] subject) throws IOException {
        if (!Objects.equals(Journal.deviceOf(t.dir), journal.device)) {
            throw Failures.of("stage " + (op == JournalRecord.WRITE ? "write" : "delete"), t.requested,
                    "it is on another file system than the journal " + journal.path + "; a transaction's files"
                            + " and its journal must share one file system");
        }
        String dirKey = t.dir.stat().inode();
        JournalRecord.Entry e = new JournalRecord.Entry(op, Name.bytes(t.dir.path()), dirKey, t.name.bytes(), subject);
        byte[] b = JournalRecord.entry(e);
        if (record == null) {
            record = journal.newRecord();
            crc.update(JournalRecord.header(record.txid));
        }
        record.append(b);
        crc.update(b);
        Slot s = new Slot(e, dirKey + "/" + new String(t.name.bytes(), StandardCharsets.ISO_8859_1), t.requested);
        slots.add(s);
        return s;
    }

    private FileTransaction staged(PendingWrite w) throws IOException {
        Slot s = staging;
        staging = null;
        s.write = w;
        activate(s);
        int open = 0;
        for (Slot o : slots) {
            if (o.active && o.write != null && !o.sealed) {
                open++;
            }
        }
        if (open >= OPEN_TEMPS) {
            try {
                seal();
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(this, e);
                throw e;
            }
        }
        return this;
    }

    /** Makes {@code s} the change of its target, discarding an earlier one. */
    private void activate(Slot s) throws IOException {
        Slot earlier = byKey.put(s.key, s);
        s.active = true;
        if (earlier != null) {
            earlier.active = false;
            s.expected = earlier.expected;
            release(earlier);
        }
    }

    @Override
    public FileTransaction delete(Path target) throws IOException {
        Objects.requireNonNull(target, "target");
        ensureOpen();
        Path abs = target.toAbsolutePath();
        Target t = Target.open(engine.bindingFor(abs), target, SymlinkPolicy.REPLACE, "delete");
        Slot s;
        String identity;
        try {
            if (!t.present()) {
                throw new NoSuchFileException(target.toString(), null, "delete failed: there is no such file");
            }
            identity = String.valueOf(t.existing.key);
            s = slot(JournalRecord.DELETE, t, t.existing.inode().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(t, e);
            throw e;
        }
        s.deleted = t;
        s.expected = identity;
        activate(s);
        return this;
    }

    /** Seals every open temp in one round. */
    private void seal() throws IOException {
        List<Rounds.Step> steps = new ArrayList<>();
        for (Slot s : slots) {
            if (s.active && s.write != null && !s.sealed) {
                s.sealed = true;
                steps.add(s.write::seal);
            }
        }
        Rounds.run(steps, journal.path.getFileSystem());
    }

    @Override
    public void commit() throws IOException {
        ensureOpen();
        List<Slot> active = new ArrayList<>();
        for (Slot s : slots) {
            if (s.active) {
                active.add(s);
            }
        }
        if (active.isEmpty()) {
            close();
            return;
        }
        Object event = Events.beginTransaction();
        String backend = engine.bindingFor(journal.path).name();
        List<ReentrantLock> locks = lock(active);
        try {
            commit(active);
        } catch (IOException | RuntimeException | Error e) {
            Events.endTransaction(event, journal.path, active.size(), options, backend, e);
            throw e;
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
        Events.endTransaction(event, journal.path, active.size(), options, backend, null);
    }

    private static List<ReentrantLock> lock(List<Slot> active) {
        TreeSet<Integer> stripes = new TreeSet<>();
        for (Slot s : active) {
            stripes.add(Math.floorMod(s.key.hashCode(), TARGET_LOCKS.length));
        }
        List<ReentrantLock> locks = new ArrayList<>();
        for (int i : stripes) {
            TARGET_LOCKS[i].lock();
            locks.add(TARGET_LOCKS[i]);
        }
        return locks;
    }

    private void commit(List<Slot> active) throws IOException {
        Durability level = options.durability();
        Map<String, FileBinding.Directory> dirs = directories(active);
        try {
            checkUnchanged(active);
            List<String> keys = new ArrayList<>(slots.size());
            for (Slot s : slots) {
                keys.add(!s.active ? SKIP : s.write != null ? s.write.contentKey().toString() : DELETE);
            }
            record.append(JournalRecord.footer(crc, keys));
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(this, e);
            throw e;
        }
        try {
            // one round: the record with its commit footer, the journal, every directory and the temps, in
            // any order (listed so that the crash kit, which runs them in order, sees the record durable
            // before the temps: recovery must then find the temps incomplete by their checksums)
            List<Rounds.Step> round = new ArrayList<>();
            if (level.syncsFile()) {
                if (fault != Fault.PUBLISH_BEFORE_COMMIT_SYNC && fault != Fault.COMMIT_WITHOUT_SYNC) {
                    round.add(record::sync);
                }
                round.add(journal::sync);
                for (FileBinding.Directory d : dirs.values()) {
                    round.add(() -> syncDirectory(d));
                }
            }
            for (Slot s : active) {
                if (s.write != null && !s.sealed) {
                    s.sealed = true;
                    round.add(s.write::seal);
                }
            }
            Rounds.run(round, journal.path.getFileSystem());
            if (fault == Fault.PUBLISH_BEFORE_COMMIT_SYNC) {
                state = State.COMMITTED;
                publish(active);
                record.sync();
            }
        } catch (IOException | RuntimeException | Error e) {
            if (state == State.OPEN) {
                revoke(e);
            } else {
                abandon(active, e);
            }
            throw e;
        }
        // committed: from here on, whatever fails leaves the record (and any unpublished temp) for recovery
        state = State.COMMITTED;
        try {
            if (fault != Fault.PUBLISH_BEFORE_COMMIT_SYNC) {
                publish(active);
            }
        } catch (IOException | RuntimeException | Error e) {
            abandon(active, e);
            throw e;
        }
        if (level.syncsFile()) {
            // ATOMIC too: the record may go only once every directory holding a publication is synced
            syncDirectories(active, dirs);
        }
        cleanUp(active);
    }

    /**
     * After a failure in the round that makes the record durable (which may have made it durable, its
     * footer included): discards the transaction and makes the record's removal durable before the
     * failure is thrown, so that no recovery can publish what a failed sync was part of.
     */
    private void revoke(Throwable cause) {
        Closing.closeAfter(this, cause);
        try {
            journal.sync();
        } catch (IOException e) {
            cause.addSuppressed(e);
            LOG.error("{}: the removal of a transaction's record whose sync failed could not be made durable"
                    + " ({}); recovery after a power cut may still find it complete and publish it", journal.path,
                    e.toString());
        }
    }

    /**
     * After a failure past the commit point: releases everything the transaction holds, leaving its
     * record and every temp not yet published for the next recovery, which this JVM then runs before its
     * next transaction on the journal.
     */
    private void abandon(List<Slot> active, Throwable cause) {
        for (Slot s : active) {
            Closing.closeAfter(() -> release(s, true), cause);
        }
        Closing.closeAfter(record::release, cause);
        Journal.forget(journal);
    }

    /** @return each distinct directory of the changes, by identity */
    private static Map<String, FileBinding.Directory> directories(List<Slot> active) {
        Map<String, FileBinding.Directory> dirs = new LinkedHashMap<>();
        for (Slot s : active) {
            dirs.putIfAbsent(s.entry.directoryKey, s.target().dir);
        }
        return dirs;
    }

    private static void syncDirectory(FileBinding.Directory d) throws IOException {
        try {
            d.sync();
        } catch (IOException e) {
            throw Failures.forTarget(e, d.path().toString());
        }
    }

    /**
     * Every target must still be what it was when staged: another transaction or a plain write that
     * published in between would otherwise be replaced silently. Every temp must still be the file
     * written: one removed or replaced by someone else who can write its directory would leave a
     * committed transaction that cannot be published whole.
     */
    private static void checkUnchanged(List<Slot> active) throws IOException {
        for (Slot s : active) {
            if (s.write != null) {
                s.write.checkTemp();
            }
            Target t = s.target();
            FileBinding.Stat now = t.dir.identity(t.name);
            String key = now == null ? null : String.valueOf(now.key);
            if (!Objects.equals(key, s.expected)) {
                throw new FileSystemException(s.requested, null, "commit transaction failed: the target changed"
                        + " since it was staged (" + (s.expected == null ? "it did not exist" : "it was " + s.expected)
                        + ", it is " + (now == null ? "gone" : "now " + now) + "), so another writer published it"
                        + " meanwhile; nothing of the transaction is published");
            }
        }
    }

    /**
     * Publishes every change, in order; one that fails leaves its temp for recovery and the others are
     * published still.
     */
    private void publish(List<Slot> active) throws IOException {
        List<String> failed = new ArrayList<>();
        IOException first = null;
        for (Slot s : active) {
            try {
                if (s.write != null) {
                    s.write.publishForTransaction();
                } else {
                    Target t = s.deleted;
                    FileBinding.Stat now = t.dir.identity(t.name);
                    if (now != null && String.valueOf(now.key).equals(s.expected)) {
                        t.dir.delete(t.name);
                    }
                }
            } catch (IOException e) {
                failed.add(s.requested);
                first = Closing.add(first, e);
            }
        }
        if (first != null) {
            FileSystemException e = new FileSystemException(journal.path.toString(), null, "commit transaction:"
                    + " committed, but " + failed.size() + " of " + active.size() + " changes could not be published"
                    + " (" + String.join(", ", failed) + "); the next recovery of this journal publishes them");
            e.initCause(first);
            throw e;
        }
    }

    /**
     * After the publish: syncs every directory once, in one round. A failed sync keeps the record, so
     * that recovery rolls the transaction forward again.
     */
    private void syncDirectories(List<Slot> active, Map<String, FileBinding.Directory> dirs) throws IOException {
        List<Rounds.Step> round = new ArrayList<>();
        for (FileBinding.Directory d : dirs.values()) {
            round.add(() -> syncDirectory(d));
        }
        try {
            Rounds.run(round, journal.path.getFileSystem());
        } catch (IOException e) {
            FileSystemException f = new FileSystemException(journal.path.toString(), null, "commit transaction:"
                    + " published, but the directory fsync that makes it survive a power cut failed ("
                    + e.getMessage() + "); the record is kept, so the next recovery of this journal makes it"
                    + " durable");
            f.initCause(e);
            abandon(active, f);
            throw f;
        } catch (RuntimeException | Error e) {
            abandon(active, e);
            throw e;
        }
    }

    /**
     * Once the transaction is durable: removes the versions its exchanges left under the temps' names,
     * releases everything and removes the record. A crash before it is done leaves the record, and
     * recovery removes them.
     */
    private void cleanUp(List<Slot> active) throws IOException {
        try {
            // freeing a replaced file's blocks is most of what a batch costs on some file systems, and it
            // waits about as much as it computes: removed several at a time, they are gone sooner
            List<Rounds.Step> removals = new ArrayList<>();
            for (Slot s : active) {
                if (s.write != null) {
                    removals.add(s.write::removeReplaced);
                }
            }
            Rounds.run(removals, journal.path.getFileSystem());
            IOException first = null;
            for (Slot s : active) {
                try {
                    release(s);
                } catch (IOException e) {
                    first = Closing.add(first, e);
                }
            }
            if (first != null) {
                throw first;
            }
            record.remove();
        } catch (IOException | RuntimeException | Error e) {
            abandon(active, e);
            throw e;
        }
    }

    /** Closes what a slot holds: closes a published write's directory, discards an unpublished one. */
    private static void release(Slot s) throws IOException {
        release(s, false);
    }

    /**
     * Closes what a slot holds: closes a published write's directory, discards an unpublished one (or,
     * if {@code keepTemp}, leaves its sealed temp for recovery).
     */
    private static void release(Slot s, boolean keepTemp) throws IOException {
        if (s.released) {
            return;
        }
        s.released = true;
        if (s.write != null) {
            s.write.release(keepTemp);
        } else if (s.deleted != null) {
            s.deleted.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            throw new FileSystemException(journal.path.toString(), null, "transaction already "
                    + state.name().toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public void close() throws IOException {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSED;
        Throwable first = null;
        for (Slot s : slots) {
            try {
                release(s);
            } catch (IOException | RuntimeException | Error e) {
                first = Closing.add(first, e);
            }
        }
        try {
            if (record != null) {
                record.remove();
            }
        } catch (IOException | RuntimeException | Error e) {
            first = Closing.add(first, e);
        }
        Closing.rethrow(first);
        LOG.trace("{}: transaction discarded", journal.path);
    }
}
