package dev.durafile.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FileBinding} over the raw Linux calls of a {@link LibC}: the jna and panama backends. Every
 * operation after {@link #openDirectory} is relative to the directory's descriptor or acts on the
 * file's descriptor. The flags it passes and the errno values it reacts to are those of {@link Linux}.
 */
final class NativeBinding implements FileBinding {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBinding.class);

    private static final int PROBE_MODE = 0600;
    /**
     * How long {@link Directory#lock()} waits for a directory's flock another process holds: far longer
     * than the few system calls another keepBackup write holds it for.
     */
    private static final long LOCK_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The name of the extended attribute holding a file's POSIX access ACL, as a C string. */
    private static final byte[] ACL_XATTR = cStringAscii(Linux.XATTR_NAME_POSIX_ACL_ACCESS);
    private static final byte[] NO_BYTES = new byte[0];

    /** The name shown in messages for a file created with O_TMPFILE, which has none. */
    private static final Name UNNAMED = Name.of("<unnamed O_TMPFILE>");

    /** The size of the direct buffers that stage heap data for write(2). */
    private static final int STAGING_BYTES = 128 * 1024;
    /**
     * Staging buffers shared by all threads: a write takes one and gives it back, so a write from a
     * new (or virtual) thread allocates nothing; at most 16 are kept.
     */
    private static final Pool<ByteBuffer> STAGING = new Pool<>(16, () -> ByteBuffer.allocateDirect(STAGING_BYTES));

    /** The empty path as a C string: with AT_EMPTY_PATH, the descriptor's own file. */
    private static final byte[] EMPTY_PATH = {0};
    /** "." as a C string: the directory itself, for O_TMPFILE. */
    private static final byte[] DOT = {'.', 0};

    /** How an O_TMPFILE file gets its name; learnt once per process, since it depends on privileges and /proc. */
    private enum LinkRoute {
        /** {@code linkat(fd, "", dir, name, Linux.AT_EMPTY_PATH)}: needs CAP_DAC_READ_SEARCH. */
        EMPTY_PATH,
        /** {@code linkat(AT_FDCWD, "/proc/self/fd/N", dir, name, AT_SYMLINK_FOLLOW)}: needs /proc. */
        PROC,
        /** Neither works: no unnamed temp files for this process. */
        NONE
    }

    private final LibC libc;
    private volatile boolean renameat2Missing;
    private volatile LinkRoute linkRoute;
    /** The device last boxed by {@link #device}; a Long is immutable, so threads may share it unsynchronized. */
    private Long lastDevice;

    /**
     * @throws IllegalStateException if the C library or kernel lacks statx (glibc 2.28, Linux 4.11)
     */
    NativeBinding(LibC libc) {
        this.libc = libc;
        if (libc.statx(Linux.AT_FDCWD, cStringAscii("/"), 0, Linux.STATX_MASK).errno == Linux.ENOSYS) {
            throw new IllegalStateException("the " + libc.name() + " backend needs statx (Linux 4.11+, glibc 2.28+)");
        }
    }

    private static byte[] cStringAscii(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    @Override
    public String name() {
        return libc.name();
    }

    @Override
    public Object processUser() {
        return libc.geteuid();
    }

    private IOException failure(long result, String operation, Path file, Path other) {
        int errno = (int) -result;
        return Failures.ofErrno(errno, libc.strerror(errno), operation, file, other);
    }

    @Override
    public Directory openDirectory(Path dir) throws IOException {
        return openDirectory(dir, null, Name.cString(dir));
    }

    /** The parent's bytes come from {@code file}'s String form, which the caller's Path keeps: see {@link Name#parentCString}. */
    @Override
    public Directory openParent(Path file) throws IOException {
        return openDirectory(null, file, Name.parentCString(file));
    }

    /** @param dir the directory, or null to make it from {@code child} when a message first needs it */
    private Directory openDirectory(Path dir, Path child, byte[] cPath) throws IOException {
        int fd = libc.openat(Linux.AT_FDCWD, cPath, Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure(fd, "open directory", dir != null ? dir : child.getParent(), null);
        }
        return new NativeDirectory(dir, child, fd);
    }

    /**
     * Only a regular file is opened (a FIFO, a device or a terminal never is: opening some has side
     * effects), with O_NONBLOCK and O_NOCTTY in case one is swapped in after the check; what was opened
     * is then told by fstat of the descriptor.
     */
    @Override
    public SourceFile openSource(Path file) throws IOException {
        byte[] path = Name.cString(file);
        Stat before = statx(Linux.AT_FDCWD, path, 0, "open source", () -> file, null);
        if (before == null) {
            throw Failures.ofErrno(Linux.ENOENT, libc.strerror(Linux.ENOENT), "open source", file, null);
        }
        if (before.kind != Kind.REGULAR) {
            return new OpenSource(before, dst -> -1, () -> { });
        }
        int fd = libc.openat(Linux.AT_FDCWD, path,
                Linux.O_RDONLY | Linux.O_NONBLOCK | Linux.O_NOCTTY | Linux.O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure(fd, "open source", file, null);
        }
        NativeFile source = new NativeFile(file, fd);
        try {
            return new OpenSource(source.stat(), source::read, source);
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(source, e);
            throw e;
        }
    }

    /**
     * @return {@code device} boxed: the box last made when it is that device again (nearly every stat of
     *     a write is of one file system), so a stat boxes none
     */
    private Long device(long device) {
        Long last = lastDevice;
        if (last == null || last != device) {
            last = device;
            lastDevice = last;
        }
        return last;
    }

    /**
     * statx of {@code path} relative to {@code dirfd}, or of {@code dirfd} itself with AT_EMPTY_PATH.
     *
     * @param base the file {@code dirfd} refers to, for messages: its path is made only for one
     * @param name the name {@code path} holds, or null if it is {@code base} itself
     * @return the result, or null if {@code path} does not exist
     */
    private Stat statx(int dirfd, byte[] path, int flags, String operation, Located base, Name name)
            throws IOException {
        Statx x = libc.statx(dirfd, path, flags, Linux.STATX_MASK);
        if (x.errno == Linux.ENOENT && (flags & Linux.AT_EMPTY_PATH) == 0) {
            return null;
        }
        if (x.errno != 0) {
            throw failure(-x.errno, operation, name == null ? base.path() : base.path().resolve(name.path()), null);
        }
        int mode = x.mode;
        Kind kind;
        switch (mode & Linux.S_IFMT) {
            case Linux.S_IFREG:
                kind = Kind.REGULAR;
                break;
            case Linux.S_IFDIR:
                kind = Kind.DIRECTORY;
                break;
            case Linux.S_IFLNK:
                kind = Kind.SYMLINK;
                break;
            default:
                kind = Kind.OTHER;
                break;
        }
        return new Stat(kind, x, device(x.device), mode & ~Linux.S_IFMT, x.uid, x.gid);
    }

    /** A file or directory whose path messages name: made when one first needs it. */
    @FunctionalInterface
    private interface Located {
        Path path();
    }

    private final class NativeDirectory implements Directory, Located {
        /** The directory's path, or null until {@link #path()} makes it from {@link #child}. */
        private Path path;
        /** A path in the directory, or null if {@link #path} was given. */
        private final Path child;
        private final int fd;
        private Stat stat;

        /**
         * @param path the directory's path, or null
         * @param child if {@code path} is null: a path whose parent is the directory
         */
        NativeDirectory(Path path, Path child, int fd) {
            this.path = path;
            this.child = child;
            this.fd = fd;
        }

        @Override
        public Path path() {
            Path p = path;
            if (p == null) {
                p = child.getParent();
                path = p;
            }
            return p;
        }

        @Override
        public String fileSystemType() throws IOException {
            byte[] buf = new byte[Linux.STATFS_SIZE];
            int r = libc.fstatfs(fd, buf);
            if (r < 0) {
                throw failure(r, "statfs", path(), null);
            }
            return FileSystemTypes.name(
                    ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(Linux.STATFS_F_TYPE));
        }

        @Override
        public Stat stat() throws IOException {
            if (stat == null) {
                stat = statx(fd, EMPTY_PATH, Linux.AT_EMPTY_PATH, "stat directory", this, null);
            }
            return stat;
        }

        @Override
        public Stat stat(Name name) throws IOException {
            return statx(fd, name.cString(), Linux.AT_SYMLINK_NOFOLLOW, "stat", this, name);
        }

        @Override
        public Stat identity(Name name) throws IOException {
            return stat(name);
        }

        @Override
        public byte[] acl(Name name) throws IOException {
            Path file = path().resolve(name.path());
            int f = libc.openat(fd, name.cString(),
                    Linux.O_RDONLY | Linux.O_NOFOLLOW | Linux.O_NONBLOCK | Linux.O_NOCTTY | Linux.O_CLOEXEC, 0);
            if (f < 0) {
                LOG.debug("{}: its ACL cannot be read ({})", file, Errno.symbol(-f));
                return null;
            }
            try (NativeFile opened = new NativeFile(file, f)) {
                return opened.acl();
            }
        }

        @Override
        public Path readLink(Name name) throws IOException {
            byte[] buf = new byte[Linux.PATH_MAX];
            long n = libc.readlinkat(fd, name.cString(), buf);
            if (n < 0) {
                throw failure(n, "read symbolic link", path().resolve(name.path()), null);
            }
            return Name.toPath(path().getFileSystem(), java.util.Arrays.copyOf(buf, (int) n));
        }

        @Override
        public boolean createDirectory(Name name, int mode) throws IOException {
            int r = libc.mkdirat(fd, name.cString(), mode);
            if (r == -Linux.EEXIST) {
                return false;
            }
            if (r < 0) {
                throw failure(r, "create directory", path().resolve(name.path()), null);
            }
            return true;
        }

        @Override
        public Directory openDirectory(Name name) throws IOException {
            // every object the result needs is made before the descriptor exists, so nothing can fail holding it
            Path dir = path().resolve(name.path());
            int d = libc.openat(fd, name.cString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
            if (d < 0) {
                throw failure(d, "open directory", dir, null);
            }
            return new NativeDirectory(dir, null, d);
        }

        @Override
        public OpenFile createExclusive(Name name, int mode) throws IOException {
            int f = libc.openat(fd, name.cString(),
                    Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_NOFOLLOW | Linux.O_CLOEXEC, mode);
            if (f < 0) {
                throw failure(f, "create temp file", path().resolve(name.path()), null);
            }
            return new NativeFile(this, name, f);
        }

        /** @return an O_TMPFILE descriptor, or -1 if the file system refuses unnamed files */
        private int openUnnamed(int mode) throws IOException {
            int f = libc.openat(fd, DOT, Linux.O_TMPFILE | Linux.O_WRONLY | Linux.O_CLOEXEC, mode);
            if (f == -Linux.EOPNOTSUPP || f == -Linux.EISDIR || f == -Linux.EINVAL) {
                return -1;
            }
            if (f < 0) {
                throw failure(f, "create unnamed temp file (O_TMPFILE)", path(), null);
            }
            return f;
        }

        @Override
        public OpenFile createAnonymous(int mode) throws IOException {
            int f = openUnnamed(mode);
            if (f < 0) {
                return null;
            }
            NativeFile file = new NativeFile(this, UNNAMED, f);
            try {
                if (linkRoute == null) {
                    linkRoute = probeLinkRoute();
                    LOG.debug("unnamed temp files are named with {}", linkRoute);
                }
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(file, e);
                throw e;
            }
            if (linkRoute == LinkRoute.NONE) {
                file.close();
                return null;
            }
            return file;
        }

        /** Tries each way of naming an unnamed file on a probe file of this directory. */
        private LinkRoute probeLinkRoute() throws IOException {
            int f = openUnnamed(PROBE_MODE);
            if (f < 0) {
                return LinkRoute.NONE;
            }
            Name name = Name.of(path().getFileSystem(), ".durafile-probe" + TempNames.INFIX + UUID.randomUUID());
            try (NativeFile probe = new NativeFile(this, UNNAMED, f)) {
                for (LinkRoute route : new LinkRoute[] {LinkRoute.EMPTY_PATH, LinkRoute.PROC}) {
                    int r = linkUnnamed(route, probe.fd, name.cString());
                    if (r == 0) {
                        delete(name);
                        return route;
                    }
                    if (r != -Linux.ENOENT && r != -Linux.EPERM && r != -Linux.EACCES) {
                        throw failure(r, "linkat (name a probe unnamed file)", path().resolve(name.path()), null);
                    }
                }
                return LinkRoute.NONE;
            }
        }

        private int linkUnnamed(LinkRoute route, int file, byte[] name) {
            return route == LinkRoute.EMPTY_PATH
                    ? libc.linkat(file, EMPTY_PATH, fd, name, Linux.AT_EMPTY_PATH)
                    : libc.linkat(Linux.AT_FDCWD, cStringAscii("/proc/self/fd/" + file), fd, name,
                            Linux.AT_SYMLINK_FOLLOW);
        }

        @Override
        public void linkAnonymous(OpenFile file, Name name) throws IOException {
            int r = linkUnnamed(linkRoute, ((NativeFile) file).fd, name.cString());
            if (r < 0) {
                throw failure(r, "linkat (name the unnamed temp file)", path().resolve(name.path()), null);
            }
        }

        @Override
        public void link(Name from, Name to) throws IOException {
            int r = libc.linkat(fd, from.cString(), fd, to.cString(), 0);
            boolean refused = r == -Linux.EOPNOTSUPP || r == -Linux.ENOSYS || r == -Linux.EMLINK
                    || r == -Linux.EPERM && !FileSystemTypes.hasHardLinks(fileSystemType());
            if (refused) {
                throw Failures.unsupported("link", path().resolve(from.path()), path().resolve(to.path()),
                        "hard link refused by the file system: " + libc.strerror(-r) + " (" + Errno.symbol(-r) + ")");
            }
            if (r < 0) {
                throw failure(r, "link", path().resolve(from.path()), path().resolve(to.path()));
            }
        }

        @Override
        public void rename(Name from, Directory target, Name to, RenameMode mode) throws IOException {
            NativeDirectory t = (NativeDirectory) target;
            byte[] src = from.cString();
            byte[] dst = to.cString();
            int r;
            if (mode == RenameMode.REPLACE) {
                r = renameat2Missing ? libc.renameat(fd, src, t.fd, dst) : libc.renameat2(fd, src, t.fd, dst, 0);
                if (r == -Linux.ENOSYS || (r == -Linux.EINVAL && !renameat2Missing)) {
                    LOG.debug("renameat2 refused ({}); falling back to renameat", Errno.symbol(-r));
                    renameat2Missing = true;
                    r = libc.renameat(fd, src, t.fd, dst);
                }
            } else {
                r = libc.renameat2(fd, src, t.fd, dst, renameFlags(mode));
                if (r == -Linux.ENOSYS || r == -Linux.EINVAL) {
                    throw Failures.unsupported("rename (" + mode + ")", path().resolve(from.path()), t.path().resolve(to.path()),
                            "renameat2(" + mode + ") refused by the kernel or file system: "
                            + libc.strerror(-r) + " (" + Errno.symbol(-r) + ")");
                }
            }
            if (r < 0) {
                throw failure(r, "rename" + (mode == RenameMode.REPLACE ? "" : " (" + mode + ")"),
                        path().resolve(from.path()), t.path().resolve(to.path()));
            }
        }

        /**
         * flock(2), tried without blocking for up to {@link #LOCK_WAIT_NANOS}: anyone who can open the
         * directory can hold its flock, so waiting forever would let them stop this write. Where the
         * file system refuses flock (some network file systems) or the wait ends, nothing is held.
         */
        @Override
        public boolean lock() throws IOException {
            long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
            for (long pause = 1;; pause = Math.min(pause * 2, 50)) {
                int r = libc.flock(fd, Linux.LOCK_EX | Linux.LOCK_NB);
                if (r == 0) {
                    return true;
                }
                if (r != -Linux.EWOULDBLOCK && r != -Linux.EINTR) {
                    LOG.debug("{}: no lock between processes here ({})", path(), Errno.symbol(-r));
                    return false;
                }
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("{}: another process has held this directory's lock for {} ms; going on without it",
                            path(), TimeUnit.NANOSECONDS.toMillis(LOCK_WAIT_NANOS));
                    return false;
                }
                sleepUninterruptibly(pause);
            }
        }

        @Override
        public void unlock() throws IOException {
            int r = libc.flock(fd, Linux.LOCK_UN);
            if (r < 0) {
                throw failure(r, "unlock directory", path(), null);
            }
        }

        @Override
        public void sync() throws IOException {
            int r = libc.fsync(fd);
            if (r < 0) {
                throw failure(r, "fsync directory", path(), null);
            }
        }

        @Override
        public void delete(Name name) throws IOException {
            int r = libc.unlinkat(fd, name.cString(), 0);
            if (r < 0 && r != -Linux.ENOENT) {
                throw failure(r, "unlink", path().resolve(name.path()), null);
            }
        }

        @Override
        public void close() throws IOException {
            int r = libc.close(fd);
            if (r < 0) {
                throw failure(r, "close directory", path(), null);
            }
        }
    }

    /** @return the renameat2 flags that do what {@code mode} says */
    private static int renameFlags(RenameMode mode) {
        return switch (mode) {
            case REPLACE -> 0;
            case NOREPLACE -> Linux.RENAME_NOREPLACE;
            case EXCHANGE -> Linux.RENAME_EXCHANGE;
        };
    }

    private static void sleepUninterruptibly(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private final class NativeFile implements OpenFile, Located {
        /** The file's path, or null if it is {@link #name} in {@link #dir}. */
        private final Path file;
        private final NativeDirectory dir;
        private final Name name;
        private final int fd;

        /** @param file the file opened by its path */
        NativeFile(Path file, int fd) {
            this.file = file;
            this.dir = null;
            this.name = null;
            this.fd = fd;
        }

        /**
         * @param dir the directory it was created in
         * @param name its name in {@code dir}
         */
        NativeFile(NativeDirectory dir, Name name, int fd) {
            this.file = null;
            this.dir = dir;
            this.name = name;
            this.fd = fd;
        }

        /** @return the file's path, for messages: made only when one is needed */
        @Override
        public Path path() {
            return file != null ? file : dir.path().resolve(name.path());
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (src.isDirect()) {
                writeDirect(src);
                return;
            }
            ByteBuffer staging = STAGING.take();
            try {
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), staging.capacity());
                    staging.clear();
                    staging.put(0, src, src.position(), n);
                    staging.limit(n);
                    writeDirect(staging);
                    src.position(src.position() + n);
                }
            } finally {
                staging.clear();
                STAGING.give(staging);
            }
        }

        /** @return bytes read into {@code dst} (direct), or -1 at the end */
        int read(ByteBuffer dst) throws IOException {
            if (!dst.isDirect()) {
                throw new IllegalArgumentException("the native backends read into direct buffers only");
            }
            while (true) {
                long n = libc.read(fd, dst);
                if (n == -Linux.EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw failure(n, "read source", path(), null);
                }
                if (n == 0) {
                    return dst.hasRemaining() ? -1 : 0;
                }
                dst.position(dst.position() + (int) n);
                return (int) n;
            }
        }

        private void writeDirect(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                long n = libc.write(fd, buf);
                if (n == -Linux.EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw failure(n, "write", path(), null);
                }
                if (n == 0) {
                    throw Failures.of("write", path(), "no progress (write returned 0)");
                }
                buf.position(buf.position() + (int) n);
            }
        }

        @Override
        public void sync(boolean metadata) throws IOException {
            int r = metadata ? libc.fsync(fd) : libc.fdatasync(fd);
            if (r < 0) {
                throw failure(r, metadata ? "fsync" : "fdatasync", path(), null);
            }
        }

        @Override
        public Stat stat() throws IOException {
            return statx(fd, EMPTY_PATH, Linux.AT_EMPTY_PATH, "fstat", this, null);
        }

        @Override
        public void setMode(int mode) throws IOException {
            int r = libc.fchmod(fd, mode);
            if (r < 0) {
                throw failure(r, "fchmod", path(), null);
            }
        }

        /**
         * Lists the file's attribute names first: a file without any (the usual case) costs one call
         * that succeeds and allocates nothing; then asks for the ACL's size, then reads it.
         */
        @Override
        public byte[] acl() throws IOException {
            if (!hasAttribute(ACL_XATTR)) {
                return null;
            }
            while (true) {
                int size = libc.fgetxattr(fd, ACL_XATTR, NO_BYTES);
                if (size == -Linux.ENODATA || size == -Linux.EOPNOTSUPP) {
                    return null;
                }
                if (size < 0) {
                    throw failure(size, "read ACL", path(), null);
                }
                byte[] acl = new byte[size];
                int n = libc.fgetxattr(fd, ACL_XATTR, acl);
                if (n >= 0) {
                    return n == size ? acl : java.util.Arrays.copyOf(acl, n);
                }
                if (n != -Linux.ERANGE) {
                    throw failure(n, "read ACL", path(), null);
                }
            }
        }

        /** @return whether the file has the extended attribute {@code name} (NUL-terminated) */
        private boolean hasAttribute(byte[] name) throws IOException {
            while (true) {
                int size = libc.flistxattr(fd, NO_BYTES);
                if (size == 0 || size == -Linux.EOPNOTSUPP) {
                    return false;
                }
                if (size < 0) {
                    throw failure(size, "list extended attributes", path(), null);
                }
                byte[] names = new byte[size];
                int n = libc.flistxattr(fd, names);
                if (n == -Linux.ERANGE) {
                    continue;
                }
                if (n < 0) {
                    throw failure(n, "list extended attributes", path(), null);
                }
                for (int start = 0; start < n;) {
                    int end = start;
                    while (end < n && names[end] != 0) {
                        end++;
                    }
                    if (end - start == name.length - 1
                            && java.util.Arrays.equals(names, start, end, name, 0, name.length - 1)) {
                        return true;
                    }
                    start = end + 1;
                }
                return false;
            }
        }

        @Override
        public void setAcl(byte[] acl) throws IOException {
            int r = acl == null ? libc.fremovexattr(fd, ACL_XATTR) : libc.fsetxattr(fd, ACL_XATTR, acl, 0);
            if (r < 0 && !(acl == null && r == -Linux.ENODATA)) {
                throw failure(r, acl == null ? "remove ACL" : "set ACL", path(), null);
            }
        }

        @Override
        public boolean setOwner(Object owner, Object group) throws IOException {
            int r = libc.fchown(fd, owner == null ? -1 : (Integer) owner, group == null ? -1 : (Integer) group);
            if (r == -Linux.EPERM) {
                return false;
            }
            if (r < 0) {
                throw failure(r, "fchown", path(), null);
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            int r = libc.close(fd);
            if (r < 0) {
                throw failure(r, "close", path(), null);
            }
        }
    }
}
