package dev.durafile.internal;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LibC} over the real JNA one that can refuse features or fail calls the way kernels and
 * file systems do, count calls, and stamp protocol events on one clock. For fallback, error-path and
 * group-commit tests.
 */
final class FaultyLibC implements LibC {
    private final LibC real = new JnaLibC();
    private final Set<Integer> directoryFds = ConcurrentHashMap.newKeySet();

    volatile boolean refuseRenameFlags;
    volatile boolean refuseLinks;
    volatile boolean refuseTmpFile;
    volatile int fdatasyncErrno;
    volatile int directoryFsyncErrno;
    volatile long directoryFsyncMillis;
    volatile RuntimeException directoryFsyncThrows;

    final AtomicInteger renameWithFlags = new AtomicInteger();
    final AtomicInteger links = new AtomicInteger();
    final AtomicInteger fdatasyncs = new AtomicInteger();
    final AtomicInteger directoryFsyncs = new AtomicInteger();

    /** The event clock; {@link #lastRename} holds, per thread, the tick its last rename finished. */
    final AtomicLong clock = new AtomicLong();
    final ThreadLocal<Long> lastRename = new ThreadLocal<>();
    /** Start and end ticks of every directory fsync, as {start, end} pairs. */
    final java.util.List<long[]> directoryFsyncTicks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public int openat(int dirfd, byte[] path, int flags, int mode) {
        if (refuseTmpFile && (flags & NativeBinding.O_TMPFILE) == NativeBinding.O_TMPFILE) {
            return -Errno.EOPNOTSUPP;
        }
        int fd = real.openat(dirfd, path, flags, mode);
        if (fd >= 0 && (flags & NativeBinding.O_DIRECTORY) != 0 && (flags & NativeBinding.O_TMPFILE) != NativeBinding.O_TMPFILE) {
            directoryFds.add(fd);
        }
        return fd;
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
        long start = clock.incrementAndGet();
        try {
            if (directoryFsyncMillis > 0) {
                Thread.sleep(directoryFsyncMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int r = directoryFsyncErrno != 0 ? -directoryFsyncErrno : real.fsync(fd);
        directoryFsyncTicks.add(new long[] {start, clock.incrementAndGet()});
        return r;
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
                return -Errno.EINVAL;
            }
        }
        int r = real.renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
        lastRename.set(clock.incrementAndGet());
        return r;
    }

    @Override
    public int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        int r = real.renameat(olddirfd, oldpath, newdirfd, newpath);
        lastRename.set(clock.incrementAndGet());
        return r;
    }

    @Override
    public int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        links.incrementAndGet();
        return refuseLinks ? -Errno.EPERM : real.linkat(olddirfd, oldpath, newdirfd, newpath, flags);
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
    public int geteuid() {
        return real.geteuid();
    }

    @Override
    public int getegid() {
        return real.getegid();
    }

    @Override
    public String strerror(int errno) {
        return real.strerror(errno);
    }
}
