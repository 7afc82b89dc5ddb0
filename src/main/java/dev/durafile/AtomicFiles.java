package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

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
 *       a later sweep of temp files removes it.</li>
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
 * <h2>Backends</h2>
 * {@code panama} (JDK 22+ with {@code --enable-native-access}), {@code jna} or {@code nio}, chosen once
 * when this class is first used, overridable with {@code -Ddurafile.backend=auto|panama|jna|nio}; see
 * {@link #backendName()}. Paths of file systems other than the default one always use java.nio.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    private static final class Holder {
        static final Engine ENGINE = new Engine(Backends.choose().binding());
    }

    private static Engine engine() {
        return Holder.ENGINE;
    }

    /** @return the backend in use: {@code "panama"}, {@code "jna"} or {@code "nio"} */
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
        engine().write(target, ByteBuffer.wrap(data), options);
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
        ByteBuffer bytes = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
        engine().write(target, bytes, options);
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
        engine().write(target, options, body);
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
        return engine().newOutputStream(target, options);
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
        engine().copy(source, target, options);
    }
}
