package dev.durafile.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntUnaryOperator;

/**
 * {@link LibC} through JNA direct mapping (JDK 17+). A failing call throws {@link LastErrorException},
 * which carries the errno JNA read right after that call on this thread; it is turned into {@code -errno}.
 * Byte arrays are copied to native memory for the call and back after it, so {@code statx} (into a
 * pooled buffer), {@code fstatfs}, {@code flistxattr}, {@code fgetxattr} and {@code readlinkat} fill the caller's array.
 * {@code openat} is variadic in C; passing its mode as a fixed {@code int} is correct on the Linux
 * x86_64 and aarch64 calling conventions, the only platforms the native backends are selected on.
 */
final class JnaLibC implements LibC {

    JnaLibC() {
        C.init();
    }

    /** The direct-mapped functions; registered once, when this class is first used. */
    private static final class C {
        static {
            Native.register(C.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static void init() {
            // Triggers the static initializer.
        }

        static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

        static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

        static native int fstatfs(int fd, byte[] buf) throws LastErrorException;

        static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

        static native int geteuid();

        static native long flistxattr(int fd, byte[] list, long size) throws LastErrorException;

        static native long fgetxattr(int fd, byte[] name, byte[] value, long size) throws LastErrorException;

        static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

        static native int fremovexattr(int fd, byte[] name) throws LastErrorException;

        static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size) throws LastErrorException;

        static native long write(int fd, Pointer buf, long count) throws LastErrorException;

        static native long read(int fd, Pointer buf, long count) throws LastErrorException;

        static native int flock(int fd, int operation) throws LastErrorException;

        static native int fsync(int fd) throws LastErrorException;

        static native int fdatasync(int fd) throws LastErrorException;

        static native int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
                throws LastErrorException;

        static native int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath)
                throws LastErrorException;

        static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
                throws LastErrorException;

        static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

        static native int fchmod(int fd, int mode) throws LastErrorException;

        static native int fchown(int fd, int uid, int gid) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native String strerror(int errnum);
    }

    /** One direct-mapped call; JNA reports its errno by throwing {@link LastErrorException}. */
    @FunctionalInterface
    private interface Call {
        long run() throws LastErrorException;
    }

    /** @return the call's result, or {@code -errno} if it failed */
    private static long call(Call c) {
        try {
            return c.run();
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public int openat(int dirfd, byte[] path, int flags, int mode) {
        return (int) call(() -> C.openat(dirfd, path, flags, mode));
    }

    /** A buffer for statx, which JNA fills through a copy, and its reader: reused, so a call allocates neither. */
    private static final class StatxBuffer implements IntUnaryOperator {
        private static final Pool<StatxBuffer> POOL = new Pool<>(64, StatxBuffer::new);
        private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

        final byte[] bytes = new byte[Linux.STATX_SIZE];

        @Override
        public int applyAsInt(int offset) {
            return (int) U32.get(bytes, offset);
        }
    }

    @Override
    public Statx statx(int dirfd, byte[] path, int flags, int mask) {
        StatxBuffer buf = StatxBuffer.POOL.take();
        try {
            int r = (int) call(() -> C.statx(dirfd, path, flags, mask, buf.bytes));
            return r < 0 ? Statx.failed(-r) : Statx.read(buf);
        } catch (UnsatisfiedLinkError e) {
            return Statx.failed(Linux.ENOSYS);
        } finally {
            StatxBuffer.POOL.give(buf);
        }
    }

    @Override
    public int fstatfs(int fd, byte[] buf) {
        return (int) call(() -> C.fstatfs(fd, buf));
    }

    @Override
    public int mkdirat(int dirfd, byte[] path, int mode) {
        return (int) call(() -> C.mkdirat(dirfd, path, mode));
    }

    @Override
    public int geteuid() {
        return C.geteuid();
    }

    @Override
    public int flistxattr(int fd, byte[] buf) {
        return (int) call(() -> C.flistxattr(fd, buf, buf.length));
    }

    @Override
    public int fgetxattr(int fd, byte[] name, byte[] buf) {
        return (int) call(() -> C.fgetxattr(fd, name, buf, buf.length));
    }

    @Override
    public int fsetxattr(int fd, byte[] name, byte[] value, int flags) {
        return (int) call(() -> C.fsetxattr(fd, name, value, value.length, flags));
    }

    @Override
    public int fremovexattr(int fd, byte[] name) {
        return (int) call(() -> C.fremovexattr(fd, name));
    }

    @Override
    public long readlinkat(int dirfd, byte[] path, byte[] buf) {
        return call(() -> C.readlinkat(dirfd, path, buf, buf.length));
    }

    @Override
    public long read(int fd, ByteBuffer buf) {
        Pointer p = Native.getDirectBufferPointer(buf).share(buf.position());
        return call(() -> C.read(fd, p, buf.remaining()));
    }

    @Override
    public int flock(int fd, int operation) {
        return (int) call(() -> C.flock(fd, operation));
    }

    @Override
    public long write(int fd, ByteBuffer buf) {
        Pointer p = Native.getDirectBufferPointer(buf).share(buf.position());
        return call(() -> C.write(fd, p, buf.remaining()));
    }

    @Override
    public int fsync(int fd) {
        return (int) call(() -> C.fsync(fd));
    }

    @Override
    public int fdatasync(int fd) {
        return (int) call(() -> C.fdatasync(fd));
    }

    @Override
    public int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        try {
            return (int) call(() -> C.renameat2(olddirfd, oldpath, newdirfd, newpath, flags));
        } catch (UnsatisfiedLinkError e) {
            return -Linux.ENOSYS;
        }
    }

    @Override
    public int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return (int) call(() -> C.renameat(olddirfd, oldpath, newdirfd, newpath));
    }

    @Override
    public int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        return (int) call(() -> C.linkat(olddirfd, oldpath, newdirfd, newpath, flags));
    }

    @Override
    public int unlinkat(int dirfd, byte[] path, int flags) {
        return (int) call(() -> C.unlinkat(dirfd, path, flags));
    }

    @Override
    public int fchmod(int fd, int mode) {
        return (int) call(() -> C.fchmod(fd, mode));
    }

    @Override
    public int fchown(int fd, int uid, int gid) {
        return (int) call(() -> C.fchown(fd, uid, gid));
    }

    @Override
    public int close(int fd) {
        return (int) call(() -> C.close(fd));
    }

    @Override
    public String strerror(int errno) {
        return C.strerror(errno);
    }
}
