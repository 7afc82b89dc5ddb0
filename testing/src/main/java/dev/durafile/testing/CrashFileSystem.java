package dev.durafile.testing;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An in-memory java.nio {@link FileSystem} that simulates power cuts, in the style of SQLite's crash
 * VFS and Lucene's {@code MockDirectoryWrapper.crash()}: run persistence code on its paths, stop it at
 * any operation with {@link #crashBefore}, apply {@link #crash} and check what a restarted program
 * would find. {@link CrashTester} does this at every operation of an action.
 *
 * <h2>What is modelled</h2>
 * <ul>
 *   <li><b>File data.</b> Each file has current content and durable content, the latter as of its last
 *       {@link java.nio.channels.FileChannel#force force(true)} (fsync) or {@code force(false)}
 *       (fdatasync; both make the data <em>and the size</em> durable here). Channels opened with
 *       {@code SYNC} or {@code DSYNC} sync after every write. At a crash, each unsynced 512-byte sector
 *       is lost, kept or zeroed and a changed size becomes the durable or the current one, as the
 *       {@link CrashMode} says.</li>
 *   <li><b>Directory entries.</b> Each directory has durable entries, as of its last fsync (a channel
 *       opened on it with {@code READ}, then {@code force}), and the log of entry operations made on it
 *       since: create, mkdir, link, unlink, rmdir, rename in or out, copy. At a crash each directory
 *       keeps its durable entries plus a <em>prefix</em> of its log, as the {@link DirectoryMode} says.
 *       Each operation is atomic (a rename over an existing file replaces it in one step); a rename
 *       between directories is one operation on both and survives in both or in neither. Syncing a file
 *       does not make its name durable; a new directory and its contents survive only if its own entry in
 *       its parent survives.</li>
 *   <li><b>Hard links</b> share one inode (one content, one durable content).</li>
 *   <li><b>Crash points.</b> Counted operations are the mutating and syncing calls: channel write
 *       (each call, whatever its size), truncate, force, the close of a channel opened for writing,
 *       opening with {@code CREATE}, {@code CREATE_NEW} or {@code TRUNCATE_EXISTING} for writing,
 *       createDirectory, delete, move, copy and createLink. Each is counted when called, before it
 *       checks its arguments, like a system call. {@link #crashBefore crashBefore(n)} makes the
 *       n-th counted operation from then on throw {@link SimulatedCrash} without doing anything, and
 *       from then on every call on this file system (reads included) throws it too: the process is
 *       dead. {@link #crash} then computes the state after the power cut, in place; that state is
 *       durable, the file system is usable again and channels opened before the crash are closed.
 *       {@link #crash} may also be called without a planned crash: a power cut at that moment.</li>
 * </ul>
 *
 * <h2>What is not modelled</h2>
 * A pass means "correct under the rules above", no more. Left out on purpose:
 * <ul>
 *   <li>ordering between directories: each directory's surviving operations are a prefix of its own
 *       log, independently of the others (only a rename ties two directories together); a journaling
 *       file system is usually stricter (ext4 commits all directories together), and one that reorders
 *       the operations within a directory is not modelled;</li>
 *   <li>any ordering between a file's data and the directory operations on its name, other than
 *       what syncs make durable (so the model is harsher than ext4's {@code auto_da_alloc} and other
 *       heuristics that hide missing fsyncs);</li>
 *   <li>block-device write caches, lying disks, reordered or torn writes inside a sector, I/O errors,
 *       full disks;</li>
 *   <li>timestamps, permissions and owners: recorded and reported, never enforced, and not
 *       crash-modelled (they survive with their file);</li>
 *   <li>symbolic links ({@link java.nio.file.Files#createSymbolicLink} throws
 *       {@link UnsupportedOperationException}), memory-mapped files, file locks, watch services,
 *       {@code DELETE_ON_CLOSE}, users, and files larger than about 2 GiB;</li>
 *   <li>the JDK's non-atomic move: a move with {@code REPLACE_EXISTING} and no {@code ATOMIC_MOVE}
 *       replaces atomically here (the JDK on Linux unlinks the target first).</li>
 * </ul>
 *
 * <h2>Paths and threads</h2>
 * Paths have Unix syntax with the single root {@code /}; relative paths resolve against the root. The
 * attribute views are {@code basic} and {@code posix} (plus {@code owner}); the file store's type is
 * {@code "crashfs"}. Every instance is independent; paths of two instances never mix. All operations
 * are thread-safe, serialised by one lock per instance.
 */
public final class CrashFileSystem extends FileSystem {
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final CrashProvider provider;
    private final Kernel kernel;
    private final CrashFileStore store;
    private volatile boolean open = true;

    private CrashFileSystem() {
        this.id = "crashfs-" + IDS.incrementAndGet();
        this.provider = new CrashProvider(this);
        this.kernel = new Kernel(this);
        this.store = new CrashFileStore(id);
    }

    /**
     * Creates an empty file system: only the root directory, which is durable.
     *
     * @return the new file system
     */
    public static CrashFileSystem create() {
        return new CrashFileSystem();
    }

    /** {@return the root directory {@code /}} */
    public Path root() {
        return CrashPath.root(this);
    }

    /** {@return how many counted (mutating or syncing) operations were called so far, crashed ones included} */
    public long operationCount() {
        return kernel.operationCount();
    }

    /**
     * Plans a crash: the {@code n}-th counted operation from now on throws {@link SimulatedCrash} instead
     * of running, and the file system refuses every call from then on until {@link #crash} is applied.
     * Replaces an earlier plan.
     *
     * @param n 1 for the very next counted operation
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if the file system has crashed and {@link #crash} was not applied yet
     */
    public void crashBefore(long n) {
        kernel.crashBefore(n);
    }

    /** Cancels a planned crash that has not happened yet. */
    public void cancelCrash() {
        kernel.cancelCrash();
    }

    /** {@return true from a planned crash until {@link #crash} is applied} */
    public boolean isCrashed() {
        return kernel.crashed() != null;
    }

    /**
     * Simulates a power cut now (or, after a planned crash, at that point): every directory keeps its
     * durable entries plus a prefix of its unsynced entry operations chosen by {@code directories}, and
     * every surviving file's unsynced data is treated as {@code mode} says. The result replaces the
     * state in place and is entirely durable; open channels are closed, any plan is cancelled and the
     * file system is usable again. The same history with the same arguments always gives the same state.
     *
     * @param mode what happens to unsynced file data
     * @param directories which unsynced entry operations survive
     * @param seed the source of every random choice (for {@link CrashMode#TORN_RANDOM} and
     *     {@link DirectoryMode#RANDOM_PREFIX})
     */
    public void crash(CrashMode mode, DirectoryMode directories, long seed) {
        kernel.crash(Objects.requireNonNull(mode, "mode"), Objects.requireNonNull(directories, "directories"), seed);
    }

    /**
     * Makes everything durable, as {@code sync(2)} followed by a clean shutdown would: for example at the
     * end of a test's setup, so that only the code under test has unsynced state. Not a counted operation.
     *
     * @throws IllegalStateException if the file system has crashed and {@link #crash} was not applied yet
     */
    public void syncAll() {
        kernel.syncAll();
    }

    String id() {
        return id;
    }

    Kernel kernel() {
        return kernel;
    }

    CrashFileStore store() {
        return store;
    }

    /** {@return the crash that stopped the file system, or null if it is running} */
    SimulatedCrash crashedBy() {
        return kernel.crashed();
    }

    /** {@return this file system's own provider (scheme {@code durafile-crash}; not installed)} */
    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    /** Closes this file system: every later operation on its paths throws {@link java.nio.file.ClosedFileSystemException}. */
    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** {@return false} */
    @Override
    public boolean isReadOnly() {
        return false;
    }

    /** {@return {@code "/"}} */
    @Override
    public String getSeparator() {
        return "/";
    }

    /** {@return the root {@code /}} */
    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(root());
    }

    /** {@return the single store, of type {@code "crashfs"}} */
    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of(store);
    }

    /** {@return {@code basic} and {@code posix}} */
    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix");
    }

    /**
     * @param first the path string or its first part
     * @param more further parts, joined with {@code /}
     * @return the path, absolute if it starts with {@code /}
     */
    @Override
    public Path getPath(String first, String... more) {
        return CrashPath.parse(this, first, more);
    }

    /**
     * @param syntaxAndPattern {@code glob:} (with {@code * ** ? [...] {a,b}} and {@code \} escapes) or
     *     {@code regex:}, matched against the whole path string
     * @return the matcher
     */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected syntax:pattern, got " + syntaxAndPattern);
        }
        String syntax = syntaxAndPattern.substring(0, colon).toLowerCase(Locale.ROOT);
        String pattern = syntaxAndPattern.substring(colon + 1);
        Pattern regex;
        if (syntax.equals("regex")) {
            regex = Pattern.compile(pattern);
        } else if (syntax.equals("glob")) {
            regex = Pattern.compile(globToRegex(pattern));
        } else {
            throw new UnsupportedOperationException("syntax '" + syntax + "' not recognized");
        }
        return path -> regex.matcher(path.toString()).matches();
    }

    private static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*':
                    boolean twice = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                    re.append(twice ? ".*" : "[^/]*");
                    i += twice ? 1 : 0;
                    break;
                case '?':
                    re.append("[^/]");
                    break;
                case '[':
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        throw new PatternSyntaxException("missing ']'", glob, i);
                    }
                    String set = glob.substring(i + 1, close);
                    re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
                    i = close;
                    break;
                case '{':
                    re.append("(?:");
                    inGroup = true;
                    break;
                case '}':
                    re.append(inGroup ? ")" : "\\}");
                    inGroup = false;
                    break;
                case ',':
                    re.append(inGroup ? "|" : ",");
                    break;
                case '\\':
                    if (++i < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    }
                    break;
                default:
                    re.append(Pattern.quote(String.valueOf(c)));
                    break;
            }
        }
        return re.toString();
    }

    /** {@return a lookup service that makes a principal of any name (ownership is never enforced)} */
    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new UserPrincipalLookupService() {
            @Override
            public CrashPrincipal lookupPrincipalByName(String name) {
                return new CrashPrincipal(name);
            }

            @Override
            public CrashPrincipal lookupPrincipalByGroupName(String group) {
                return new CrashPrincipal(group);
            }
        };
    }

    /** Always refused: no watch service is modelled. */
    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("CrashFileSystem has no watch service");
    }

    @Override
    public String toString() {
        return "CrashFileSystem[" + id + "]";
    }
}
