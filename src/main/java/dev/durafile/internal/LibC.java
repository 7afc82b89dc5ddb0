package dev.durafile.internal;

import java.nio.ByteBuffer;

/**
 * The raw C calls the native backends make: one method per libc function, no policy. Every method
 * returns the call's result, or {@code -errno} when it failed; errno is captured per call, never read
 * from shared state. Paths are NUL-terminated byte arrays ({@link Name#cString}). Bindings:
 * {@link JnaLibC} (JDK 17+) and {@code PanamaLibC} (JDK 22+, multi-release part of the jar). The flags,
 * errno values and buffer sizes these calls take and give are in {@link Linux}.
 */
interface LibC {
    /** @return the binding's name, {@code "jna"} or {@code "panama"} */
    String name();

    int openat(int dirfd, byte[] path, int flags, int mode);

    /**
     * statx(2) (Linux 4.11+, glibc 2.28+).
     *
     * @return the fields it reported, or the errno it failed with ({@link Statx#errno})
     */
    Statx statx(int dirfd, byte[] path, int flags, int mask);

    /** Fills {@code buf} ({@link Linux#STATFS_SIZE} bytes) with {@code struct statfs}. */
    int fstatfs(int fd, byte[] buf);

    int mkdirat(int dirfd, byte[] path, int mode);

    /** @return the effective user id of this process (the call never fails) */
    int geteuid();

    /** @return the size of the NUL-separated list of the file's extended attribute names placed in {@code buf} */
    int flistxattr(int fd, byte[] buf);

    /** @return the size of the extended attribute {@code name} placed in {@code buf} */
    int fgetxattr(int fd, byte[] name, byte[] buf);

    int fsetxattr(int fd, byte[] name, byte[] value, int flags);

    int fremovexattr(int fd, byte[] name);

    /** @return the number of bytes of the link's target placed in {@code buf} (not NUL-terminated) */
    long readlinkat(int dirfd, byte[] path, byte[] buf);

    /** Reads into {@code buf} from its position up to its limit; {@code buf} must be direct. */
    long read(int fd, ByteBuffer buf);

    /** flock(2): {@link Linux#LOCK_EX} (with {@link Linux#LOCK_NB}) or {@link Linux#LOCK_UN}. */
    int flock(int fd, int operation);

    /** Writes {@code buf}'s remaining bytes from its position; {@code buf} must be direct. */
    long write(int fd, ByteBuffer buf);

    int fsync(int fd);

    int fdatasync(int fd);

    int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

    int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

    int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

    int unlinkat(int dirfd, byte[] path, int flags);

    int fchmod(int fd, int mode);

    int fchown(int fd, int uid, int gid);

    int close(int fd);

    /** @return the C library's text for an errno value */
    String strerror(int errno);
}
