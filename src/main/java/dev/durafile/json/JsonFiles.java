package dev.durafile.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.durafile.AtomicFiles;
import dev.durafile.SymlinkPolicy;
import dev.durafile.WriteOptions;
import dev.durafile.internal.LockFiles;
import dev.durafile.internal.Name;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One JSON value per file, written atomically and durably through {@link AtomicFiles}, read back
 * strictly, and updated read-modify-write under a lock that excludes other threads and other processes.
 *
 * <p>Needs {@code com.fasterxml.jackson.core:jackson-databind} on the class path: it is an optional
 * dependency of durafile. Without it, the first use of this class fails with {@link NoClassDefFoundError}.
 *
 * <h2>Writes</h2>
 * A value is serialized straight into the temp file of an atomic write, so every outcome of
 * {@link AtomicFiles#write(Path, WriteOptions, dev.durafile.IOConsumer)} applies: the file holds the
 * complete old or the complete new document, also after a crash or kill -9; a failed serialization
 * publishes nothing and removes its temp file. The default {@link ObjectMapper} is Jackson's, with
 * indented output ({@link SerializationFeature#INDENT_OUTPUT}).
 *
 * <h2>Reads</h2>
 * A read takes the whole file as exactly one JSON value of the requested type and never returns
 * {@code null}: an empty file, a truncated or malformed document, trailing content, a value of the wrong
 * shape and a literal {@code null} are all an {@link IOException} whose message starts with the file's
 * path (Jackson's exception, if any, is its cause). Temp files of unfinished writes are never read.
 *
 * <h2>Updates</h2>
 * {@link #update(Path, Class, Supplier, UnaryOperator, ObjectMapper, WriteOptions) update} reads the
 * file, applies a function and writes the result while holding two locks: one per file within this JVM,
 * and an advisory {@link FileChannel#lock() lock} (a POSIX {@code fcntl} record lock on Linux) on the
 * sibling <em>lock file</em> {@code <name>.lock}. Concurrent updates of one file therefore never lose
 * each other's changes, whether they run in threads of one JVM or in several processes. The lock file
 * is created empty by the first update and never deleted: deleting it while another process may be
 * updating breaks the exclusion between processes; it may be removed once no process uses the file.
 * The lock is advisory: plain {@link #write writes}, and other programs that do not lock
 * {@code <name>.lock} the same way, are not excluded (their writes are still atomic, but an update may
 * overwrite them). The operating system releases the lock of a process that dies, so a crash never
 * leaves a stale lock behind.
 *
 * <p>All methods are thread-safe. Null arguments throw {@link NullPointerException}.
 */
public final class JsonFiles {
    private static final ObjectMapper DEFAULT_MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final String LOCK_SUFFIX = ".lock";
    /**
     * The lock file's mode (less the umask): its owner's and group's to lock, nobody else's: another
     * user who could open it could hold a lock on it and stall every update.
     */
    private static final int LOCK_FILE_MODE = 0660;
    /**
     * Per-file locks of this JVM, keyed by the lock file's directory identity and name; an entry lives
     * while a thread holds or awaits it.
     */
    private static final ConcurrentHashMap<Object, LocalLock> LOCKS = new ConcurrentHashMap<>();
    /** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
    private static final int MAX_SYMLINKS = 40;

    private JsonFiles() {
    }

    /**
     * Writes {@code value} as indented JSON to {@code target}, atomically and durably
     * ({@link WriteOptions#defaults()}).
     *
     * @param target the file to replace or create; its directory must exist
     * @param value the value to serialize; not null
     * @throws IOException if serialization fails (the message names {@code target}; the cause is
     *     Jackson's exception) or the write fails: either way the target is exactly as it was (or still
     *     absent) and no temp file remains. A crash leaves the complete old or new document and perhaps a
     *     temp file {@code <name>.tmp.<uuid>}, never read as the target; see {@link AtomicFiles}
     */
    public static void write(Path target, Object value) throws IOException {
        write(target, value, DEFAULT_MAPPER, WriteOptions.defaults());
    }

    /**
     * Writes {@code value} as JSON with {@code mapper} to {@code target}, atomically, as {@code options}
     * say. Jackson may close the stream it writes to ({@code AUTO_CLOSE_TARGET}); that does not publish.
     *
     * @param target the file to replace or create; its directory must exist
     * @param value the value to serialize; not null
     * @param mapper the mapper that serializes {@code value}
     * @param options durability, permissions and symlink policy
     * @throws IOException if serialization fails (the message names {@code target}; the cause is
     *     Jackson's exception) or the write fails: either way the target is exactly as it was (or still
     *     absent) and no temp file remains. A crash leaves the complete old or new document and perhaps a
     *     temp file {@code <name>.tmp.<uuid>}, never read as the target; see {@link AtomicFiles}
     */
    public static void write(Path target, Object value, ObjectMapper mapper, WriteOptions options)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(mapper, "mapper");
        try {
            AtomicFiles.write(target, options, out -> mapper.writeValue(out, value));
        } catch (JsonProcessingException e) {
            throw new IOException(target + ": cannot serialize " + value.getClass().getName() + " as JSON: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code file} as one JSON value of {@code type} with the default mapper.
     *
     * @param <T> the value's type
     * @param file the file to read
     * @param type the value's class
     * @return the value; never null
     * @throws NoSuchFileException if {@code file} does not exist
     * @throws FileSystemException if it is not a regular file (a directory, FIFO, device or socket),
     *     which is never opened
     * @throws IOException if the file is empty, truncated, malformed, has content after the value, does
     *     not match {@code type} or holds {@code null} (the message starts with the path; the cause is
     *     Jackson's exception where there is one), or cannot be read
     */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        return read(file, type, DEFAULT_MAPPER);
    }

    /**
     * Reads {@code file} as one JSON value of {@code type} with {@code mapper}. Content after the value
     * is an error whatever the mapper's own setting.
     *
     * @param <T> the value's type
     * @param file the file to read
     * @param type the value's class
     * @param mapper the mapper that deserializes the value
     * @return the value; never null
     * @throws NoSuchFileException if {@code file} does not exist
     * @throws FileSystemException if it is not a regular file (a directory, FIFO, device or socket),
     *     which is never opened
     * @throws IOException if the file is empty, truncated, malformed, has content after the value, does
     *     not match {@code type} or holds {@code null} (the message starts with the path; the cause is
     *     Jackson's exception where there is one), or cannot be read
     */
    public static <T> T read(Path file, Class<T> type, ObjectMapper mapper) throws IOException {
        return read(file, type, mapper, SymlinkPolicy.FOLLOW);
    }

    /**
     * Reads a regular file only: a FIFO would block the read (an update would hold its locks meanwhile),
     * and opening a device can have side effects; with REPLACE a symbolic link is not read through.
     * (Swapped in between this check and the open, one still is opened: java.nio has no O_NONBLOCK.)
     */
    private static <T> T read(Path file, Class<T> type, ObjectMapper mapper, SymlinkPolicy policy)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        LinkOption[] noFollow = policy == SymlinkPolicy.REPLACE ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS}
                : new LinkOption[0];
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, noFollow);
        if (a.isSymbolicLink()) {
            throw new FileSystemException(file.toString(), null, "read failed: it is a symbolic link, which"
                    + " SymlinkPolicy.REPLACE never reads through");
        }
        if (!a.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "read failed: it is not a regular file ("
                    + (a.isDirectory() ? "a directory" : "a FIFO, device or socket") + ")");
        }
        T value;
        try (InputStream in = Files.newInputStream(file, noFollow)) {
            value = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(in);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid JSON " + type.getName() + ": " + e.getMessage(), e);
        }
        if (value == null) {
            throw new IOException(file + ": holds JSON null, not a " + type.getName());
        }
        return value;
    }

    /**
     * Updates an existing file: under the per-file locks described in the class documentation, reads
     * the value with the default mapper, applies {@code operator} and writes the result durably.
     *
     * @param <T> the value's type
     * @param file the file to update; it must exist
     * @param type the value's class
     * @param operator computes the new value from the current one; must not return null
     * @return the value written
     * @throws NoSuchFileException if {@code file} does not exist (no lock file is created then)
     * @throws IOException as {@link #update(Path, Class, Supplier, UnaryOperator, ObjectMapper, WriteOptions)}
     */
    public static <T> T update(Path file, Class<T> type, UnaryOperator<T> operator) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return lockedUpdate(file, type, null, operator, DEFAULT_MAPPER, WriteOptions.defaults());
    }

    /**
     * Updates or creates a file with the default mapper, durably: as
     * {@link #update(Path, Class, Supplier, UnaryOperator, ObjectMapper, WriteOptions)}.
     *
     * @param <T> the value's type
     * @param file the file to update or create; its directory must exist
     * @param type the value's class
     * @param initial supplies the value {@code operator} starts from when {@code file} does not exist;
     *     must not return null
     * @param operator computes the new value from the current one; must not return null
     * @return the value written
     * @throws IOException as {@link #update(Path, Class, Supplier, UnaryOperator, ObjectMapper, WriteOptions)}
     */
    public static <T> T update(Path file, Class<T> type, Supplier<? extends T> initial, UnaryOperator<T> operator)
            throws IOException {
        return update(file, type, initial, operator, DEFAULT_MAPPER, WriteOptions.defaults());
    }

    /**
     * Read-modify-write, atomic across threads and processes: takes this JVM's lock for {@code file},
     * then an exclusive advisory lock on the lock file {@code <name>.lock} in the same directory (created
     * empty if absent, never deleted), waiting as long as another thread or process holds them; reads
     * the current value ({@code initial}'s when the file does not exist); applies {@code operator}; writes
     * the result atomically as {@code options} say; releases both locks.
     *
     * <p>Outcomes:
     * <ul>
     *   <li>Returned: the file holds the returned value, and no other update ran in between.</li>
     *   <li>Threw: the file is exactly as it was (or still absent) and holds no partial write. This
     *       covers an unreadable or corrupt file (an {@link IOException} naming it, which is never
     *       overwritten), an operator or supplier that throws (its exception propagates unchanged) or
     *       returns null ({@link NullPointerException}), and every failure of the write itself.</li>
     *   <li>Crashed (kill -9, power cut): the file holds the complete old or new value (at the durability
     *       of {@code options}), a temp file {@code <name>.tmp.<uuid>} may remain, and the lock is released
     *       with the dead process, so later updates proceed.</li>
     * </ul>
     * The operator runs with the locks held: keep it short; do not update the same file from inside it
     * (that throws {@link java.nio.channels.OverlappingFileLockException} before anything is opened, and
     * the outer update keeps both its locks), and update other files from inside it
     * only in an order every thread and process keeps, or two updates may wait for each other forever.
     * The lock file sits beside the file the update writes: with {@link SymlinkPolicy#FOLLOW} (the
     * default) the final target of any symbolic links, in its directory as the kernel resolves the
     * path (through links, {@code ..} and bind mounts), so any two spellings of one file share the
     * locks; the file name must leave room for the suffix {@code .lock}. The lock file is opened relative
     * to its directory and never through a symbolic link: a symbolic link, directory, FIFO, device or
     * socket at its name, or a lock file with a second hard link, is refused with a
     * {@link FileSystemException} naming it, and nothing is read or written. The file itself must be a
     * regular file or absent: a directory, FIFO, device or socket is refused before any lock file is
     * created; with {@link SymlinkPolicy#REPLACE} so is a symbolic link (that policy never reads through
     * one). With FOLLOW, a link's target is trusted as the write trusts it: the lock file is created
     * beside that target, wherever it is; in a directory others can write, use REPLACE.
     *
     * @param <T> the value's type
     * @param file the file to update or create; its directory must exist
     * @param type the value's class
     * @param initial supplies the value {@code operator} starts from when {@code file} does not exist;
     *     must not return null
     * @param operator computes the new value from the current one; must not return null
     * @param mapper reads and writes the value
     * @param options durability, permissions and symlink policy of the write
     * @return the value written
     * @throws NoSuchFileException if the directory of {@code file} does not exist
     * @throws InterruptedIOException if interrupted while waiting for another thread of this JVM
     * @throws java.nio.channels.FileLockInterruptionException if interrupted while waiting for another
     *     process
     * @throws IOException if the lock file cannot be opened or locked, the file cannot be read or is not
     *     a valid JSON value of {@code type} (the message names it), or the write fails; see
     *     {@link #write(Path, Object, ObjectMapper, WriteOptions)}
     */
    public static <T> T update(Path file, Class<T> type, Supplier<? extends T> initial, UnaryOperator<T> operator,
            ObjectMapper mapper, WriteOptions options) throws IOException {
        Objects.requireNonNull(initial, "initial");
        return lockedUpdate(file, type, initial, operator, mapper, options);
    }

    /** The update; a null {@code initial} means the file must exist. */
    private static <T> T lockedUpdate(Path file, Class<T> type, Supplier<? extends T> initial,
            UnaryOperator<T> operator, ObjectMapper mapper, WriteOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(options, "options");
        LockSite site = lockSiteOf(file, options.symlinkPolicy());
        Path lockFile = site.dir.resolve(site.lockName);
        LocalLock local = lockLocally(site.key, lockFile);
        if (local.lock.getHoldCount() > 1) {
            // a second channel on the lock file would, once closed, drop the outer update's lock too
            local.lock.unlock();
            forget(site.key);
            throw new OverlappingFileLockException();
        }
        try (FileChannel channel = LockFiles.open(site.dir, site.lockName, "open lock file", LOCK_FILE_MODE)) {
            // the file lock is released when the channel closes
            channel.lock();
            T current = readOrInitial(file, type, initial, mapper, options.symlinkPolicy());
            T updated = Objects.requireNonNull(operator.apply(current), () -> "operator returned null for " + file);
            write(file, updated, mapper, options);
            return updated;
        } finally {
            local.lock.unlock();
            forget(site.key);
        }
    }

    private static <T> T readOrInitial(Path file, Class<T> type, Supplier<? extends T> initial, ObjectMapper mapper,
            SymlinkPolicy policy) throws IOException {
        try {
            return read(file, type, mapper, policy);
        } catch (NoSuchFileException e) {
            if (initial == null) {
                throw e;
            }
            return Objects.requireNonNull(initial.get(), () -> "initial value supplier returned null for " + file);
        }
    }

    /**
     * @param file the file as the caller named it, for messages
     * @param p what it leads to: with FOLLOW its links' final target, with REPLACE the name itself
     * @throws FileSystemException if something other than a regular file is there: a directory, FIFO,
     *     device or socket (opening some blocks or has side effects), or with REPLACE a symbolic link,
     *     which that policy never reads through
     */
    private static void requireRegularOrAbsent(Path file, Path p, SymlinkPolicy policy) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (a.isSymbolicLink() && policy == SymlinkPolicy.REPLACE) {
            throw new FileSystemException(file.toString(), null, "update failed: it is a symbolic link, which"
                    + " SymlinkPolicy.REPLACE never reads through");
        }
        if (!a.isRegularFile() && !a.isSymbolicLink()) {
            throw new FileSystemException(file.toString(), null, "update failed: it is not a regular file ("
                    + (a.isDirectory() ? "a directory" : "a FIFO, device or socket") + ")");
        }
    }

    /** Where an update of one file locks: its lock file, and the key of this JVM's lock for it. */
    private static final class LockSite {
        /** The lock file's directory, symbolic links resolved. */
        final Path dir;
        /** The lock file's name in it, with the bytes of the file's own name. */
        final Path lockName;
        /** The lock file's directory's identity (st_dev, st_ino) and its name: the same for every spelling. */
        final Object key;

        LockSite(Path dir, Path lockName, Object key) {
            this.dir = dir;
            this.lockName = lockName;
            this.key = key;
        }
    }

    /**
     * {@return {@code <name>.lock} beside the file the update writes: with {@link SymlinkPolicy#FOLLOW}
     * the final target of a chain of symbolic links, in its directory as the kernel resolves it
     * ({@code link/..} is the parent of the link's target, not the link's directory); keyed by that
     * directory's identity, so that any two spellings of one file, bind mounts included, share the
     * locks}
     */
    private static LockSite lockSiteOf(Path file, SymlinkPolicy policy) throws IOException {
        Path p = file.toAbsolutePath();
        for (int hops = 0; policy == SymlinkPolicy.FOLLOW && Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_SYMLINKS) {
                throw new FileSystemException(file.toString(), null,
                        "resolve symbolic link failed: too many levels of symbolic links (ELOOP)");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
        Path name = p.getFileName();
        if (file.toString().isEmpty() || name == null || name.toString().equals(".")
                || name.toString().equals("..")) {
            throw new IllegalArgumentException("not a file path: " + file);
        }
        // nothing is created (no lock file) for a file that cannot be updated
        requireRegularOrAbsent(file, p, policy);
        Path dir = p.getParent().toRealPath();
        Name lockName = Name.of(name).plus(LOCK_SUFFIX);
        Object id = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        return new LockSite(dir, lockName.path(), List.of(id != null ? id : dir, lockName));
    }

    private static LocalLock lockLocally(Object key, Path lockFile) throws InterruptedIOException {
        LocalLock entry = LOCKS.compute(key, (k, existing) -> {
            LocalLock used = existing == null ? new LocalLock() : existing;
            used.users++;
            return used;
        });
        try {
            entry.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            forget(key);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to update " + lockFile);
        }
        return entry;
    }

    /** Drops one use of {@code key}'s entry, removing the entry when nobody holds or awaits it. */
    private static void forget(Object key) {
        LOCKS.computeIfPresent(key, (k, entry) -> --entry.users == 0 ? null : entry);
    }

    /** {@return how many files this JVM currently holds or awaits an update lock for (for tests)} */
    static int lockedFileCount() {
        return LOCKS.size();
    }

    /** This JVM's lock for one file; {@code users} is only touched inside {@link #LOCKS}' atomic compute. */
    private static final class LocalLock {
        private final ReentrantLock lock = new ReentrantLock();
        private int users;
    }
}
