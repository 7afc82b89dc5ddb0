package dev.durafile.internal;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LibC} over the real JNA one that can refuse features or fail calls the way kernels and
 * file systems do, and count calls. For fallback and error-path tests ({@link ForwardingBinding}
 * stamps the protocol's events for the directory-sync ordering tests of every backend).
 */
final class FaultyLibC implements LibC {
    private final LibC real = new JnaLibC();
    private final Set<Integer> directoryFds = ConcurrentHashMap.newKeySet();

    volatile boolean refuseRenameFlags;
    /** Refuses hard links as a file system without them does (EOPNOTSUPP). */
    volatile boolean refuseLinks;
    volatile boolean refuseTmpFile;
    /** Refuses to name an unnamed file, by descriptor or through /proc, as a kernel without either does. */
    volatile boolean refuseUnnamedLinks;
    volatile int fdatasyncErrno;
    volatile int directoryFsyncErrno;
    volatile long directoryFsyncMillis;
    volatile RuntimeException directoryFsyncThrows;

    final AtomicInteger renameWithFlags = new AtomicInteger();
    final AtomicInteger links = new AtomicInteger();
    final AtomicInteger fdatasyncs = new AtomicInteger();
    final AtomicInteger directoryFsyncs = new AtomicInteger();



    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public int openat(int dirfd, byte[] path, int flags, int mode) {
        if (refuseTmpFile && (flags & Linux.O_TMPFILE) == Linux.O_TMPFILE) {
            return -Linux.EOPNOTSUPP;
        }
        int fd = real.openat(dirfd, path, flags, mode);
        if (fd >= 0 && (flags & Linux.O_DIRECTORY) != 0 && (flags & Linux.O_TMPFILE) != Linux.O_TMPFILE) {
            directoryFds.add(fd);
        }
        return fd;
    }

    @Override
    public Statx statx(int dirfd, byte[] path, int flags, int mask) {
        return real.statx(dirfd, path, flags, mask);
    }

    @Override
    public int fstatfs(int fd, byte[] buf) {
        return real.fstatfs(fd, buf);
    }

    @Override
    public int mkdirat(int dirfd, byte[] path, int mode) {
        return real.mkdirat(dirfd, path, mode);
    }

    @Override
    public int geteuid() {
        return real.geteuid();
    }

    @Override
    public int flistxattr(int fd, byte[] buf) {
        return real.flistxattr(fd, buf);
    }

    @Override
    public int fgetxattr(int fd, byte[] name, byte[] buf) {
        return real.fgetxattr(fd, name, buf);
    }

    @Override
    public int fsetxattr(int fd, byte[] name, byte[] value, int flags) {
        return real.fsetxattr(fd, name, value, flags);
    }

    @Override
    public int fremovexattr(int fd, byte[] name) {
        return real.fremovexattr(fd, name);
    }

    @Override
    public long readlinkat(int dirfd, byte[] path, byte[] buf) {
        return real.readlinkat(dirfd, path, buf);
    }

    @Override
    public long read(int fd, ByteBuffer buf) {
        return real.read(fd, buf);
    }

    @Override
    public int flock(int fd, int operation) {
        return real.flock(fd, operation);
    }

    @Override
    public long write(int fd, ByteBuffer buf) {
        return real.write(fd, buf);
    }

    @Override
    public int fsync(int fd) {
        if (!directoryFds.contains(fd)) {
            return real.fsync(fd);
        }
        directoryFsyncs.incrementAndGet();
        if (directoryFsyncThrows != null) {
            throw directoryFsyncThrows;
        }
        try {
            if (directoryFsyncMillis > 0) {
                Thread.sleep(directoryFsyncMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return directoryFsyncErrno != 0 ? -directoryFsyncErrno : real.fsync(fd);
    }

    @Override
    public int fdatasync(int fd) {
        fdatasyncs.incrementAndGet();
        return fdatasyncErrno != 0 ? -fdatasyncErrno : real.fdatasync(fd);
    }

    @Override
    public int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        if (flags != 0) {
            renameWithFlags.incrementAndGet();
            if (refuseRenameFlags) {
                return -Linux.EINVAL;
            }
        }
        return real.renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
    }

    @Override
    public int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return real.renameat(olddirfd, oldpath, newdirfd, newpath);
    }

    @Override
    public int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        links.incrementAndGet();
        boolean unnamed = (flags & Linux.AT_EMPTY_PATH) != 0
                || new String(oldpath, java.nio.charset.StandardCharsets.US_ASCII).startsWith("/proc/");
        if (unnamed && refuseUnnamedLinks) {
            return -Linux.ENOENT;
        }
        return refuseLinks ? -Linux.EOPNOTSUPP : real.linkat(olddirfd, oldpath, newdirfd, newpath, flags);
    }

    @Override
    public int unlinkat(int dirfd, byte[] path, int flags) {
        return real.unlinkat(dirfd, path, flags);
    }

    @Override
    public int fchmod(int fd, int mode) {
        return real.fchmod(fd, mode);
    }

    @Override
    public int fchown(int fd, int uid, int gid) {
        return real.fchown(fd, uid, gid);
    }

    @Override
    public int close(int fd) {
        directoryFds.remove(fd);
        return real.close(fd);
    }

    @Override
    public String strerror(int errno) {
        return real.strerror(errno);
    }
}
