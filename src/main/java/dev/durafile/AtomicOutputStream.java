package dev.durafile;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream into a temp file that replaces its target atomically when {@link #commit() committed}.
 * Obtain one from {@link AtomicFiles#newOutputStream(java.nio.file.Path, WriteOptions)}.
 *
 * <p>Until {@link #commit()} returns, the target is untouched and readers see the old content (or no
 * file). {@link #close()} without a successful commit discards everything written: the temp file is
 * removed and the target is left as it was. A crash before the commit leaves the target as it was and
 * may leave a temp file {@code <name>.tmp.<uuid>} behind, which {@link TempFileJanitor} removes.
 *
 * <p>Not thread-safe. Not meant to be subclassed outside durafile.
 */
public abstract class AtomicOutputStream extends OutputStream {
    /** For durafile's implementation only. */
    protected AtomicOutputStream() {
    }

    /**
     * Publishes what was written: syncs the temp file as the {@link Durability} asks, renames it over the
     * target and syncs the directory. After this the stream is closed.
     *
     * @throws IOException if any step fails. If it fails before the rename, the target is untouched and
     *     the temp file is removed. If only the directory sync after the rename fails, the target
     *     already holds the new content but may lose it on a power cut; the message says so.
     */
    public abstract void commit() throws IOException;

    /**
     * Discards the write unless it was committed: the temp file is closed and removed and the target is
     * left as it was. Does nothing after a commit.
     *
     * @throws IOException if the temp file could not be removed
     */
    @Override
    public abstract void close() throws IOException;
}
