package dev.durafile.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory this process acts in with its own rights on what it finds there (a journal, whose records
 * say what to rename and delete; a snapshot directory's parent, whose generations are pruned), reached
 * so that nobody else can change which directory it is or what is in it: walked to from the root one
 * name at a time, each directory opened relative to the one above it and checked before anything in it
 * is trusted. Every directory on the way must belong to root or to the user this process creates files
 * as and be writable by nobody else, unless it is sticky (like {@code /tmp}, where nobody else can
 * rename it away); a symbolic link is followed only if root or that user made it. The directory itself
 * is writable by its owner alone even where sticky, and where {@code own} says so must belong to that
 * user. Where a directory has a POSIX ACL, its mode's group bits are the ACL's mask, which caps every
 * named user and group, so an ACL granting write is refused as a group-writable mode is. One instance
 * walks once.
 */
final class TrustedPath {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedPath.class);
    /** Symbolic links followed on the way, at most (as the kernel's ELOOP). */
    private static final int MAX_SYMLINKS = 40;

    private final String operation;
    private final String why;
    private final boolean own;
    private final boolean create;
    /** False to check only the links on the way (see {@link #linksOnly}), not the directories. */
    private final boolean checks;
    private Path real;
    private boolean created;

    /**
     * @param operation what is being done, for messages ({@code "open journal"})
     * @param why what someone else could do with the directory, for messages
     * @param own true if the directory itself must belong to this process's user (not to root)
     * @param create true to create what is missing: relative to its checked parent, {@code 0755} and the
     *     directory itself {@code 0700}, less the umask, each parent synced
     */
    TrustedPath(String operation, String why, boolean own, boolean create) {
        this(operation, why, own, create, true);
    }

    private TrustedPath(String operation, String why, boolean own, boolean create, boolean checks) {
        this.operation = operation;
        this.why = why;
        this.own = own;
        this.create = create;
        this.checks = checks;
    }

    /**
     * @return a walk that follows a symbolic link only if root or this process's user made it, and
     *     checks nothing else: for reaching a directory another user may own (a target's, named in a
     *     journal record) without letting that user redirect the walk elsewhere with a link of theirs
     */
    static TrustedPath linksOnly(String operation, String why) {
        return new TrustedPath(operation, why, false, false, false);
    }

    /** A directory or link on the way, or the directory itself, that is not to be trusted. */
    static final class Refused extends AccessDeniedException {
        private static final long serialVersionUID = 1;

        Refused(Path file, String reason) {
            super(file.toString(), null, reason);
        }
    }

    /** @return the real path the walk reached */
    Path real() {
        return real;
    }

    /** @return true if the walk created a directory */
    boolean created() {
        return created;
    }

    /** What {@link #userOfNewFiles} learnt, per binding and directory: a process keeps its user. */
    private static final Map<List<Object>, Object> USERS = new ConcurrentHashMap<>();

    /**
     * @return the owner this process gives a new file (its file-system user) as the binding reports
     *     owners, read once per binding and directory from the descriptor of a file it creates in the
     *     system's temporary directory (on the default file system; at the root of any other), created
     *     exclusively under a random name and removed at once (a crash in between leaves an empty
     *     {@code durafile-<uuid>.probe} there, once per JVM at most); null where the file system has no
     *     owners
     */
    static Object userOfNewFiles(FileBinding binding, Path near, String operation) throws IOException {
        FileSystem fs = near.getFileSystem();
        Path dir = fs == FileSystems.getDefault() ? Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                : near.getRoot();
        List<Object> key = List.of(binding.getClass(), binding.name(), dir);
        Object known = USERS.get(key);
        if (known != null) {
            return known;
        }
        Object user;
        String untrusted;
        try (FileBinding.Directory d = binding.openDirectory(dir)) {
            untrusted = binding.statsDescriptors() ? null : untrustedProbeDirectory(binding, d, dir);
            user = untrusted != null ? null : ownerOfNewFile(d, fs);
        } catch (IOException e) {
            throw Failures.of(operation, near, "cannot learn the user this process creates files as from a file of"
                    + " its own in " + dir + " (" + e + ")");
        }
        Object process = binding.processUser();
        if (untrusted == null && process != null && user != null && !process.equals(user)) {
            untrusted = "gives this process's new files to user " + user + ", though it runs as user " + process
                    + " (a file system that assigns owners of its own, as NFS with root squashed does)";
        }
        if (untrusted != null) {
            throw new Refused(near, operation + " failed: this process learns its own user from a file it creates"
                    + " in " + dir + ", which " + untrusted + "; set java.io.tmpdir to a local directory of root's that"
                    + " others cannot rename entries in (like /tmp)" + (binding.statsDescriptors() ? ""
                    : ", or use the panama or jna backend (java.nio reads that file's owner by its name)"));
        }
        if (user != null) {
            USERS.put(key, user);
        }
        return user;
    }

    /**
     * Where the probe's owner is read by its name, whoever else can rename entries of its directory could
     * swap in a file of theirs and be taken for the running user: the directory must be root's and
     * writable by nobody else, unless it is sticky (like {@code /tmp}). And where the binding cannot tell
     * this process's user to compare the probe's owner with, the directory must be on a local file system
     * that gives new files their creator as owner (not NFS or FUSE).
     *
     * @return null if it is, else what it is instead
     */
    private static String untrustedProbeDirectory(FileBinding binding, FileBinding.Directory d, Path dir)
            throws IOException {
        FileSystem fs = dir.getFileSystem();
        FileBinding.Stat s = d.stat(Name.of(fs, "."));
        Object root;
        try (FileBinding.Directory top = binding.openDirectory(dir.getRoot())) {
            FileBinding.Stat r = top.stat(Name.of(fs, "."));
            root = r == null ? null : r.owner;
        }
        if (s == null || s.owner == null || s.mode < 0 || root == null) {
            return null;
        }
        if (!s.owner.equals(root)) {
            return "belongs to user " + s.owner;
        }
        if (fs != FileSystems.getDefault()) {
            // another provider's file system (in memory, in an archive): its owners are its own, no other user's
            return null;
        }
        String type;
        try {
            type = Files.getFileStore(dir).type();
        } catch (IOException e) {
            // the JDK reads the type from the mount table, which needs /proc: taken to keep owners
            LOG.debug("{}: file system type unknown ({}); taken to give new files their creator as owner", dir,
                    e.toString());
            return null;
        }
        if (!FileSystemTypes.keepsCreatorAsOwner(type)) {
            return "is on a file system (" + type + ") that may give new files an owner of its own";
        }
        return (s.mode & 022) != 0 && !s.sticky
                ? "is writable by its group or others (mode " + String.format(Locale.ROOT, "%04o", s.mode) + ", not sticky)"
                : null;
    }

    private static Object ownerOfNewFile(FileBinding.Directory d, FileSystem fs) throws IOException {
        Name probe = Name.of(fs, "durafile-" + UUID.randomUUID() + ".probe");
        try (FileBinding.OpenFile f = d.createExclusive(probe, 0600)) {
            return f.stat().owner;
        } finally {
            d.delete(probe);
        }
    }

    /**
     * Walks to {@code abs} as the class says.
     *
     * @param self the user this process creates files as ({@link #userOfNewFiles})
     * @return the directory, open
     * @throws AccessDeniedException if a directory or link on the way, or the directory itself, is not
     *     to be trusted
     * @throws java.nio.file.FileSystemException if something on the way is missing (and not to be
     *     created), not a directory, or changed while it was checked
     */
    FileBinding.Directory open(FileBinding binding, Path abs, Object self) throws IOException {
        FileSystem fs = abs.getFileSystem();
        Path cur = abs.getRoot();
        FileBinding.Directory d = binding.openDirectory(cur);
        Deque<Path> made = new ArrayDeque<>();
        try {
            FileBinding.Stat s = d.stat(Name.of(fs, "."));
            Object root = s == null ? null : s.owner;
            Deque<Path> rest = new ArrayDeque<>();
            push(rest, abs);
            check(s, root, self, cur, false, abs);
            int links = 0;
            while (!rest.isEmpty()) {
                Path part = rest.pop();
                String text = part.toString();
                if (text.equals(".")) {
                    continue;
                }
                if (text.equals("..")) {
                    // cur is a real path whose directories were all checked: its parent is one of them
                    cur = cur.getParent() == null ? cur : cur.getParent();
                    FileBinding.Directory up = binding.openDirectory(cur);
                    Closing.closeAfter(d, null);
                    d = up;
                    continue;
                }
                Path next = cur.resolve(part);
                Name name = Name.of(part);
                FileBinding.Stat entry = d.stat(name);
                if (entry == null && create) {
                    d.createDirectory(name, rest.isEmpty() ? 0700 : 0755);
                    d.sync();
                    created = true;
                    made.push(next);
                    entry = d.stat(name);
                }
                if (entry != null && entry.kind == FileBinding.Kind.SYMLINK) {
                    if (entry.owner != null && self != null && !entry.owner.equals(self) && !entry.owner.equals(root)) {
                        throw new Refused(abs, operation + " failed: the symbolic link "
                                + next + " on the way to it belongs to user " + entry.owner + ", neither root nor user "
                                + self + " who runs this process; " + why);
                    }
                    if (++links > MAX_SYMLINKS) {
                        throw Failures.of(operation, abs, "too many levels of symbolic links (ELOOP)");
                    }
                    Path target = d.readLink(name);
                    push(rest, target);
                    if (target.isAbsolute()) {
                        cur = target.getRoot();
                        FileBinding.Directory top = binding.openDirectory(cur);
                        Closing.closeAfter(d, null);
                        d = top;
                    }
                    continue;
                }
                if (entry == null) {
                    throw new NoSuchFileException(abs.toString(), null, operation + " failed: " + next + " is missing");
                }
                if (entry.kind != FileBinding.Kind.DIRECTORY) {
                    throw Failures.of(operation, abs, next + " is not a directory (" + entry + ")");
                }
                FileBinding.Directory child = d.openDirectory(name);
                Closing.closeAfter(d, null);
                d = child;
                if (!d.stat().sameFile(entry)) {
                    throw Failures.of(operation, abs, next + " changed while the directories on the way were checked");
                }
                cur = next;
                if (!rest.isEmpty()) {
                    check(entry, root, self, cur, false, abs);
                }
            }
            // the directory reached, whichever name ended the walk (a "." or ".." too), relative to its descriptor
            check(d.stat(Name.of(fs, ".")), root, self, cur, true, abs);
            real = cur;
            return d;
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(d, e);
            removeMade(made, e);
            throw e;
        }
    }

    /**
     * After a failed walk, removes the directories it created, deepest first, if they are still empty (a
     * file system that gives new directories another owner, like NFS with root squashed, fails the walk
     * right after creating one). Their parents were checked, so nobody else can have swapped them.
     */
    private static void removeMade(Deque<Path> made, Throwable cause) {
        for (Path p : made) {
            try {
                Files.delete(p);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Puts the names of {@code p} in front of {@code rest}, in order. */
    private static void push(Deque<Path> rest, Path p) {
        for (int i = p.getNameCount() - 1; i >= 0; i--) {
            rest.push(p.getName(i));
        }
    }

    /**
     * @param s what lstat or fstat says of the directory {@code at}; nothing is checked where the file system
     *     has no owners or modes
     * @param root the owner of the root directory
     * @param self the user this process creates files as
     * @param last true for the directory itself
     */
    private void check(FileBinding.Stat s, Object root, Object self, Path at, boolean last, Path shown)
            throws AccessDeniedException {
        if (!checks || s == null || s.owner == null || s.mode < 0 || self == null) {
            return;
        }
        String where = last ? "it" : "the directory " + at + " above it";
        boolean ownedBySelf = s.owner.equals(self);
        if (last && own ? !ownedBySelf : !ownedBySelf && !s.owner.equals(root)) {
            throw new Refused(shown, operation + " failed: " + where + " belongs to user "
                    + s.owner + (last && own ? ", not to " : ", neither root nor ") + "user " + self
                    + " who runs this process; " + why + " (run this as that user, or use a directory of this user's"
                    + " own)");
        }
        if ((s.mode & 022) != 0 && (last || !s.sticky)) {
            throw new Refused(shown, operation + " failed: " + where + " is writable"
                    + " by its group or others (mode " + String.format(Locale.ROOT, "%04o", s.mode)
                    + (last ? "" : ", not sticky") + "); " + why + ", so it must be writable by its owner alone");
        }
    }
}
