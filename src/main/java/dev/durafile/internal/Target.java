package dev.durafile.internal;

import dev.durafile.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.Objects;

/**
 * A write's target after symlink resolution: its directory, its name, and what is there now.
 */
final class Target {
    /** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
    private static final int MAX_SYMLINKS = 40;

    final Path path;
    final Path dir;
    final String name;
    /** True if a regular file is at {@link #path} (a symlink being replaced does not count). */
    final boolean exists;
    /** True if anything is at {@link #path}, a symlink included. */
    final boolean present;
    /** True if {@link #path} is a symbolic link. */
    final boolean symlink;
    /** The existing file's permission bits (07777), or -1 if none or unknown. */
    final int mode;
    /** The existing file's owner and group, or -1 if none or unknown. */
    final int uid;
    final int gid;

    private Target(Path path, boolean present, boolean exists, int mode, int uid, int gid) {
        this(path, present, false, exists, mode, uid, gid);
    }

    private Target(Path path, boolean present, boolean symlink, boolean exists, int mode, int uid, int gid) {
        this.present = present;
        this.symlink = symlink;
        this.path = path;
        this.dir = path.getParent();
        this.name = path.getFileName().toString();
        this.exists = exists;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
    }

    /**
     * Resolves a requested target.
     *
     * @throws IllegalArgumentException if the path is empty
     * @throws FileSystemException if it names a directory, a special file, the root, or a symlink loop
     */
    static Target resolve(Path requested, SymlinkPolicy policy) throws IOException {
        Objects.requireNonNull(requested, "target");
        if (requested.toString().isEmpty()) {
            throw new IllegalArgumentException("target path is empty");
        }
        Path p = requested.toAbsolutePath();
        for (int hops = 0;; hops++) {
            Path fileName = p.getFileName();
            if (fileName == null || fileName.toString().equals(".") || fileName.toString().equals("..")) {
                throw new FileSystemException(requested.toString(), null, "write failed: not a file path");
            }
            TempNames.checkLength(p);
            Target t = inspect(requested, p);
            if (!t.symlink || policy != SymlinkPolicy.FOLLOW) {
                return t;
            }
            if (hops == MAX_SYMLINKS) {
                throw new FileSystemException(requested.toString(), null,
                        "resolve symbolic link failed: too many levels of symbolic links (ELOOP)");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
    }

    /** One lstat of {@code p}: what is there, without following a symbolic link. */
    private static Target inspect(Path requested, Path p) throws IOException {
        try {
            if (p.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,isDirectory,isOther,isSymbolicLink",
                        LinkOption.NOFOLLOW_LINKS);
                check(requested, (Boolean) a.get("isDirectory"), (Boolean) a.get("isOther"));
                if ((Boolean) a.get("isSymbolicLink")) {
                    return new Target(p, true, true, false, -1, -1, -1);
                }
                return new Target(p, true, true, (Integer) a.get("mode") & 07777, (Integer) a.get("uid"),
                        (Integer) a.get("gid"));
            }
            if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                check(requested, a.isDirectory(), a.isOther());
                return a.isSymbolicLink() ? new Target(p, true, true, false, -1, -1, -1)
                        : new Target(p, true, true, Modes.toMode(a.permissions()), -1, -1);
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            check(requested, a.isDirectory(), a.isOther());
            return new Target(p, true, a.isSymbolicLink(), a.isRegularFile(), -1, -1, -1);
        } catch (NoSuchFileException e) {
            return new Target(p, false, false, -1, -1, -1);
        } catch (FileSystemException e) {
            throw NioBinding.withOperation(e, "stat target");
        }
    }

    private static void check(Path requested, boolean directory, boolean other) throws FileSystemException {
        if (directory) {
            throw new FileSystemException(requested.toString(), null, "write failed: target is a directory (EISDIR)");
        }
        if (other) {
            throw new FileSystemException(requested.toString(), null,
                    "write failed: target is not a regular file (a device, FIFO or socket)");
        }
    }
}
