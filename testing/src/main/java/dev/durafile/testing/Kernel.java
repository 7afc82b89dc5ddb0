package dev.durafile.testing;

import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state of one {@link CrashFileSystem} and every operation on it, under one lock (this object).
 * Mutating and syncing operations go through {@link #beginOp}, which counts them, fires the planned
 * crash and refuses everything once crashed; reads go through {@link #checkAlive}.
 */
final class Kernel {
    static final Set<PosixFilePermission> FILE_DEFAULT = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> DIR_DEFAULT = PosixFilePermissions.fromString("rwxr-xr-x");

    private final CrashFileSystem fs;
    final DirNode root;
    private long nextId = 1;
    private long operations;
    /** The operation number before which to crash, or 0 for no plan. */
    private long crashAt;
    private long plannedFrom;
    private SimulatedCrash crashed;
    /** Directories with a non-empty log, in the order they became so. */
    final Set<DirNode> dirty = new LinkedHashSet<>();
    private final Set<CrashChannel> openChannels = Collections.newSetFromMap(new IdentityHashMap<>());

    Kernel(CrashFileSystem fs) {
        this.fs = fs;
        this.root = new DirNode(nextId++, DIR_DEFAULT);
    }

    // ---- the harness

    synchronized long operationCount() {
        return operations;
    }

    synchronized void crashBefore(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("the crash point counts from 1: " + n);
        }
        requireRunning();
        plannedFrom = operations;
        crashAt = operations + n;
    }

    synchronized void cancelCrash() {
        crashAt = 0;
    }

    synchronized SimulatedCrash crashed() {
        return crashed;
    }

    synchronized void syncAll() {
        requireRunning();
        Deque<DirNode> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            DirNode d = todo.pop();
            d.sync();
            for (Node n : d.entries.values()) {
                if (n instanceof DirNode) {
                    todo.push((DirNode) n);
                } else {
                    ((FileNode) n).sync();
                }
            }
        }
        for (DirNode d : dirty) {
            d.sync();
        }
        dirty.clear();
    }

    synchronized void crash(CrashMode mode, DirectoryMode directories, long seed) {
        Recovery.apply(this, mode, directories, seed);
        for (CrashChannel ch : new ArrayList<>(openChannels)) {
            ch.kill();
        }
        openChannels.clear();
        crashed = null;
        crashAt = 0;
    }

    private void requireRunning() {
        if (crashed != null) {
            throw new IllegalStateException("the file system crashed (" + crashed.getMessage()
                    + "); apply crash(...) first");
        }
    }

    // ---- counting, crashing, guarding

    /** Counts a mutating or syncing operation; throws {@link SimulatedCrash} if it is the planned one or after it. */
    void beginOp(String description) {
        checkAlive();
        operations++;
        if (operations == crashAt) {
            crashAt = 0;
            crashed = new SimulatedCrash(operations - plannedFrom, description,
                    "simulated crash before operation #" + (operations - plannedFrom) + ": " + description, true);
            throw crashed;
        }
    }

    /** Throws if the file system is closed or crashed. */
    void checkAlive() {
        if (!fs.isOpen()) {
            throw new ClosedFileSystemException();
        }
        if (crashed != null) {
            throw new SimulatedCrash(crashed.operationNumber(), crashed.operation(),
                    "the file system crashed before operation #" + crashed.operationNumber() + " ("
                            + crashed.operation() + "); every call fails until crash(...) is applied", false);
        }
    }

    private long newId() {
        return nextId++;
    }

    private CrashPath own(Path p) {
        CrashPath c = CrashPath.cast(p);
        if (c.getFileSystem() != fs) {
            throw new ProviderMismatchException("path of another CrashFileSystem: " + p);
        }
        return c;
    }

    /** Where a path leads: its parent directory and name (both null for the root) and what is there, if anything. */
    private static final class Located {
        final DirNode parent;
        final String name;
        final Node node;

        Located(DirNode parent, String name, Node node) {
            this.parent = parent;
            this.name = name;
            this.node = node;
        }
    }

    private Located locate(Path path) throws IOException {
        CrashPath p = own(path);
        List<String> names = ((CrashPath) p.toAbsolutePath().normalize()).names();
        if (names.isEmpty()) {
            return new Located(null, null, root);
        }
        DirNode dir = root;
        for (String name : names.subList(0, names.size() - 1)) {
            Node n = dir.entries.get(name);
            if (n == null) {
                throw new NoSuchFileException(path.toString());
            }
            if (!(n instanceof DirNode)) {
                throw new FileSystemException(path.toString(), null, "Not a directory");
            }
            dir = (DirNode) n;
        }
        String name = names.get(names.size() - 1);
        return new Located(dir, name, dir.entries.get(name));
    }

    private Node existing(Path path) throws IOException {
        Node n = locate(path).node;
        if (n == null) {
            throw new NoSuchFileException(path.toString());
        }
        return n;
    }

    private void record(EntryOp op) {
        for (DirNode d : op.directories()) {
            op.applyTo(d, d.entries);
            d.log.add(op);
            d.touch();
            dirty.add(d);
        }
    }

    private static Set<PosixFilePermission> initialPermissions(FileAttribute<?>[] attrs, Set<PosixFilePermission> dflt) {
        Set<PosixFilePermission> perms = dflt;
        for (FileAttribute<?> a : attrs) {
            if (!a.name().equals("posix:permissions")) {
                throw new UnsupportedOperationException("'" + a.name() + "' not supported as initial attribute");
            }
            perms = permissions(a.value());
        }
        return perms;
    }

    /** {@return {@code value} as a set of permissions, checking each element} */
    static Set<PosixFilePermission> permissions(Object value) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (Object o : (Set<?>) value) {
            perms.add((PosixFilePermission) o);
        }
        return perms;
    }

    // ---- operations on paths

    synchronized CrashChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>[] attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (!(o instanceof StandardOpenOption) && o != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("unsupported open option " + o);
            }
        }
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean write = append || options.contains(StandardOpenOption.WRITE);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        boolean truncate = write && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
        if (append && (read || truncate)) {
            throw new IllegalArgumentException("APPEND cannot be combined with READ or TRUNCATE_EXISTING");
        }
        if (options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("DELETE_ON_CLOSE is not supported by CrashFileSystem");
        }
        boolean createNew = write && options.contains(StandardOpenOption.CREATE_NEW);
        boolean create = createNew || write && options.contains(StandardOpenOption.CREATE);
        if (create || truncate) {
            Set<String> names = new TreeSet<>();
            for (OpenOption o : options) {
                names.add(o.toString());
            }
            beginOp("open" + names + " " + path);
        } else {
            checkAlive();
        }
        Set<PosixFilePermission> perms = initialPermissions(attrs, FILE_DEFAULT);
        Located at = locate(path);
        Node node = at.node;
        if (node != null && createNew) {
            throw new FileAlreadyExistsException(path.toString());
        }
        if (node == null) {
            if (!create) {
                throw new NoSuchFileException(path.toString());
            }
            node = new FileNode(newId(), perms);
            record(EntryOp.put(at.parent, at.name, node));
        } else if (node instanceof DirNode && write) {
            throw new FileSystemException(path.toString(), null, "Is a directory");
        } else if (truncate) {
            ((FileNode) node).truncate(0);
        }
        boolean sync = options.contains(StandardOpenOption.SYNC) || options.contains(StandardOpenOption.DSYNC);
        CrashChannel ch = new CrashChannel(this, node, path.toString(), read, write, append, sync);
        openChannels.add(ch);
        return ch;
    }

    synchronized void createDirectory(Path dir, FileAttribute<?>[] attrs) throws IOException {
        beginOp("mkdir " + dir);
        Set<PosixFilePermission> perms = initialPermissions(attrs, DIR_DEFAULT);
        Located at = locate(dir);
        if (at.node != null) {
            throw new FileAlreadyExistsException(dir.toString());
        }
        record(EntryOp.put(at.parent, at.name, new DirNode(newId(), perms)));
    }

    synchronized void delete(Path path) throws IOException {
        beginOp("unlink " + path);
        Located at = locate(path);
        if (at.node == null) {
            throw new NoSuchFileException(path.toString());
        }
        if (at.parent == null) {
            throw new FileSystemException(path.toString(), null, "Device or resource busy");
        }
        if (at.node instanceof DirNode && !((DirNode) at.node).entries.isEmpty()) {
            throw new DirectoryNotEmptyException(path.toString());
        }
        record(EntryOp.remove(at.parent, at.name));
    }

    synchronized void createLink(Path link, Path target) throws IOException {
        beginOp("link " + link + " -> " + target);
        Node existing = existing(target);
        if (existing instanceof DirNode) {
            throw new FileSystemException(link.toString(), target.toString(), "Operation not permitted");
        }
        Located at = locate(link);
        if (at.node != null) {
            throw new FileAlreadyExistsException(link.toString());
        }
        record(EntryOp.put(at.parent, at.name, existing));
    }

    synchronized void move(Path source, Path target, CopyOption[] options) throws IOException {
        beginOp("rename " + source + " -> " + target);
        Set<CopyOption> opts = copyOptions(options, true);
        Located from = locate(source);
        if (from.node == null) {
            throw new NoSuchFileException(source.toString());
        }
        Located to = locate(target);
        if (from.parent == null || to.parent == null) {
            throw new FileSystemException(source.toString(), target.toString(), "Device or resource busy");
        }
        if (to.node == from.node) {
            return;
        }
        Path src = own(source).toAbsolutePath().normalize();
        if (from.node instanceof DirNode && own(target).toAbsolutePath().normalize().startsWith(src)) {
            throw new FileSystemException(source.toString(), target.toString(), "Invalid argument");
        }
        if (to.node != null) {
            checkReplaceable(source, target, from.node, to.node,
                    opts.contains(StandardCopyOption.ATOMIC_MOVE) || opts.contains(StandardCopyOption.REPLACE_EXISTING));
        }
        record(EntryOp.rename(from.parent, from.name, to.parent, to.name, from.node));
    }

    synchronized void copy(Path source, Path target, CopyOption[] options) throws IOException {
        beginOp("copy " + source + " -> " + target);
        Set<CopyOption> opts = copyOptions(options, false);
        Node from = existing(source);
        Located to = locate(target);
        if (to.node == from) {
            return;
        }
        if (to.parent == null) {
            throw new FileAlreadyExistsException(target.toString());
        }
        if (to.node != null) {
            checkReplaceable(source, target, from, to.node, opts.contains(StandardCopyOption.REPLACE_EXISTING));
        }
        Node copy;
        if (from instanceof DirNode) {
            copy = new DirNode(newId(), from.permissions);
        } else {
            FileNode f = new FileNode(newId(), from.permissions);
            f.install(((FileNode) from).current(), false);
            copy = f;
        }
        if (opts.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
            copy.created = from.created;
            copy.modified = from.modified;
            copy.accessed = from.accessed;
        }
        record(EntryOp.put(to.parent, to.name, copy));
    }

    private static Set<CopyOption> copyOptions(CopyOption[] options, boolean move) {
        Set<CopyOption> opts = new LinkedHashSet<>(Arrays.asList(options));
        for (CopyOption o : opts) {
            boolean known = o == StandardCopyOption.REPLACE_EXISTING || o == StandardCopyOption.COPY_ATTRIBUTES
                    || o == LinkOption.NOFOLLOW_LINKS || move && o == StandardCopyOption.ATOMIC_MOVE;
            if (!known) {
                throw new UnsupportedOperationException("unsupported copy option " + o);
            }
        }
        return opts;
    }

    private static void checkReplaceable(Path source, Path target, Node from, Node existing, boolean replace)
            throws IOException {
        if (!replace) {
            throw new FileAlreadyExistsException(target.toString());
        }
        if (existing instanceof DirNode) {
            if (!(from instanceof DirNode)) {
                throw new FileSystemException(source.toString(), target.toString(), "Is a directory");
            }
            if (!((DirNode) existing).entries.isEmpty()) {
                throw new DirectoryNotEmptyException(target.toString());
            }
        } else if (from instanceof DirNode) {
            throw new FileSystemException(source.toString(), target.toString(), "Not a directory");
        }
    }

    synchronized List<Path> list(Path dir) throws IOException {
        checkAlive();
        Node n = existing(dir);
        if (!(n instanceof DirNode)) {
            throw new NotDirectoryException(dir.toString());
        }
        List<Path> children = new ArrayList<>();
        for (String name : ((DirNode) n).entries.keySet()) {
            children.add(dir.resolve(name));
        }
        return children;
    }

    synchronized CrashAttributes attributes(Path path) throws IOException {
        checkAlive();
        return new CrashAttributes(existing(path));
    }

    synchronized void checkAccess(Path path) throws IOException {
        checkAlive();
        existing(path);
    }

    synchronized boolean isSameFile(Path a, Path b) throws IOException {
        checkAlive();
        return a.equals(b) || existing(a) == existing(b);
    }

    synchronized Path realPath(Path path) throws IOException {
        checkAlive();
        existing(path);
        return own(path).toAbsolutePath().normalize();
    }

    synchronized void setPermissions(Path path, Set<PosixFilePermission> perms) throws IOException {
        checkAlive();
        existing(path).permissions = Node.copy(perms);
    }

    synchronized void setOwner(Path path, UserPrincipal owner) throws IOException {
        checkAlive();
        existing(path).owner = owner;
    }

    synchronized void setGroup(Path path, GroupPrincipal group) throws IOException {
        checkAlive();
        existing(path).group = group;
    }

    synchronized void setTimes(Path path, FileTime modified, FileTime accessed, FileTime created) throws IOException {
        checkAlive();
        Node n = existing(path);
        if (modified != null) {
            n.modified = modified;
        }
        if (accessed != null) {
            n.accessed = accessed;
        }
        if (created != null) {
            n.created = created;
        }
    }

    // ---- called by channels, with this lock held

    void syncDirectory(DirNode d) {
        d.sync();
        dirty.remove(d);
    }

    void closed(CrashChannel ch) {
        openChannels.remove(ch);
    }
}
