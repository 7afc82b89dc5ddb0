package dev.durafile.internal;

import java.util.function.IntUnaryOperator;

/**
 * What one {@code statx(2)} call reported: the fields of {@code struct statx} the native backends use,
 * read straight from the kernel's structure ({@link Linux#STATX_SIZE} bytes, the fields of
 * {@link Linux#STATX_MASK} at the offsets {@link Linux} names), or the errno of a failed call. Immutable.
 *
 * <p>It is also the file's identity ({@link FileBinding.Stat#key}) in the native bindings: two are equal
 * when they name one file, (st_dev, st_ino), whatever else differs, so a stat makes no other object for it.
 */
final class Statx {
    /** 0, or the errno of the failed call (then every other field is 0). */
    final int errno;
    /** {@code stx_mode}: the file type and permission bits. */
    final int mode;
    final int uid;
    final int gid;
    final long inode;
    /**
     * The device, {@code stx_dev_major} in the high 32 bits and {@code stx_dev_minor} in the low ones: not
     * the {@code st_dev} encoding of stat(2) (glibc's makedev), nor java.nio's {@code unix:dev}.
     */
    final long device;

    private Statx(int errno, int mode, int uid, int gid, long inode, long device) {
        this.errno = errno;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.inode = inode;
        this.device = device;
    }

    /** @return the outcome of a call that failed with {@code errno} */
    static Statx failed(int errno) {
        return new Statx(errno, 0, 0, 0, 0, 0);
    }

    /**
     * @param u32 reads the 32-bit word at a byte offset of the filled structure, in the machine's order
     *     (little-endian: the native backends run on x86_64 and aarch64 only)
     * @return the fields it holds
     */
    static Statx read(IntUnaryOperator u32) {
        long inode = (long) u32.applyAsInt(Linux.STX_INO + 4) << 32 | u32.applyAsInt(Linux.STX_INO) & 0xffffffffL;
        long device = (long) u32.applyAsInt(Linux.STX_DEV_MAJOR) << 32
                | u32.applyAsInt(Linux.STX_DEV_MINOR) & 0xffffffffL;
        return new Statx(0, u32.applyAsInt(Linux.STX_MODE) & 0xffff, u32.applyAsInt(Linux.STX_UID),
                u32.applyAsInt(Linux.STX_GID), inode, device);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Statx && ((Statx) o).device == device && ((Statx) o).inode == inode;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(device) * 31 + Long.hashCode(inode);
    }

    /** @return the identity, {@code (dev MAJOR:MINOR, ino N)} */
    @Override
    public String toString() {
        return "(dev " + (device >>> 32) + ":" + (device & 0xffffffffL) + ", ino " + inode + ")";
    }
}
