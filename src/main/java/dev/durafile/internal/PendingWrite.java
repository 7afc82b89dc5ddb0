package dev.durafile.internal;

import dev.durafile.Durability;
import dev.durafile.TempStrategy;
import dev.durafile.WriteOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write protocol, written once for every binding: one atomic publication of a target file, from
 * {@link #begin} (target's directory opened, temp file created in it with the final owner, group and
 * mode) through {@link #write} to {@link #commit} (sync the temp, close it, check it is still the file
 * created, rename it over the target, sync the directory) or {@link #close} without commit (temp
 * unlinked, target untouched). What each {@link Durability} syncs is the level's own data
 * ({@link Durability#syncsFile()}, {@link Durability#syncsDirectory()}).
 *
 * <p>Any failure before the rename closes and unlinks the temp and leaves the target as it was; a
 * failed sync is never retried and never followed by the rename. Every failure names the target as the
 * caller passed it ({@link java.nio.file.FileSystemException#getFile()}) and, in its reason, the file
 * the failing step acted on. Not thread-safe: one writer per instance.
 */
public final class PendingWrite implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWrite.class);

    /** The mode a new file is created with when nothing else is asked: the umask or a default ACL then applies. */
    static final int DEFAULT_MODE = 0666;
    /** The suffix of the previous version kept by {@link WriteOptions#keepBackup()}. */
    static final String BACKUP_SUFFIX = ".bak";

    /** How the finished temp file becomes the target. */
    enum Publish {
        /** Replace the target if it exists. */
        REPLACE,
        /** Publish only if the target does not exist; otherwise FileAlreadyExistsException. */
        CREATE_NEW
    }

    private enum State { OPEN, PUBLISHED, FINISHED, DISCARDED }

    private final Target target;
    private final WriteOptions options;
    private final Publish publish;
    /** The temp file's name; for an unnamed (O_TMPFILE) temp, the name it gets at commit. */
    private final Name tempName;
    /** True while the temp has a name in the directory (always for NAMED; from its link for ANONYMOUS). */
    private boolean tempNamed;
    private FileBinding.OpenFile file;
    /** What fstat said of the temp once its owner, group and mode were final. */
    private FileBinding.Stat created;
    private Capabilities capabilities;
    /** True once a keepBackup write (or a transaction's) was published by RENAME_EXCHANGE. */
    private boolean exchanged;
    /** True while a keepBackup write holds the directory's lock between processes. */
    private boolean directoryLocked;
    /**
     * For a transaction's write: the checksum and length of everything written, so that recovery can
     * tell a complete temp from one a power cut cut short (the record is synced with the temps, in one
     * round). Null otherwise.
     */
    private CRC32C content;
    private long contentLength;
    private State state = State.OPEN;
    /** The write's JFR event while it runs, or null when nothing records it (always for a transaction's). */
    private Object event;
    /** With an event: nanoseconds spent writing, sealing, publishing and finishing ({@link Events#endWrite}). */
    private final long[] steps;
    private long bytes;
    private final String backend;

    private PendingWrite(Target target, WriteOptions options, Publish publish, String backend, Object event) {
        this.target = target;
        this.options = options;
        this.publish = publish;
        this.tempName = TempNames.forTarget(target.name);
        this.backend = backend;
        this.event = event;
        this.steps = event == null ? null : new long[4];
    }

    /** The steps of a write that failed before it had any: all zero, never written. */
    private static final long[] NO_STEPS = new long[4];
    private static final int WRITE = 0;
    private static final int SEAL = 1;
    private static final int PUBLISH = 2;
    private static final int FINISH = 3;

    /**
     * Starts a write: resolves the target, opens its directory and creates the temp file with the final
     * owner, group and permissions.
     *
     * @param binding the file operations to use
     * @param requested the target as the caller named it
     * @param options the write's options
     * @param publish how the temp will be published
     * @param newFileMode the mode for a target that does not exist yet, or -1 for what any new file in
     *     its directory gets ({@code 0666} less the umask, or as a default ACL says)
     * @return the open write; the caller must {@link #commit} or {@link #close} it
     * @throws FileAlreadyExistsException for {@link Publish#CREATE_NEW} if the target exists already
     */
    static PendingWrite begin(FileBinding binding, Path requested, WriteOptions options, Publish publish,
            int newFileMode) throws IOException {
        return begin(binding, requested, options, publish, newFileMode, null);
    }

    /**
     * Told of a write's temp file before it exists, so that a journal can name it first (a crash right
     * after its creation then leaves a temp the journal knows).
     */
    interface Announce {
        /**
         * @param write the write, its target resolved and open, its temp not created yet
         */
        void temp(PendingWrite write) throws IOException;
    }

    /**
     * {@link #begin(FileBinding, Path, WriteOptions, Publish, int)}, telling {@code announce} (if not
     * null) of the temp before creating it; an unnamed temp is never used then.
     */
    static PendingWrite begin(FileBinding binding, Path requested, WriteOptions options, Publish publish,
            int newFileMode, Announce announce) throws IOException {
        Object event = announce == null ? Events.beginWrite() : null;
        Target target;
        try {
            target = Target.open(binding, requested, options.symlinkPolicy());
        } catch (IOException | RuntimeException | Error e) {
            Throwable shown = e instanceof IOException ? Failures.forTarget((IOException) e, requested.toString()) : e;
            Events.endWrite(event, requested.toString(), 0, options, binding.name(), NO_STEPS, "failed", shown);
            if (shown instanceof IOException) {
                throw (IOException) shown;
            }
            throw e;
        }
        PendingWrite w = new PendingWrite(target, options, publish, binding.name(), event);
        w.discardingOnFailure(() -> w.start(newFileMode, announce));
        return w;
    }

    private void start(int newFileMode, Announce announce) throws IOException {
        if (publish == Publish.CREATE_NEW && target.present()) {
            throw Failures.exists("create new file", target.requested, "it exists");
        }
        if (options.keepBackup()) {
            TempNames.checkLength(target.name.plus(BACKUP_SUFFIX), target.requested);
        }
        int mode = options.permissions().isPresent() ? Modes.toMode(options.permissions().get())
                : target.exists() ? target.existing.mode : newFileMode;
        // never a setuid, setgid or sticky temp before its owner is final: those bits come last
        int createMode = (mode >= 0 ? mode : DEFAULT_MODE) & 0777;
        boolean anonymous = options.tempStrategy() == TempStrategy.ANONYMOUS && announce == null;
        if (anonymous || publish == Publish.CREATE_NEW || options.keepBackup() || announce != null) {
            capabilities = Capabilities.of(target.dir);
        }
        if (anonymous && !capabilities.tmpFileRefused) {
            file = target.dir.createAnonymous(createMode);
            if (file == null) {
                LOG.debug("{}: no O_TMPFILE here (or no way to name one); using named temp files", target.dir.path());
                capabilities.tmpFileRefused = true;
            }
        }
        if (file == null) {
            if (announce != null) {
                announce.temp(this);
                content = new CRC32C();
            }
            file = target.dir.createExclusive(tempName, createMode);
            tempNamed = true;
        }
        created = applyAttributes(mode);
    }

    /**
     * Gives the temp the replaced file's owner and group (where the process may), the replaced file's
     * POSIX ACL instead of one inherited from a default ACL (none if exact permissions are asked), and
     * the mode the write asks for, all through its descriptor, then checks with fstat that they hold: a
     * setgid directory, a default ACL or the umask may have made them differ at creation.
     *
     * @param mode the exact permission bits the file must have, or -1 for what creation gave it
     * @return what fstat says of the temp afterwards
     */
    private FileBinding.Stat applyAttributes(int mode) throws IOException {
        FileBinding.Stat s = file.stat();
        Object owner = null;
        Object group = null;
        if (target.exists() && target.existing.owner != null) {
            owner = Objects.equals(target.existing.owner, s.owner) ? null : target.existing.owner;
            group = Objects.equals(target.existing.group, s.group) ? null : target.existing.group;
        }
        if (owner != null || group != null) {
            if (!file.setOwner(owner, group)) {
                LOG.debug("{}: owner {} not kept, the process may not chown", target.path, target.existing.owner);
                owner = null;
                if (group != null && !file.setOwner(null, group)) {
                    LOG.debug("{}: group {} not kept, the process may not chgrp", target.path, target.existing.group);
                    group = null;
                }
            }
            s = file.stat();
            if (owner != null && !owner.equals(s.owner) || group != null && !group.equals(s.group)) {
                throw Failures.of("set owner", tempPath(), "the file system kept owner " + s.owner + ":" + s.group
                        + " instead of " + target.existing.owner + ":" + target.existing.group);
            }
        }
        byte[] inherited = file.acl();
        if (inherited != null && (options.permissions().isPresent() || target.exists())) {
            // a default ACL gave the temp entries the replaced file (or the exact permissions asked) lacks
            byte[] wanted = options.permissions().isPresent() ? null : target.dir.acl(target.name);
            if (!Arrays.equals(inherited, wanted)) {
                file.setAcl(wanted);
                if (!Arrays.equals(file.acl(), wanted)) {
                    throw Failures.of("set ACL", tempPath(), "the file system kept the ACL inherited from the"
                            + " directory's default ACL");
                }
                s = file.stat();
            }
        }
        if (mode >= 0 && s.mode >= 0 && s.mode != mode) {
            file.setMode(mode);
            s = file.stat();
            if (s.mode != mode) {
                throw Failures.of("set permissions", tempPath(), "the file system kept mode 0"
                        + Integer.toOctalString(s.mode) + " instead of 0" + Integer.toOctalString(mode));
            }
        }
        return s;
    }

    /** @return the resolved target: its open directory, its name and what was there when the write began */
    Target target() {
        return target;
    }

    /** @return the temp file's name in the target's directory */
    Name tempName() {
        return tempName;
    }

    /**
     * @return for a transaction's write, what identifies the temp written, complete: its inode, its
     *     length and the CRC32C of its content ({@link ContentKey})
     */
    ContentKey contentKey() {
        return new ContentKey(created.inode(), contentLength, content.getValue());
    }

    private Path tempPath() {
        return target.dir.path().resolve(tempName.path());
    }

    /**
     * Appends all of {@code src}'s remaining bytes to the temp file. On failure the write is discarded.
     */
    public void write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (content != null) {
            contentLength += src.remaining();
            content.update(src.duplicate());
        }
        bytes += src.remaining();
        long start = steps == null ? 0 : System.nanoTime();
        discardingOnFailure(() -> file.write(src));
        if (steps != null) {
            steps[WRITE] += System.nanoTime() - start;
        }
    }

    /** Runs {@code step}, adding its time to {@link #steps} while an event records this write. */
    private void timed(int index, Step step) throws IOException {
        if (steps == null) {
            step.run();
            return;
        }
        long start = System.nanoTime();
        try {
            step.run();
        } finally {
            steps[index] += System.nanoTime() - start;
        }
    }

    /** Ends this write's event, if one records it, once. */
    private void endEvent(String outcome, Throwable failure) {
        Object e = event;
        if (e != null) {
            event = null;
            Events.endWrite(e, target.requested, bytes, options, backend, steps, outcome, failure);
        }
    }

    /** One step of the protocol. */
    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}; if it fails, discards the write and throws the failure as the caller sees it. */
    private void discardingOnFailure(Step step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            discard(e);
            throw failure(e);
        } catch (RuntimeException | Error e) {
            discard(e);
            throw e;
        }
    }

    /**
     * Publishes the temp file as the target: sync it (as the level says), name it if it is unnamed (and
     * sync it again, as btrfs needs), close it, check that its name still refers to it, keep the
     * previous version as {@code <name>.bak} if asked, rename it over the target (or, for
     * {@link Publish#CREATE_NEW}, next to no target), then sync the directory (as the level says).
     *
     * @throws IOException if a step fails. Before the rename the target is untouched and the temp is
     *     gone. If only the directory sync after the rename fails, the target already holds the new
     *     content but may lose it on a power cut; the exception's message says so.
     */
    public void commit() throws IOException {
        try {
            timed(SEAL, this::seal);
            timed(PUBLISH, this::publish);
            timed(FINISH, () -> finish(options.durability().syncsDirectory()));
        } catch (IOException | RuntimeException | Error e) {
            endEvent(state == State.PUBLISHED || state == State.FINISHED ? "failed after publishing" : "failed", e);
            throw e;
        }
        endEvent("published", null);
    }

    /**
     * The first step of {@link #commit}, which a transaction runs for many writes at once: syncs the
     * temp (as the level says), names it if it is unnamed, and closes it. On failure the write is
     * discarded.
     */
    void seal() throws IOException {
        ensureOpen();
        Durability level = options.durability();
        discardingOnFailure(() -> {
            if (level.syncsFile()) {
                file.sync(options.syncMetadata());
            }
            if (!tempNamed) {
                target.dir.linkAnonymous(file, tempName);
                tempNamed = true;
                if (level.syncsFile()) {
                    file.sync(options.syncMetadata());
                }
            }
            FileBinding.OpenFile f = file;
            file = null;
            f.close();
        });
    }

    /**
     * The second step of {@link #commit}, after {@link #seal}: checks the temp's name still refers to the
     * file written and publishes it as {@link Publish} and {@link WriteOptions#keepBackup()} say. On a
     * failure before the rename the write is discarded; afterwards the directory is left to
     * {@link #finish}.
     */
    void publish() throws IOException {
        ensureOpen();
        ReentrantLock backupLock = null;
        try {
            checkTempIsOurs();
            if (options.keepBackup() && target.exists()) {
                // the directory's lock first: its wait is bounded, and no other target's stripe waits with it
                directoryLocked = target.dir.lock();
                backupLock = backupLock();
                backupLock.lock();
                keepBackup();
                exchanged = publishByExchange();
            } else if (publish == Publish.CREATE_NEW) {
                publishNew();
            } else {
                target.dir.rename(tempName, target.dir, target.name, FileBinding.RenameMode.REPLACE);
            }
        } catch (IOException e) {
            unlock(backupLock);
            discard(e);
            throw failure(e);
        } catch (RuntimeException | Error e) {
            unlock(backupLock);
            discard(e);
            throw e;
        }
        state = State.PUBLISHED;
        try {
            try {
                if (exchanged) {
                    keepReplacedVersion();
                }
            } finally {
                if (directoryLocked) {
                    target.dir.unlock();
                }
                unlock(backupLock);
            }
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(target, e);
            throw e;
        }
    }

    /**
     * A committed transaction's publication, after {@link #seal}: checks the temp's name still refers
     * to the file written and swaps it with the target (RENAME_EXCHANGE; a plain rename where there is
     * no target, or the file system has no exchange), so that replacing costs no freeing of the old
     * version's blocks now: {@link #removeReplaced} does that later. A failure leaves the sealed temp
     * where it is, for the transaction's recovery, and the write for {@link #release}.
     */
    void publishForTransaction() throws IOException {
        ensureOpen();
        try {
            checkTempIsOurs();
            if (target.present()) {
                exchanged = publishByExchange();
            } else {
                target.dir.rename(tempName, target.dir, target.name, FileBinding.RenameMode.REPLACE);
            }
        } catch (IOException e) {
            throw failure(e);
        }
        state = State.PUBLISHED;
    }

    /**
     * After {@link #publishForTransaction}: removes what the exchange left under the temp's name, the
     * version replaced, if it still is that file.
     */
    void removeReplaced() throws IOException {
        if (!exchanged) {
            return;
        }
        FileBinding.Stat there = target.dir.identity(tempName);
        if (there != null && there.sameFile(target.existing)) {
            target.dir.delete(tempName);
        } else if (there != null) {
            // another writer published in the instant between the commit's check of the target and the
            // exchange: the transaction's version replaced theirs, which is left here for a person to see
            LOG.warn("{}: a version another writer published during the commit was replaced by the transaction's;"
                    + " it is kept as {} (the janitor removes it once it is old)", target.requested,
                    target.dir.path().resolve(tempName.path()));
        }
    }

    /**
     * The last step of {@link #commit}, after {@link #publish}: syncs the directory if asked (a
     * transaction syncs each of its directories once instead) and closes it.
     */
    void finish(boolean syncDirectory) throws IOException {
        state = State.FINISHED;
        try {
            if (syncDirectory) {
                syncDirectory();
            }
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(target, e);
            throw e;
        }
        target.close();
    }

    /**
     * Striped locks that keep this JVM's keepBackup writes of one target from interleaving their backup
     * and publication, so that {@code <name>.bak} is the version the last publication replaced;
     * between processes the directory's lock ({@link FileBinding.Directory#lock()}, flock) does the same
     * where the binding has one, and RENAME_EXCHANGE catches a plain write published meanwhile.
     */
    private static final ReentrantLock[] BACKUP_LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < BACKUP_LOCKS.length; i++) {
            BACKUP_LOCKS[i] = new ReentrantLock();
        }
    }

    /** @return the lock for this target: its directory's identity and its name */
    private ReentrantLock backupLock() throws IOException {
        return BACKUP_LOCKS[Math.floorMod(Objects.hash(target.dir.stat().key, target.name), BACKUP_LOCKS.length)];
    }

    private static void unlock(ReentrantLock lock) {
        if (lock != null) {
            lock.unlock();
        }
    }

    /**
     * Publishes with RENAME_EXCHANGE where the file system has it, so that the temp's name then holds
     * exactly the version the new content replaced, even if another writer published in between;
     * else (or if the target vanished) with a plain rename.
     *
     * @return true if exchanged
     */
    private boolean publishByExchange() throws IOException {
        if (!capabilities.exchangeRefused) {
            try {
                target.dir.rename(tempName, target.dir, target.name, FileBinding.RenameMode.EXCHANGE);
                return true;
            } catch (AtomicMoveNotSupportedException e) {
                LOG.debug("{}: RENAME_EXCHANGE refused, keeping the backup made before publishing: {}",
                        target.dir.path(), e.getReason());
                capabilities.exchangeRefused = true;
            } catch (NoSuchFileException e) {
                LOG.debug("{}: gone before the exchange; nothing to swap with", target.path);
            }
        }
        target.dir.rename(tempName, target.dir, target.name, FileBinding.RenameMode.REPLACE);
        return false;
    }

    /**
     * After an exchange, the temp's name holds the version replaced. Usually that is the file already
     * linked as {@code <name>.bak}, and the temp's name is only removed; if another writer published
     * in between, it is another version, which becomes {@code <name>.bak}; if another writer published
     * after this one, the version it replaced (this one's) is its backup to keep, and the older one is
     * removed.
     */
    private void keepReplacedVersion() throws IOException {
        Name backup = target.name.plus(BACKUP_SUFFIX);
        try {
            FileBinding.Stat replaced = target.dir.identity(tempName);
            if (replaced == null) {
                return;
            }
            FileBinding.Stat now = target.dir.identity(target.name);
            if (now == null || !now.sameFile(created)) {
                target.dir.delete(tempName);
                return;
            }
            FileBinding.Stat kept = target.dir.identity(backup);
            if (kept != null && replaced.sameFile(kept)) {
                target.dir.delete(tempName);
            } else if (replaced.kind == FileBinding.Kind.REGULAR) {
                target.dir.rename(tempName, target.dir, backup, FileBinding.RenameMode.REPLACE);
            } else {
                throw Failures.of("keep the previous version", tempPath(), "what the new content replaced is not a"
                        + " regular file (" + replaced.kind.name().toLowerCase(Locale.ROOT) + "); it is left here");
            }
        } catch (IOException e) {
            throw Failures.afterPublish(target.requested, "keeping the version it replaced as " + backup, e);
        }
    }

    /**
     * Before a transaction's commit point: its named temp must still be the file written, or the
     * commit would promise a publication that cannot happen.
     */
    void checkTemp() throws IOException {
        ensureOpen();
        if (tempNamed) {
            checkTempIsOurs();
        }
    }

    /**
     * The temp's name must still refer to the file written: someone who can write the directory could
     * have put another file there, which the rename would publish.
     */
    private void checkTempIsOurs() throws IOException {
        FileBinding.Stat named = target.dir.identity(tempName);
        if (named == null || named.kind != FileBinding.Kind.REGULAR || !named.sameFile(created)) {
            throw Failures.of("verify temp file", tempPath(), "its name no longer refers to the file written ("
                    + (named == null ? "it is gone" : "it is now " + named) + "), so someone else can write this"
                    + " directory; nothing is published");
        }
    }

    /** RENAME_NOREPLACE where the file system has it, else link-then-unlink; never a non-atomic check. */
    private void publishNew() throws IOException {
        if (!capabilities.noReplaceRefused) {
            try {
                target.dir.rename(tempName, target.dir, target.name, FileBinding.RenameMode.NOREPLACE);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                LOG.debug("{}: RENAME_NOREPLACE refused, using link+unlink: {}", target.dir.path(), e.getReason());
                capabilities.noReplaceRefused = true;
            }
        }
        target.dir.link(tempName, target.name);
        tempNamed = false;
        try {
            target.dir.delete(tempName);
        } catch (IOException e) {
            LOG.warn("{}: published, but its temp link {} could not be removed (the janitor will): {}",
                    target.path, tempName, e.toString());
        }
    }

    /**
     * Before the new content is published, makes {@code <name>.bak} the current version: a hard link
     * of the target under a fresh temp name, renamed over {@code <name>.bak}. The previous version is
     * thus always reachable as the target or as {@code <name>.bak}, never only under a temp name the
     * janitor may delete (but see {@link #keepReplacedVersion()} for a version another writer published
     * meanwhile). If the target vanished meanwhile there is nothing to keep.
     */
    private void keepBackup() throws IOException {
        Name backup = target.name.plus(BACKUP_SUFFIX);
        Name staged = TempNames.forTarget(backup);
        try {
            target.dir.link(target.name, staged);
        } catch (NoSuchFileException e) {
            LOG.debug("{}: gone before its backup was made; nothing to keep", target.path);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            AtomicMoveNotSupportedException r = Failures.unsupported("keep the previous version as " + backup,
                    target.path, null, "it is kept through a hard link, which this file system refuses: "
                            + e.getReason());
            r.initCause(e);
            throw r;
        }
        try {
            target.dir.rename(staged, target.dir, backup, FileBinding.RenameMode.REPLACE);
        } catch (IOException | RuntimeException | Error e) {
            try {
                target.dir.delete(staged);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            throw e;
        }
        // rename(2) does nothing when both names are links of one file (.bak already is the current version)
        target.dir.delete(staged);
    }

    private void syncDirectory() throws IOException {
        try {
            target.dir.sync();
        } catch (IOException e) {
            throw Failures.afterPublish(target.requested,
                    "the directory fsync that makes it survive a power cut", e);
        }
    }

    /** @return {@code e} as the caller should see it: naming the target, and saying what an interrupt left */
    private IOException failure(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            return Failures.interrupted(target.requested, "write", e);
        }
        return Failures.forTarget(e, target.requested);
    }

    /**
     * Discards the write unless it was committed: closes and unlinks the temp file; the target is left
     * as it was. Does nothing after {@link #commit} or a failure.
     *
     * @throws IOException if the temp file could not be removed
     */
    @Override
    public void close() throws IOException {
        if (state != State.OPEN) {
            return;
        }
        state = State.DISCARDED;
        endEvent("discarded", null);
        IOException first = null;
        try {
            if (file != null) {
                file.close();
            }
        } catch (IOException e) {
            first = e;
        }
        try {
            if (tempNamed) {
                target.dir.delete(tempName);
            }
        } catch (IOException e) {
            first = Closing.add(first, e);
        }
        try {
            target.close();
        } catch (IOException e) {
            first = Closing.add(first, e);
        }
        if (first != null) {
            throw failure(first);
        }
    }

    /**
     * Releases what a transaction's write holds, once: a published write's directory is closed; an
     * unpublished one is discarded, or, if {@code keepTemp}, its sealed temp is left where it is (for a
     * committed transaction's recovery to publish) and its directory closed.
     */
    void release(boolean keepTemp) throws IOException {
        if (state == State.PUBLISHED) {
            state = State.FINISHED;
            target.close();
        } else if (state == State.OPEN && keepTemp && file == null) {
            state = State.DISCARDED;
            target.close();
        } else {
            close();
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            refuseUse();
        }
    }

    /** @throws IOException always: this write was already published or discarded, saying which */
    void refuseUse() throws IOException {
        throw Failures.of("write", target.requested, "this write was already "
                + (state == State.FINISHED ? "published" : state.name().toLowerCase(Locale.ROOT)));
    }

    /** Discards after {@code cause}; secondary failures are attached to it as suppressed. */
    private void discard(Throwable cause) {
        endEvent("failed", cause);
        Closing.closeAfter(this, cause);
    }
}
