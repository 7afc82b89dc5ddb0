package dev.durafile;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Changes to several files that a crash leaves all made or none made: obtained from
 * {@link AtomicFiles#transaction(Path)}. Each change is staged at once (a write's content goes into a
 * temp file next to its target, a delete notes the file it removes) and nothing is visible until
 * {@link #commit()}; {@link #close()} without a commit discards every staged change.
 *
 * <pre>{@code
 * try (FileTransaction tx = AtomicFiles.transaction(journalDir)) {
 *     tx.write(jobFile, jobBytes);
 *     tx.writeString(statsFile, statsJson);
 *     tx.copy(sessionFile, contextRepo.resolve("s1.md"));
 *     tx.delete(staleFile);
 *     tx.commit();
 * }
 * }</pre>
 *
 * <h2>What a crash leaves</h2>
 * The commit point is the transaction's record in the journal directory becoming durable: a crash (a
 * killed process or a power cut) before it leaves every target as it was, and recovery removes the
 * temp files; a crash after it leaves the transaction committed, and recovery finishes publishing it.
 * Recovery runs automatically before a JVM's first transaction on a journal, or explicitly through
 * {@link AtomicFiles#recover(Path)} or {@code durafile recover JOURNAL_DIR}. Until it has run after a
 * crash, some targets may hold the new content and others the old. All targets and the journal must
 * be on one file system (checked when a change is staged).
 *
 * <h2>What readers see</h2>
 * Each target is replaced by an atomic rename, so a reader sees a whole old or a whole new file, but
 * during the publish step (one rename per change) a reader of several targets may see some new and
 * others old. {@link SnapshotDirectory} is the isolated alternative for files read together.
 *
 * <h2>Concurrency</h2>
 * One transaction is used by one thread. Transactions of this JVM that touch the same target commit
 * one after the other; if a target changed since it was staged (another transaction or a plain write
 * published it meanwhile), {@link #commit()} fails with a {@link java.nio.file.FileSystemException}
 * saying so, before the commit point, and nothing of the transaction is published. A plain write
 * that publishes in the short window after that check (one sync of the record) is replaced by the
 * transaction's version, which is then the later rename. Not meant to be implemented outside durafile.
 */
public interface FileTransaction extends Closeable {
    /**
     * Stages the replacement of {@code target} with {@code data}: written to a temp file next to the
     * target now, published at commit. A later change of the same target in this transaction replaces
     * this one.
     *
     * @param target the file to replace or create
     * @param data its complete new content (copied into the temp now)
     * @return this transaction
     * @throws IOException if the temp cannot be made (the transaction stays usable without this
     *     change), or {@code target} is on another file system than the journal
     */
    FileTransaction write(Path target, byte[] data) throws IOException;

    /**
     * {@link #write(Path, byte[])} of {@code text} in UTF-8.
     *
     * @param target the file to replace or create
     * @param text its complete new content
     * @return this transaction
     * @throws IOException as {@link #write(Path, byte[])}, or if {@code text} cannot be encoded
     */
    FileTransaction writeString(Path target, CharSequence text) throws IOException;

    /**
     * {@link #write(Path, byte[])} of what {@code body} writes to the stream it is given (it may close
     * it; that does not commit anything).
     *
     * @param target the file to replace or create
     * @param body writes the complete new content; if it throws, this change is dropped and the
     *     transaction stays usable
     * @return this transaction
     * @throws IOException what {@code body} throws, or as {@link #write(Path, byte[])}
     */
    FileTransaction write(Path target, IOConsumer<OutputStream> body) throws IOException;

    /**
     * Stages a copy of {@code source} (a regular file, symbolic links followed) as {@code target},
     * which gets the source's permission bits if it is new, as {@link AtomicFiles#copy} does.
     *
     * @param source the file to copy
     * @param target the file to replace or create
     * @return this transaction
     * @throws IOException if {@code source} cannot be read, or as {@link #write(Path, byte[])}
     */
    FileTransaction copy(Path source, Path target) throws IOException;

    /**
     * Stages the removal of {@code target} (a regular file or a symbolic link, which is removed, not
     * followed). At commit it is removed only if it is still the file it was now.
     *
     * @param target the file to remove
     * @return this transaction
     * @throws java.nio.file.NoSuchFileException if nothing is there
     * @throws java.nio.file.FileSystemException if it is a directory or a special file
     */
    FileTransaction delete(Path target) throws IOException;

    /**
     * Publishes every staged change: the record (the commit point, once durable), the journal, every
     * directory and every temp are synced in one round, every change is published, and each directory
     * is synced once more; then the versions the changes replaced and the record are removed. Returns
     * once every change is durable ({@link Durability#DURABLE}, and {@link Durability#ATOMIC} too: a
     * transaction's record may go only once its publications are synced); at {@link Durability#NONE}
     * nothing is synced and only a process crash is covered. Nothing is left running after it returns.
     *
     * @throws java.nio.file.FileSystemException before the commit point, with nothing published and
     *     the temps gone, if a target changed since it was staged (another writer published it) or a
     *     temp is no longer the file written (someone else who can write its directory removed or
     *     replaced it)
     * @throws IOException if it fails before the commit point: nothing is published and the temps are
     *     gone; or, saying so in its message, after it: the transaction is committed and what was not
     *     published is published by the next recovery (a temp removed by someone else after the commit
     *     point cannot be: that target keeps its old content, and recovery logs it at WARN)
     */
    void commit() throws IOException;

    /**
     * Discards every staged change unless committed: temps removed, record removed, targets untouched.
     * After a commit it only releases what the transaction holds.
     */
    @Override
    void close() throws IOException;
}
