package dev.durafile.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@link LibC} through the Foreign Function and Memory API (JDK 22+; this class lives in
 * {@code META-INF/versions/22} of the multi-release jar and is loaded by name from {@link Backends}).
 *
 * <p>Binds {@code openat}, {@code statx}, {@code fstatfs}, {@code mkdirat}, {@code readlinkat},
 * {@code flistxattr}, {@code fgetxattr}, {@code fsetxattr}, {@code fremovexattr},
 * {@code read}, {@code flock}, {@code write}, {@code fsync}, {@code fdatasync}, {@code renameat2},
 * {@code renameat}, {@code linkat}, {@code unlinkat}, {@code fchmod}, {@code fchown}, {@code close}
 * and {@code strerror} from the C library ({@link Linker#defaultLookup()}); each gets one
 * downcall handle, created when the class is initialized. {@code renameat2} is optional: if the C
 * library lacks it (glibc before 2.28), {@link #renameat2} answers {@code -ENOSYS} and the caller falls
 * back to {@code renameat}; so is {@code statx}, which then answers {@code -ENOSYS} and keeps the
 * native backends from loading. Output buffers are allocated in the call's arena and copied into the
 * caller's array after the call.
 *
 * <p>errno: every call that can fail is linked with {@link Linker.Option#captureCallState
 * captureCallState("errno")}, so the linker copies errno into a segment passed as the call's first
 * argument immediately after the C function returns, before the JVM can run anything that would
 * clobber it. That segment is allocated per call in a confined arena, so concurrent calls never share
 * it. A result of {@code -1} is turned into {@code -errno}.
 *
 * <p>Only for 64-bit Linux (x86_64 and aarch64, the platforms the native backends are selected on):
 * {@code size_t}/{@code ssize_t} are mapped to {@code long}, {@code mode_t}/{@code uid_t}/{@code gid_t}
 * to {@code int}, and the errno capture state is that of Linux.
 */
@SuppressWarnings("restricted") // downcalls and reinterpret are restricted; Backends checks native access first
final class PanamaLibC implements LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    /** Reads errno from a capture segment: coordinates (segment, base offset). */
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // int openat(int dirfd, const char *path, int flags, ...): the mode is the first variadic argument.
    private static final MethodHandle OPENAT = bind("openat", FunctionDescriptor.of(INT, INT, PTR, INT, INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(3));
    /** {@code null} when the C library has no statx (glibc before 2.28). */
    private static final MethodHandle STATX = LIBC.find("statx")
            .map(symbol -> LINKER.downcallHandle(symbol, FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR),
                    CAPTURE_ERRNO))
            .orElse(null);
    private static final MethodHandle FSTATFS = bind("fstatfs", FunctionDescriptor.of(INT, INT, PTR), CAPTURE_ERRNO);
    private static final MethodHandle MKDIRAT = bind("mkdirat", FunctionDescriptor.of(INT, INT, PTR, INT),
            CAPTURE_ERRNO);
    private static final MethodHandle FLISTXATTR = bind("flistxattr", FunctionDescriptor.of(LONG, INT, PTR, LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle FGETXATTR = bind("fgetxattr", FunctionDescriptor.of(LONG, INT, PTR, PTR, LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle FSETXATTR = bind("fsetxattr",
            FunctionDescriptor.of(INT, INT, PTR, PTR, LONG, INT), CAPTURE_ERRNO);
    private static final MethodHandle FREMOVEXATTR = bind("fremovexattr", FunctionDescriptor.of(INT, INT, PTR),
            CAPTURE_ERRNO);
    private static final MethodHandle READLINKAT = bind("readlinkat", FunctionDescriptor.of(LONG, INT, PTR, PTR, LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), CAPTURE_ERRNO);
    private static final MethodHandle FLOCK = bind("flock", FunctionDescriptor.of(INT, INT, INT), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, PTR, LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle FSYNC = bind("fsync", FunctionDescriptor.of(INT, INT), CAPTURE_ERRNO);
    private static final MethodHandle FDATASYNC = bind("fdatasync", FunctionDescriptor.of(INT, INT), CAPTURE_ERRNO);
    /** {@code null} when the C library has no renameat2. */
    private static final MethodHandle RENAMEAT2 = LIBC.find("renameat2")
            .map(symbol -> LINKER.downcallHandle(symbol, FunctionDescriptor.of(INT, INT, PTR, INT, PTR, INT),
                    CAPTURE_ERRNO))
            .orElse(null);
    private static final MethodHandle RENAMEAT = bind("renameat", FunctionDescriptor.of(INT, INT, PTR, INT, PTR),
            CAPTURE_ERRNO);
    private static final MethodHandle LINKAT = bind("linkat", FunctionDescriptor.of(INT, INT, PTR, INT, PTR, INT),
            CAPTURE_ERRNO);
    private static final MethodHandle UNLINKAT = bind("unlinkat", FunctionDescriptor.of(INT, INT, PTR, INT),
            CAPTURE_ERRNO);
    private static final MethodHandle FCHMOD = bind("fchmod", FunctionDescriptor.of(INT, INT, INT), CAPTURE_ERRNO);
    private static final MethodHandle FCHOWN = bind("fchown", FunctionDescriptor.of(INT, INT, INT, INT),
            CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(PTR, INT));
    private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(INT));

    /** The longest C string strerror is trusted to return; glibc's texts are far shorter. */
    private static final long STRERROR_MAX = 1024;

    PanamaLibC() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Optional<MemorySegment> symbol = LIBC.find(name);
        return LINKER.downcallHandle(
                symbol.orElseThrow(() -> new IllegalStateException("libc has no " + name)), descriptor, options);
    }

    /**
     * One downcall through a handle linked with {@link #CAPTURE_ERRNO}: receives the errno capture
     * segment (the handle's leading argument) and an arena for the call's C strings.
     */
    @FunctionalInterface
    private interface Call {
        long invoke(MemorySegment errnoState, Arena arena) throws Throwable;
    }

    /** Runs {@code call} with a fresh errno capture segment; @return its result, or {@code -errno} on -1 */
    private static long withErrno(Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long result = call.invoke(state, arena);
            return result == -1 ? -(int) ERRNO.get(state, 0L) : result;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** invokeExact declares Throwable; the downcalls here throw nothing checked. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a libc downcall", t);
    }

    /** Copies an already NUL-terminated path into {@code arena}. */
    private static MemorySegment cPath(Arena arena, byte[] path) {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, path);
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public int openat(int dirfd, byte[] path, int flags, int mode) {
        return (int) withErrno((s, a) -> (int) OPENAT.invokeExact(s, dirfd, cPath(a, path), flags, mode));
    }

    /** A downcall that fills {@code out}, a native buffer the size of the caller's array. */
    @FunctionalInterface
    private interface Filling {
        long invoke(MemorySegment errnoState, Arena arena, MemorySegment out) throws Throwable;
    }

    /**
     * Runs {@code call} with a native buffer, then copies what it filled into {@code buf}: all of it
     * ({@code whole}, for calls that return 0 on success) or as many bytes as the call returned.
     */
    private static long filling(byte[] buf, boolean whole, Filling call) {
        return withErrno((s, a) -> {
            MemorySegment out = a.allocate(buf.length);
            long n = call.invoke(s, a, out);
            int filled = n < 0 ? 0 : whole ? buf.length : (int) Math.min(n, buf.length);
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, buf, 0, filled);
            return n;
        });
    }

    @Override
    public int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) {
        if (STATX == null) {
            return -Errno.ENOSYS;
        }
        return (int) filling(buf, true,
                (s, a, out) -> (int) STATX.invokeExact(s, dirfd, cPath(a, path), flags, mask, out));
    }

    @Override
    public int fstatfs(int fd, byte[] buf) {
        return (int) filling(buf, true, (s, a, out) -> (int) FSTATFS.invokeExact(s, fd, out));
    }

    @Override
    public int mkdirat(int dirfd, byte[] path, int mode) {
        return (int) withErrno((s, a) -> (int) MKDIRAT.invokeExact(s, dirfd, cPath(a, path), mode));
    }

    @Override
    public int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    @Override
    public int flistxattr(int fd, byte[] buf) {
        return (int) filling(buf, false, (s, a, out) -> (long) FLISTXATTR.invokeExact(s, fd, out, (long) buf.length));
    }

    @Override
    public int fgetxattr(int fd, byte[] name, byte[] buf) {
        return (int) filling(buf, false,
                (s, a, out) -> (long) FGETXATTR.invokeExact(s, fd, cPath(a, name), out, (long) buf.length));
    }

    @Override
    public int fsetxattr(int fd, byte[] name, byte[] value, int flags) {
        return (int) withErrno((s, a) -> (int) FSETXATTR.invokeExact(s, fd, cPath(a, name),
                a.allocateFrom(ValueLayout.JAVA_BYTE, value), (long) value.length, flags));
    }

    @Override
    public int fremovexattr(int fd, byte[] name) {
        return (int) withErrno((s, a) -> (int) FREMOVEXATTR.invokeExact(s, fd, cPath(a, name)));
    }

    @Override
    public long readlinkat(int dirfd, byte[] path, byte[] buf) {
        return filling(buf, false,
                (s, a, out) -> (long) READLINKAT.invokeExact(s, dirfd, cPath(a, path), out, (long) buf.length));
    }

    @Override
    public long read(int fd, ByteBuffer buf) {
        // A segment over a direct buffer spans exactly its position..limit.
        MemorySegment bytes = MemorySegment.ofBuffer(buf);
        return withErrno((s, a) -> (long) READ.invokeExact(s, fd, bytes, bytes.byteSize()));
    }

    @Override
    public int flock(int fd, int operation) {
        return (int) withErrno((s, a) -> (int) FLOCK.invokeExact(s, fd, operation));
    }

    @Override
    public long write(int fd, ByteBuffer buf) {
        // A segment over a direct buffer spans exactly its position..limit.
        MemorySegment bytes = MemorySegment.ofBuffer(buf);
        return withErrno((s, a) -> (long) WRITE.invokeExact(s, fd, bytes, bytes.byteSize()));
    }

    @Override
    public int fsync(int fd) {
        return (int) withErrno((s, a) -> (int) FSYNC.invokeExact(s, fd));
    }

    @Override
    public int fdatasync(int fd) {
        return (int) withErrno((s, a) -> (int) FDATASYNC.invokeExact(s, fd));
    }

    @Override
    public int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        if (RENAMEAT2 == null) {
            return -Errno.ENOSYS;
        }
        return (int) withErrno((s, a) ->
                (int) RENAMEAT2.invokeExact(s, olddirfd, cPath(a, oldpath), newdirfd, cPath(a, newpath), flags));
    }

    @Override
    public int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return (int) withErrno((s, a) ->
                (int) RENAMEAT.invokeExact(s, olddirfd, cPath(a, oldpath), newdirfd, cPath(a, newpath)));
    }

    @Override
    public int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        return (int) withErrno((s, a) ->
                (int) LINKAT.invokeExact(s, olddirfd, cPath(a, oldpath), newdirfd, cPath(a, newpath), flags));
    }

    @Override
    public int unlinkat(int dirfd, byte[] path, int flags) {
        return (int) withErrno((s, a) -> (int) UNLINKAT.invokeExact(s, dirfd, cPath(a, path), flags));
    }

    @Override
    public int fchmod(int fd, int mode) {
        return (int) withErrno((s, a) -> (int) FCHMOD.invokeExact(s, fd, mode));
    }

    @Override
    public int fchown(int fd, int uid, int gid) {
        return (int) withErrno((s, a) -> (int) FCHOWN.invokeExact(s, fd, uid, gid));
    }

    @Override
    public int close(int fd) {
        return (int) withErrno((s, a) -> (int) CLOSE.invokeExact(s, fd));
    }

    @Override
    public String strerror(int errno) {
        try {
            // The returned pointer has size 0; give it a bound so the NUL-terminated text can be read.
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(STRERROR_MAX).getString(0);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }
}
