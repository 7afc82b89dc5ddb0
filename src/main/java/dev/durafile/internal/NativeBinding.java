package dev.durafile.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link FileBinding} over the raw Linux calls of a {@link LibC}: the jna and panama backends. */
final class NativeBinding implements FileBinding {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBinding.class);

    static final int AT_FDCWD = -100;
    static final int O_WRONLY = 01;
    static final int O_RDONLY = 0;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOFOLLOW = 0400000;
    static final int O_DIRECTORY = 0200000;
    static final int O_CLOEXEC = 02000000;
    /** O_TMPFILE includes O_DIRECTORY, so a kernel without it fails with EISDIR instead of creating a file. */
    static final int O_TMPFILE = 020000000 | O_DIRECTORY;
    static final int AT_SYMLINK_FOLLOW = 0x400;

    /** The name shown in messages for a file created with O_TMPFILE, which has none. */
    private static final String UNNAMED = "<unnamed O_TMPFILE>";

    /** The largest chunk of heap data staged through a direct buffer per write call. */
    private static final int STAGING_BYTES = 256 * 1024;

    /** The JDK's own encoding of file names, so that names round-trip as java.nio encodes them. */
    private static final Charset NAME_CHARSET = nameCharset();

    private static final ThreadLocal<ByteBuffer> STAGING =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING_BYTES));

    private final LibC libc;
    private final int euid;
    private final int egid;
    private volatile boolean renameat2Missing;

    NativeBinding(LibC libc) {
        this.libc = libc;
        this.euid = libc.geteuid();
        this.egid = libc.getegid();
    }

    private static Charset nameCharset() {
        String jnu = System.getProperty("sun.jnu.encoding");
        try {
            return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** @return {@code s} in the JDK's file-name encoding, NUL-terminated */
    static byte[] cString(String s) {
        byte[] b = s.getBytes(NAME_CHARSET);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    @Override
    public String name() {
        return libc.name();
    }

    private IOException failure(int result, String operation, Path file, Path other) {
        int errno = -result;
        return Errno.toException(errno, operation, file, other, libc.strerror(errno));
    }

    @Override
    public Directory openDirectory(Path dir) throws IOException {
        int fd = libc.openat(AT_FDCWD, cString(dir.toString()), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure(fd, "open directory", dir, null);
        }
        return new NativeDirectory(dir, fd);
    }

    private final class NativeDirectory implements Directory {
        private final Path path;
        private final int fd;

        NativeDirectory(Path path, int fd) {
            this.path = path;
            this.fd = fd;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public OpenFile createExclusive(String name, int mode) throws IOException {
            int f = libc.openat(fd, cString(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
            if (f < 0) {
                throw failure(f, "create temp file", path.resolve(name), null);
            }
            return new NativeFile(path.resolve(name), f);
        }

        @Override
        public OpenFile createAnonymous(int mode) throws IOException {
            int f = libc.openat(fd, cString("."), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
            if (f == -Errno.EOPNOTSUPP || f == -Errno.EISDIR || f == -Errno.EINVAL) {
                return null;
            }
            if (f < 0) {
                throw failure(f, "create unnamed temp file (O_TMPFILE)", path, null);
            }
            return new NativeFile(path.resolve(UNNAMED), f);
        }

        @Override
        public void linkAnonymous(OpenFile file, String name) throws IOException {
            NativeFile nf = (NativeFile) file;
            int r = libc.linkat(AT_FDCWD, cString("/proc/self/fd/" + nf.fd), fd, cString(name), AT_SYMLINK_FOLLOW);
            if (r < 0) {
                throw failure(r, "linkat (name the unnamed temp file)", path.resolve(name), null);
            }
        }

        @Override
        public void link(String from, String to) throws IOException {
            int r = libc.linkat(fd, cString(from), fd, cString(to), 0);
            if (r == -Errno.EPERM || r == -Errno.EOPNOTSUPP || r == -Errno.ENOSYS || r == -Errno.EMLINK) {
                throw new AtomicMoveNotSupportedException(path.resolve(from).toString(), path.resolve(to).toString(),
                        "hard link refused by the file system: " + libc.strerror(-r) + " (" + Errno.symbol(-r) + ")");
            }
            if (r < 0) {
                throw failure(r, "link", path.resolve(from), path.resolve(to));
            }
        }

        @Override
        public void rename(String from, Directory target, String to, RenameMode mode) throws IOException {
            NativeDirectory t = (NativeDirectory) target;
            byte[] src = cString(from);
            byte[] dst = cString(to);
            int r;
            if (mode == RenameMode.REPLACE) {
                r = renameat2Missing ? libc.renameat(fd, src, t.fd, dst) : libc.renameat2(fd, src, t.fd, dst, 0);
                if (r == -Errno.ENOSYS || (r == -Errno.EINVAL && !renameat2Missing)) {
                    LOG.debug("renameat2 refused ({}); falling back to renameat", Errno.symbol(-r));
                    renameat2Missing = true;
                    r = libc.renameat(fd, src, t.fd, dst);
                }
            } else {
                r = libc.renameat2(fd, src, t.fd, dst, mode.flags);
                if (r == -Errno.ENOSYS || r == -Errno.EINVAL) {
                    throw new AtomicMoveNotSupportedException(path.resolve(from).toString(),
                            t.path.resolve(to).toString(), "renameat2(" + mode + ") refused by the kernel or file system: "
                            + libc.strerror(-r) + " (" + Errno.symbol(-r) + ")");
                }
            }
            if (r < 0) {
                throw failure(r, "rename" + (mode == RenameMode.REPLACE ? "" : " (" + mode + ")"),
                        path.resolve(from), t.path.resolve(to));
            }
        }

        @Override
        public void sync() throws IOException {
            int r = libc.fsync(fd);
            if (r < 0) {
                throw failure(r, "fsync directory", path, null);
            }
        }

        @Override
        public void delete(String name) throws IOException {
            int r = libc.unlinkat(fd, cString(name), 0);
            if (r < 0 && r != -Errno.ENOENT) {
                throw failure(r, "unlink", path.resolve(name), null);
            }
        }

        @Override
        public void close() throws IOException {
            int r = libc.close(fd);
            if (r < 0) {
                throw failure(r, "close directory", path, null);
            }
        }
    }

    private final class NativeFile implements OpenFile {
        private final Path path;
        private final int fd;

        NativeFile(Path path, int fd) {
            this.path = path;
            this.fd = fd;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (src.isDirect()) {
                writeDirect(src);
                return;
            }
            ByteBuffer staging = STAGING.get();
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), staging.capacity());
                staging.clear();
                staging.put(staging.position(), src, src.position(), n);
                staging.limit(n);
                writeDirect(staging);
                src.position(src.position() + n);
            }
        }

        private void writeDirect(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                long n = libc.write(fd, buf);
                if (n == -Errno.EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw failure((int) n, "write", path, null);
                }
                if (n == 0) {
                    throw new IOException(path + ": write made no progress (returned 0)");
                }
                buf.position(buf.position() + (int) n);
            }
        }

        @Override
        public void sync(boolean metadata) throws IOException {
            int r = metadata ? libc.fsync(fd) : libc.fdatasync(fd);
            if (r < 0) {
                throw failure(r, metadata ? "fsync" : "fdatasync", path, null);
            }
        }

        @Override
        public void setMode(int mode) throws IOException {
            int r = libc.fchmod(fd, mode);
            if (r < 0) {
                throw failure(r, "fchmod", path, null);
            }
        }

        @Override
        public boolean setOwner(int uid, int gid) throws IOException {
            if (uid == euid && gid == egid) {
                return true;
            }
            int r = libc.fchown(fd, uid, gid);
            if (r == -Errno.EPERM && euid != 0) {
                return false;
            }
            if (r < 0) {
                throw failure(r, "fchown", path, null);
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            int r = libc.close(fd);
            if (r < 0) {
                throw failure(r, "close", path, null);
            }
        }
    }
}
