package dev.durafile.internal;

import dev.durafile.Durability;
import dev.durafile.TempStrategy;
import dev.durafile.WriteOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write protocol, written once for every binding: one atomic publication of a target file, from
 * {@link #begin} (temp file created in the target's directory) through {@link #write} to {@link #commit}
 * (sync the temp, close it, rename it over the target, sync the directory) or {@link #close} without
 * commit (temp unlinked, target untouched).
 *
 * <p>Any failure before the rename closes and unlinks the temp and leaves the target as it was; a
 * failed sync is never retried and never followed by the rename. Not thread-safe: one writer per
 * instance.
 */
public final class PendingWrite implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWrite.class);

    /** The mode a new file is created with when nothing else is asked: the umask then applies. */
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

    private enum State { OPEN, PUBLISHED, DISCARDED }

    private final Target target;
    private final WriteOptions options;
    private final Publish publish;
    private final FileBinding.Directory dir;
    private final Capabilities capabilities;
    /** The temp file's name; for an unnamed (O_TMPFILE) temp, the name it gets at commit. */
    private final String tempName;
    /** True while the temp has a name in the directory (always for NAMED; from its link for ANONYMOUS). */
    private boolean tempNamed;
    private FileBinding.OpenFile file;
    private State state = State.OPEN;

    private PendingWrite(Target target, WriteOptions options, Publish publish, FileBinding.Directory dir,
            Capabilities capabilities, String tempName) {
        this.target = target;
        this.options = options;
        this.publish = publish;
        this.dir = dir;
        this.capabilities = capabilities;
        this.tempName = tempName;
    }

    /**
     * Starts a write: resolves the target, opens its directory and creates the temp file with the final
     * permissions (and owner, where preserved and permitted).
     *
     * @param binding the file operations to use
     * @param requested the target as the caller named it
     * @param options the write's options
     * @param publish how the temp will be published
     * @param newFileMode the mode for a target that does not exist yet, or -1 for {@code 0666 & ~umask}
     * @return the open write; the caller must {@link #commit} or {@link #close} it
     * @throws FileAlreadyExistsException for {@link Publish#CREATE_NEW} if the target exists already
     */
    static PendingWrite begin(FileBinding binding, Path requested, WriteOptions options, Publish publish,
            int newFileMode) throws IOException {
        Target target = Target.resolve(requested, options.symlinkPolicy());
        if (publish == Publish.CREATE_NEW && target.present) {
            throw new FileAlreadyExistsException(target.path.toString(), null, "create new file failed: it exists");
        }
        if (options.keepBackup()) {
            TempNames.checkLength(target.path.resolveSibling(target.name + BACKUP_SUFFIX));
        }
        int mode = options.permissions().map(Modes::toMode)
                .orElse(target.exists ? target.mode : newFileMode);
        int createMode = mode >= 0 ? mode : DEFAULT_MODE;
        boolean anonymous = options.tempStrategy() == TempStrategy.ANONYMOUS;
        Capabilities capabilities = anonymous || publish == Publish.CREATE_NEW
                ? Capabilities.of(target.dir) : null;
        FileBinding.Directory dir = binding.openDirectory(target.dir);
        PendingWrite w = new PendingWrite(target, options, publish, dir, capabilities,
                TempNames.forTarget(target.name));
        try {
            w.file = anonymous && !capabilities.tmpFileRefused ? dir.createAnonymous(createMode) : null;
            if (w.file == null) {
                if (anonymous && !capabilities.tmpFileRefused) {
                    LOG.debug("{}: no O_TMPFILE on this file system; using named temp files", target.dir);
                    capabilities.tmpFileRefused = true;
                }
                w.file = dir.createExclusive(w.tempName, createMode);
                w.tempNamed = true;
            }
            if (target.exists && target.uid >= 0 && options.permissions().isEmpty()
                    && !w.file.setOwner(target.uid, target.gid)) {
                LOG.debug("{}: owner {}:{} not kept, the process may not chown", target.path, target.uid, target.gid);
            }
            if (mode >= 0 && !Umask.keeps(mode)) {
                w.file.setMode(mode);
            }
        } catch (IOException | RuntimeException | Error e) {
            w.discard(e);
            throw e;
        }
        return w;
    }

    /**
     * Appends all of {@code src}'s remaining bytes to the temp file. On failure the write is discarded.
     */
    public void write(ByteBuffer src) throws IOException {
        ensureOpen();
        try {
            file.write(src);
        } catch (IOException | RuntimeException | Error e) {
            discard(e);
            throw e;
        }
    }

    /**
     * Publishes the temp file as the target: sync it (unless {@link Durability#NONE}), name it if it is
     * unnamed (and sync it again, as btrfs needs), close it, rename it over the target (or, for
     * {@link Publish#CREATE_NEW}, next to no target), then sync the directory (at {@link Durability#DURABLE}).
     *
     * @throws IOException if a step fails. Before the rename the target is untouched and the temp is
     *     gone. If only the directory sync after the rename fails, the target already holds the new
     *     content but may lose it on a power cut; the exception's message says so.
     */
    public void commit() throws IOException {
        ensureOpen();
        boolean sync = options.durability() != Durability.NONE;
        try {
            if (sync) {
                file.sync(options.syncMetadata());
            }
            if (!tempNamed) {
                dir.linkAnonymous(file, tempName);
                tempNamed = true;
                if (sync) {
                    file.sync(options.syncMetadata());
                }
            }
            FileBinding.OpenFile f = file;
            file = null;
            f.close();
            if (publish == Publish.CREATE_NEW) {
                publishNew();
            } else if (options.keepBackup() && target.exists) {
                dir.rename(tempName, dir, target.name, FileBinding.RenameMode.EXCHANGE);
            } else {
                dir.rename(tempName, dir, target.name, FileBinding.RenameMode.REPLACE);
            }
        } catch (IOException | RuntimeException | Error e) {
            discard(e);
            throw e;
        }
        state = State.PUBLISHED;
        try {
            if (options.keepBackup() && target.exists) {
                keepBackup();
            }
            if (options.durability() == Durability.DURABLE) {
                syncDirectory();
            }
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(dir, e);
            throw e;
        }
        dir.close();
    }

    /** RENAME_NOREPLACE where the file system has it, else link-then-unlink; never a non-atomic check. */
    private void publishNew() throws IOException {
        if (!capabilities.noReplaceRefused) {
            try {
                dir.rename(tempName, dir, target.name, FileBinding.RenameMode.NOREPLACE);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                LOG.debug("{}: RENAME_NOREPLACE refused, using link+unlink: {}", target.dir, e.getReason());
                capabilities.noReplaceRefused = true;
            }
        }
        dir.link(tempName, target.name);
        tempNamed = false;
        try {
            dir.delete(tempName);
        } catch (IOException e) {
            LOG.warn("{}: published, but its temp link {} could not be removed (the janitor will): {}",
                    target.path, tempName, e.toString());
        }
    }

    /** After the exchange the temp's name holds the previous content: give it the backup name. */
    private void keepBackup() throws IOException {
        try {
            dir.rename(tempName, dir, target.name + BACKUP_SUFFIX, FileBinding.RenameMode.REPLACE);
        } catch (FileSystemException e) {
            FileSystemException r = new FileSystemException(target.path.toString(), null,
                    "the new content is in place, but keeping the previous version as " + target.name + BACKUP_SUFFIX
                            + " failed; it is in " + tempName + ": " + e.getReason());
            r.initCause(e);
            throw r;
        }
    }

    private void syncDirectory() throws IOException {
        try {
            if (options.groupCommit()) {
                GroupCommit.sync(dir);
            } else {
                dir.sync();
            }
        } catch (FileSystemException e) {
            FileSystemException r = new FileSystemException(target.path.toString(), null,
                    "the new content is in place, but the directory fsync that makes it survive a power cut failed: "
                            + e.getReason());
            r.initCause(e);
            throw r;
        }
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
                dir.delete(tempName);
            }
        } catch (IOException e) {
            first = addTo(first, e);
        }
        try {
            dir.close();
        } catch (IOException e) {
            first = addTo(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IOException(target.path + ": write already " + state.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Discards after {@code cause}; secondary failures are attached to it as suppressed. */
    private void discard(Throwable cause) {
        try {
            close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static IOException addTo(IOException first, IOException e) {
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }

    private static void closeQuietly(Closeable c, Throwable cause) {
        try {
            c.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
