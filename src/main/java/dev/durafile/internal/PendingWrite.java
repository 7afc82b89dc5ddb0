package dev.durafile.internal;

import dev.durafile.Durability;
import dev.durafile.WriteOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write protocol, written once for every binding: one atomic replacement of a target file, from
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

    private enum State { OPEN, PUBLISHED, DISCARDED }

    private final Target target;
    private final WriteOptions options;
    private final FileBinding.Directory dir;
    private final String tempName;
    private FileBinding.OpenFile file;
    private State state = State.OPEN;

    private PendingWrite(Target target, WriteOptions options, FileBinding.Directory dir, String tempName,
            FileBinding.OpenFile file) {
        this.target = target;
        this.options = options;
        this.dir = dir;
        this.tempName = tempName;
        this.file = file;
    }

    /**
     * Starts a write: resolves the target, opens its directory and creates the temp file with the final
     * permissions (and owner, where preserved and permitted).
     *
     * @param binding the file operations to use
     * @param requested the target as the caller named it
     * @param options the write's options
     * @param newFileMode the mode for a target that does not exist yet, or -1 for {@code 0666 & ~umask}
     * @return the open write; the caller must {@link #commit} or {@link #close} it
     */
    static PendingWrite begin(FileBinding binding, Path requested, WriteOptions options, int newFileMode)
            throws IOException {
        Target target = Target.resolve(requested, options.symlinkPolicy());
        String tempName = TempNames.forTarget(target.name);
        int mode = options.permissions().map(Modes::toMode)
                .orElse(target.exists ? target.mode : newFileMode);
        FileBinding.Directory dir = binding.openDirectory(target.dir);
        FileBinding.OpenFile file;
        try {
            file = dir.createExclusive(tempName, mode >= 0 ? mode : DEFAULT_MODE);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(dir, e);
            throw e;
        }
        PendingWrite w = new PendingWrite(target, options, dir, tempName, file);
        try {
            if (target.exists && target.uid >= 0 && options.permissions().isEmpty()
                    && !file.setOwner(target.uid, target.gid)) {
                LOG.debug("{}: owner {}:{} not kept, the process may not chown", target.path, target.uid, target.gid);
            }
            if (mode >= 0) {
                file.setMode(mode);
            }
        } catch (IOException | RuntimeException | Error e) {
            w.discard(e);
            throw e;
        }
        return w;
    }

    /** @return the final target path (after following symlinks) */
    Path target() {
        return target.path;
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
     * Publishes the temp file as the target: sync it (unless {@link Durability#NONE}), close it, rename
     * it over the target, then sync the directory (at {@link Durability#DURABLE}).
     *
     * @throws IOException if a step fails. Before the rename the target is untouched and the temp is
     *     gone. If only the directory sync after the rename fails, the target already holds the new
     *     content but may lose it on a power cut; the exception's message says so.
     */
    public void commit() throws IOException {
        ensureOpen();
        try {
            if (options.durability() != Durability.NONE) {
                file.sync(options.syncMetadata());
            }
            FileBinding.OpenFile f = file;
            file = null;
            f.close();
            dir.rename(tempName, target.name);
        } catch (IOException | RuntimeException | Error e) {
            discard(e);
            throw e;
        }
        state = State.PUBLISHED;
        try {
            if (options.durability() == Durability.DURABLE) {
                dir.sync();
            }
        } catch (FileSystemException e) {
            FileSystemException r = new FileSystemException(target.path.toString(), null,
                    "the new content is in place, but the directory fsync that makes it survive a power cut failed: "
                            + e.getReason());
            r.initCause(e);
            closeQuietly(dir, r);
            throw r;
        }
        dir.close();
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
            dir.delete(tempName);
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
            throw new IOException(target.path + ": write already " + state.name().toLowerCase(java.util.Locale.ROOT));
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
