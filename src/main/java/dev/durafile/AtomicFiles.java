package dev.durafile;

import dev.durafile.internal.Engine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Atomic, durable file replacement: every write goes to a temp file {@code <name>.tmp.<uuid>} in the
 * target's directory, is synced, and is renamed over the target; the directory is then synced.
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>Returned normally: the target holds exactly the new bytes. At {@link Durability#DURABLE} (the
 *       default) it still does after a power cut; see {@link Durability} for the weaker levels.</li>
 *   <li>Threw before publishing (missing directory, no permission, disk full, a failing body, a failed
 *       sync ...): the target is exactly as it was (or still absent) and the temp file was removed.</li>
 *   <li>Threw because only the final directory fsync failed: the target holds the new bytes but they
 *       may not survive a power cut; the exception's message says so.</li>
 *   <li>Crashed (process killed, power cut) before returning: the target holds the complete old or the
 *       complete new content (for a first write: absent or complete), never a mix, an empty or a
 *       truncated file. A temp file may remain; it is never read as the target, and
 *       {@link TempFileJanitor} removes it.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Failures are the JDK's own types with the path, the operation and the OS's reason in the message:
 * {@link java.nio.file.NoSuchFileException} (missing directory), {@link java.nio.file.AccessDeniedException},
 * {@link java.nio.file.FileAlreadyExistsException}, {@link java.nio.file.AtomicMoveNotSupportedException},
 * otherwise {@link java.nio.file.FileSystemException} (a directory as target, ENOSPC, EIO ...). Null
 * arguments throw {@link NullPointerException}; an empty path {@link IllegalArgumentException}.
 *
 * <h2>Concurrency</h2>
 * All methods are thread-safe. Concurrent writes to the same target each publish complete content;
 * the last rename wins.
 *
 * <h2>Interrupts</h2>
 * A write from an interrupted thread goes ahead, and the thread's interrupt status stays set. The
 * native backends' system calls cannot be interrupted at all. On java.nio, an interrupt that arrives
 * while the temp file's channel is in use closes that channel: the write then fails with
 * {@link java.io.InterruptedIOException}, nothing is published and the target is as it was. An
 * interrupt never fails another thread's write and never turns a write that already published its content into a failure.
 *
 * <h2>Backends</h2>
 * {@code panama} (JDK 22+ with {@code --enable-native-access}), {@code jna} or {@code nio}: every call
 * uses {@link Backend#chosen()}, decided once per JVM and overridable with
 * {@code -Ddurafile.backend=auto|panama|jna|nio}, unless its {@link WriteOptions} name another
 * ({@link WriteOptions.Builder#backend(Backend)}). Paths of file systems other than the default one always
 * use java.nio. If the property forces a backend that cannot load here (JNA missing, panama without
 * native access), every call that would use it throws {@link IllegalStateException} naming the property,
 * the backend and the cause.
 *
 * <h2>Hostile directories</h2>
 * The target's directory is opened once and every later step acts relative to it and on the temp
 * file's descriptor, so a path component swapped during the write cannot redirect it; the published
 * file's mode, owner and group are set through the descriptor and checked with fstat; a temp file that
 * someone replaced is detected before the rename and not published. See {@code SECURITY.md} for the
 * threat model and what each backend guarantees.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * @throws IllegalStateException on every call if {@code -Ddurafile.backend} names a backend that
     *     cannot load here, naming the property, the backend and the cause
     */
    static Engine engine() {
        return Backend.chosen().engine();
    }

    /** {@return the engine of the backend {@code options} name, else of {@link Backend#chosen()}} */
    private static Engine engine(WriteOptions options) {
        Objects.requireNonNull(options, "options");
        return options.backend().orElseGet(Backend::chosen).engine();
    }

    /**
     * {@return the name of {@link Backend#chosen()}, the backend used where no {@link WriteOptions} name
     * one: {@code "panama"}, {@code "jna"} or {@code "nio"}}
     */
    public static String backendName() {
        return engine().backendName();
    }

    /**
     * Replaces {@code target} with {@code data} atomically and durably ({@link WriteOptions#defaults()}).
     *
     * @param target the file to replace or create; its directory must exist
     * @param data the complete new content
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, data, WriteOptions.defaults());
    }

    /**
     * Replaces {@code target} with {@code data} atomically, as {@code options} say.
     *
     * @param target the file to replace or create; its directory must exist
     * @param data the complete new content
     * @param options durability, permissions and symlink policy
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void write(Path target, byte[] data, WriteOptions options) throws IOException {
        Objects.requireNonNull(data, "data");
        engine(options).write(target, ByteBuffer.wrap(data), options);
    }

    /**
     * Replaces {@code target} with {@code text} in UTF-8, atomically and durably.
     *
     * @param target the file to replace or create; its directory must exist
     * @param text the complete new content
     * @throws java.nio.charset.CharacterCodingException if {@code text} is not valid UTF-16 (nothing written)
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void writeString(Path target, CharSequence text) throws IOException {
        writeString(target, text, StandardCharsets.UTF_8, WriteOptions.defaults());
    }

    /**
     * Replaces {@code target} with {@code text} in {@code charset}, atomically and durably.
     *
     * @param target the file to replace or create; its directory must exist
     * @param text the complete new content
     * @param charset the encoding
     * @throws java.nio.charset.CharacterCodingException if {@code text} cannot be encoded (nothing written)
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void writeString(Path target, CharSequence text, Charset charset) throws IOException {
        writeString(target, text, charset, WriteOptions.defaults());
    }

    /**
     * Replaces {@code target} with {@code text} in {@code charset}, atomically, as {@code options} say.
     *
     * @param target the file to replace or create; its directory must exist
     * @param text the complete new content
     * @param charset the encoding
     * @param options durability, permissions and symlink policy
     * @throws java.nio.charset.CharacterCodingException if {@code text} cannot be encoded (nothing written)
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void writeString(Path target, CharSequence text, Charset charset, WriteOptions options)
            throws IOException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(charset, "charset");
        engine(options).write(target, Engine.encode(text, charset), options);
    }

    /**
     * Streams new content into a temp file through {@code body}, then publishes it atomically. The body
     * may close the stream it is given (that only flushes). If the body throws, nothing is published,
     * the temp file is removed and the exception propagates.
     *
     * @param target the file to replace or create; its directory must exist
     * @param options durability, permissions and symlink policy
     * @param body writes the complete new content
     * @throws IOException on failure, including the body's own; see the class documentation
     */
    public static void write(Path target, WriteOptions options, IOConsumer<OutputStream> body) throws IOException {
        engine(options).write(target, options, body);
    }

    /**
     * Opens a stream into a temp file for {@code target}. {@link AtomicOutputStream#commit()} publishes
     * it atomically; {@link AtomicOutputStream#close()} without commit discards it. Use it in
     * try-with-resources and call commit as the block's last statement.
     *
     * @param target the file to replace or create; its directory must exist
     * @param options durability, permissions and symlink policy
     * @return the open stream; the temp file already exists
     * @throws IOException if the temp file cannot be created (the target is untouched)
     */
    public static AtomicOutputStream newOutputStream(Path target, WriteOptions options) throws IOException {
        return engine(options).newOutputStream(target, options);
    }

    /**
     * Copies {@code source} to {@code target} atomically: afterwards {@code target} is a complete copy,
     * and a crash leaves it as it was (or absent), never partial. A new target gets the source's
     * permissions unless {@code options} name others; an existing one keeps its own.
     *
     * @param source the file to copy (symlinks followed)
     * @param target the file to replace or create; its directory must exist
     * @param options durability, permissions and symlink policy for the target
     * @throws java.nio.file.NoSuchFileException if the source does not exist (message names the source)
     * @throws IOException on failure; see the class documentation for what each outcome leaves
     */
    public static void copy(Path source, Path target, WriteOptions options) throws IOException {
        engine(options).copy(source, target, options);
    }

    /**
     * Creates {@code target} with {@code data} only if nothing exists at that path, atomically and
     * durably: the check and the publication are one step (renameat2 RENAME_NOREPLACE; where the file
     * system refuses that flag, a hard link from the temp file then its unlink; never a separate
     * existence check). Of concurrent callers for one path exactly one succeeds.
     *
     * @param target the file to create; its directory must exist
     * @param data the complete content
     * @throws java.nio.file.FileAlreadyExistsException if anything (a symlink included, with
     *     {@link SymlinkPolicy#REPLACE}) exists at {@code target}; it is untouched and no temp is left
     * @throws java.nio.file.AtomicMoveNotSupportedException if the file system has neither
     *     RENAME_NOREPLACE nor hard links, so no atomic create is possible; nothing is created
     * @throws IOException on other failures; see the class documentation
     */
    public static void createNew(Path target, byte[] data) throws IOException {
        createNew(target, data, WriteOptions.defaults());
    }

    /**
     * {@link #createNew(Path, byte[])} with options ({@link WriteOptions#keepBackup()} does not apply).
     *
     * @param target the file to create; its directory must exist
     * @param data the complete content
     * @param options durability, permissions, temp strategy and symlink policy
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists; it is untouched
     * @throws java.nio.file.AtomicMoveNotSupportedException if no atomic create is possible here
     * @throws IOException on other failures; see the class documentation
     */
    public static void createNew(Path target, byte[] data, WriteOptions options) throws IOException {
        Objects.requireNonNull(data, "data");
        engine(options).createNew(target, ByteBuffer.wrap(data), options);
    }

    /**
     * {@link #createNew(Path, byte[], WriteOptions)} with the content streamed through {@code body}, as
     * {@link #write(Path, WriteOptions, IOConsumer)} streams it: any size in constant memory. A target
     * that exists when the call starts fails it before the body runs; one created while the body runs
     * fails the publication, atomically.
     *
     * @param target the file to create; its directory must exist
     * @param options durability, permissions, temp strategy and symlink policy
     * @param body writes the complete content
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists (before the body runs, or
     *     when the temp is published); it is untouched and no temp is left
     * @throws java.nio.file.AtomicMoveNotSupportedException if no atomic create is possible here
     * @throws IOException on other failures, including the body's own; see the class documentation
     */
    public static void createNew(Path target, WriteOptions options, IOConsumer<OutputStream> body)
            throws IOException {
        engine(options).createNew(target, options, body);
    }

    /**
     * Swaps two files or directories atomically (renameat2 RENAME_EXCHANGE; symlinks are swapped, not
     * followed), then fsyncs both parent directories. Readers see either both old names or both
     * swapped, never one missing; after a power cut the swap has happened once this returns.
     *
     * <p>Replacing a whole directory of files at once: build the new version in a sibling directory
     * ({@link #createDirectories}, then writes at {@link Durability#ATOMIC} or better), call
     * {@code exchange(live, staged)}, then delete {@code staged}, which now holds the old version. A
     * crash leaves either the complete old or the complete new directory at {@code live}.
     *
     * @param a one entry; must exist
     * @param b the other entry, on the same file system; must exist
     * @throws java.nio.file.NoSuchFileException if either is missing
     * @throws java.nio.file.AtomicMoveNotSupportedException if the backend (java.nio), kernel or file
     *     system cannot exchange, naming why; nothing changed
     * @throws java.nio.file.FileSystemException ending {@code (EINVAL)} if one is a directory and the other
     *     lies inside it; nothing changed. The kernel refuses both cases with EINVAL, so where this file
     *     system's support is not known yet a capability probe tells them apart (as {@link #probe}, in
     *     {@code a}'s directory; its files are removed before this returns)
     * @throws IOException on other failures; if only the final directory fsync fails, the swap is
     *     visible but may not survive a power cut
     */
    public static void exchange(Path a, Path b) throws IOException {
        engine().exchange(a, b);
    }

    /**
     * Creates a directory and any missing parents, like {@link java.nio.file.Files#createDirectories},
     * and makes the whole chain durable: walking from the root, each component is created if missing
     * and its parent is fsynced, also where the component already existed (another thread or process
     * may have created it and not synced it yet). Once this returns, the directory and the first file
     * written into it both survive a power cut. Components may be symbolic links to directories.
     *
     * <p>Outcomes: returned, the directory exists and every component's entry is durable. Threw, some
     * components may have been created (each complete; a crash likewise leaves a prefix of the chain),
     * none is removed.
     *
     * @param dir the directory
     * @return {@code dir}
     * @throws java.nio.file.FileAlreadyExistsException if a path component exists but is not a directory
     * @throws IOException if a directory cannot be created, opened or synced; the message names {@code dir}
     */
    public static Path createDirectories(Path dir) throws IOException {
        return engine().createDirectories(dir);
    }

    /**
     * Tests, by trying each in {@code dir}, which features the file system holding it supports
     * (RENAME_NOREPLACE, RENAME_EXCHANGE, O_TMPFILE, hard links, directory fsync), and remembers the
     * answers so writes there take the fastest correct path at once. Creates and removes a few files
     * named {@code .durafile-probe.tmp.<uuid>}.
     *
     * @param dir an existing, writable directory
     * @return the report
     * @throws IOException if the probe files cannot be created or removed
     */
    public static FileSystemCapabilities probe(Path dir) throws IOException {
        return engine().probe(dir);
    }

    /**
     * Runs {@link #write(Path, byte[], WriteOptions)} on {@code executor}.
     *
     * @param target the file to replace or create
     * @param data the complete new content (not copied: do not change it until the future completes)
     * @param options durability, permissions and symlink policy
     * @param executor where the write runs
     * @return a future completed when the write has returned, or exceptionally with its IOException;
     *     if {@code executor} refuses the task, a future already failed with its
     *     {@link java.util.concurrent.RejectedExecutionException} (or whatever else it threw; nothing
     *     was written)
     */
    public static CompletableFuture<Void> writeAsync(Path target, byte[] data, WriteOptions options,
            Executor executor) {
        Objects.requireNonNull(executor, "executor");
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    write(target, data, options);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor);
        } catch (RuntimeException e) {
            // RejectedExecutionException, or any other refusal of a broken executor
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reads the whole content of {@code target}. Only the target itself is read, never a temp file
     * {@code <name>.tmp.<uuid>} beside it, so the result is always a complete version that a write
     * published (or the file as someone else wrote it): a crash during a write leaves the target old or
     * new, and a leftover temp file does not change what this returns. Nothing is modified.
     *
     * @param target the file to read (symlinks followed)
     * @return its bytes
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IOException if it cannot be read (a directory, no permission ...)
     */
    public static byte[] readAllBytes(Path target) throws IOException {
        return readAllBytes(target, false);
    }

    /**
     * Reads the whole content of {@code target} as {@link #readAllBytes(Path)} does, and first, if
     * {@code removeStaleTemps} is true, deletes the temp files that crashed writes to it left behind:
     * regular files named exactly {@code <target-name>.tmp.<uuid>} in its directory (and, if the target is
     * a symbolic link, beside its final file) older than {@link TempFileJanitor#DEFAULT_MIN_AGE}. Younger
     * temp files and all other files are left alone. A temp file that cannot be deleted is logged at WARN
     * and does not fail the read; deletions are not made durable (a crash may leave a temp file that a
     * later sweep deletes).
     *
     * @param target the file to read (symlinks followed)
     * @param removeStaleTemps whether to delete the target's stale temp files first
     * @return its bytes
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IOException if it cannot be read (a directory, no permission ...)
     */
    public static byte[] readAllBytes(Path target, boolean removeStaleTemps) throws IOException {
        return Files.readAllBytes(prepareRead(target, removeStaleTemps));
    }

    /**
     * Reads the whole content of {@code target} as UTF-8 text, as {@link #readAllBytes(Path)} does.
     *
     * @param target the file to read (symlinks followed)
     * @return its text
     * @throws java.nio.charset.MalformedInputException if the content is not valid UTF-8
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IOException if it cannot be read (a directory, no permission ...)
     */
    public static String readString(Path target) throws IOException {
        return readString(target, false);
    }

    /**
     * Reads the whole content of {@code target} as UTF-8 text, first deleting its stale temp files if
     * {@code removeStaleTemps} is true, as {@link #readAllBytes(Path, boolean)} does.
     *
     * @param target the file to read (symlinks followed)
     * @param removeStaleTemps whether to delete the target's stale temp files first
     * @return its text
     * @throws java.nio.charset.MalformedInputException if the content is not valid UTF-8
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IOException if it cannot be read (a directory, no permission ...)
     */
    public static String readString(Path target, boolean removeStaleTemps) throws IOException {
        return Files.readString(prepareRead(target, removeStaleTemps), StandardCharsets.UTF_8);
    }

    /**
     * Begins a transaction of several files, all published or none after a crash, with
     * {@link WriteOptions#defaults()} (DURABLE). See {@link FileTransaction} for what a crash leaves.
     *
     * @param journalDir the directory for the transaction's record: created (mode 0700) if missing,
     *     and on the file system of every file the transaction changes; share it between every process
     *     that changes these files. Before this JVM's first transaction on it, it is recovered
     *     ({@link #recover(Path)}).
     * @return the transaction; commit or close it
     * @throws java.nio.file.AccessDeniedException if the journal (by its real path, whatever name ends
     *     it) does not belong to the user this process creates files as (as on a file system that gives
     *     root's new files to another user; the directories this call created are removed again), or is
     *     writable by its group or others (an ACL granting write shows there too), or a directory above it
     *     belongs to someone other than root or that user, or is writable by its group or others without
     *     being sticky: whoever could change the journal could make recovery rename and delete files with
     *     this process's rights; with java.nio also if {@code java.io.tmpdir}, where this process learns
     *     its own user, is not root's or others can rename entries in it
     * @throws java.nio.file.FileSystemException if recovery before it found a committed transaction it
     *     could not finish (see {@link #recover(Path)})
     * @throws IOException if the journal cannot be made or read
     */
    public static FileTransaction transaction(Path journalDir) throws IOException {
        return transaction(journalDir, WriteOptions.defaults());
    }

    /**
     * {@link #transaction(Path)} with {@code options} for every change: durability (see
     * {@link FileTransaction#commit()}), permissions, symlink policy and {@code syncMetadata}. A
     * transaction always uses named temp files ({@link TempStrategy#NAMED}) and syncs each directory
     * once itself.
     *
     * @param journalDir as for {@link #transaction(Path)}
     * @param options the options of every change
     * @return the open transaction; the caller must commit or close it
     * @throws IllegalArgumentException if {@code options} ask for {@link WriteOptions#keepBackup()}
     * @throws IOException as {@link #transaction(Path)} says
     */
    public static FileTransaction transaction(Path journalDir, WriteOptions options) throws IOException {
        return engine(options).transaction(journalDir, options);
    }

    /**
     * Recovers a journal after a crash: each committed transaction whose changes were not all published
     * is finished (its remaining temp files renamed over their targets, its deletes done, each of its
     * directories synced), each uncommitted one is discarded (its temps removed); a transaction still
     * running in this or another process is left alone. A record that is not a valid record of this
     * version is never applied: it is renamed {@code <record>.corrupt} and logged (WARN). Records
     * written by another user are left in place. Idempotent: a crash during recovery is recovered by
     * the next one. Runs by itself before a JVM's first transaction on the journal.
     *
     * @param journalDir the journal directory (created if missing)
     * @return what it did
     * @throws java.nio.file.AccessDeniedException if the journal is not to be trusted, as
     *     {@link #transaction(Path)} says
     * @throws java.nio.file.FileSystemException if a committed transaction could not be finished (its
     *     directory is gone or was replaced, or one of its temps was replaced): every other record was
     *     dealt with, that one is kept, and the message names what blocked it
     */
    public static RecoveryReport recover(Path journalDir) throws IOException {
        return engine().recover(journalDir);
    }

    private static Path prepareRead(Path target, boolean removeStaleTemps) {
        Objects.requireNonNull(target, "target");
        if (target.toString().isEmpty()) {
            throw new IllegalArgumentException("target path is empty");
        }
        if (removeStaleTemps) {
            TempFileJanitor.sweepSiblings(target, TempFileJanitor.DEFAULT_MIN_AGE);
        }
        return target;
    }
}
