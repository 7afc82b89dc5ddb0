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
import java.util.function.IntUnaryOperator;

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
 * native backends from loading. Output buffers are native memory of the call (see below), copied into
 * the caller's array after the call.
 *
 * <p>errno: every call that can fail is linked with {@link Linker.Option#captureCallState
 * captureCallState("errno")}, so the linker copies errno into a segment passed as the call's first
 * argument immediately after the C function returns, before the JVM can run anything that would
 * clobber it. A result of {@code -1} is turned into {@code -errno}.
 *
 * <p>Native memory: a call takes a {@link Scratch} (the errno capture state and room for its C strings
 * and output) from a {@link Pool} shared by all threads and gives it back when it returns, so concurrent calls
 * never share one, and a call allocates no native memory and nothing on the heap that escapes it,
 * whichever thread (a new or a virtual one too) makes it. Only a call whose strings and output do not
 * fit a scratch gets memory of its own, in a confined arena freed when it returns.
 *
 * <p>No call is linked {@link Linker.Option#critical critical}, although that would let the C
 * functions read the caller's heap arrays in place: a critical call holds off every safepoint of the
 * JVM until it returns, and each of these calls can wait on a disk (a {@code write} throttled behind
 * dirty pages, an {@code openat} reading a directory block), which would stop all threads' garbage
 * collection behind one file write.
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
     * Native memory for calls, reused through {@link #POOL}: the errno capture state, room for two C
     * strings and room for an output buffer, each {@link #ROOM} bytes and sliced once, when the scratch
     * is made. One the pool drops is freed by the garbage collector ({@link Arena#ofAuto()}).
     */
    private static final class Scratch implements IntUnaryOperator {
        /** A PATH_MAX path with its NUL, or a statx or xattr buffer. */
        static final long ROOM = Linux.PATH_MAX + 8;
        /** More scratches than calls in flight at once on most machines. */
        static final Pool<Scratch> POOL = new Pool<>(64, Scratch::new);

        final MemorySegment state;
        final MemorySegment first;
        final MemorySegment second;
        final MemorySegment out;

        private Scratch() {
            Arena arena = Arena.ofAuto();
            state = arena.allocate(CAPTURE_LAYOUT);
            first = arena.allocate(ROOM);
            second = arena.allocate(ROOM);
            out = arena.allocate(ROOM);
        }

        /** Reads the 32-bit word at {@code offset} of {@link #out}: how {@link Statx#read} reads a statx result. */
        @Override
        public int applyAsInt(int offset) {
            return out.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
        }
    }

    /**
     * The native memory of one call, from its creation to {@link #close}: a {@link Scratch} no other
     * call uses meanwhile, and, for a string or buffer that does not fit it, a confined arena of the
     * call's own.
     */
    private static final class Memory implements AutoCloseable {
        private final Scratch scratch = Scratch.POOL.take();
        private Arena own;
        private int strings;

        /** @return the errno capture segment, the leading argument of every handle linked with it */
        MemorySegment state() {
            return scratch.state;
        }

        /** @return {@code result}, or {@code -errno} if it is -1 */
        long result(long result) {
            return result == -1 ? -(int) ERRNO.get(scratch.state, 0L) : result;
        }

        /** @return memory of at least {@code size} bytes for the call's output; one per call */
        MemorySegment out(long size) {
            return size <= Scratch.ROOM ? scratch.out : own().allocate(Math.max(size, 1));
        }

        /** @return a copy of {@code path}, already NUL-terminated: the call's first string, then its second */
        MemorySegment cPath(byte[] path) {
            MemorySegment s = path.length > Scratch.ROOM || strings > 1 ? own().allocate(path.length)
                    : strings == 0 ? scratch.first : scratch.second;
            strings++;
            MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, 0, path.length);
            return s;
        }

        private Arena own() {
            if (own == null) {
                own = Arena.ofConfined();
            }
            return own;
        }

        @Override
        public void close() {
            if (own != null) {
                own.close();
            }
            Scratch.POOL.give(scratch);
        }
    }

    /**
     * One downcall through a handle linked with {@link #CAPTURE_ERRNO}: receives the errno capture
     * segment (the handle's leading argument) and the memory for the call's C strings and output.
     */
    @FunctionalInterface
    private interface Call {
        long invoke(MemorySegment errnoState, Memory memory) throws Throwable;
    }

    /**
     * Runs {@code call} with memory of its own.
     *
     * @return its result, or {@code -errno} on -1
     */
    private static long withErrno(Call call) {
        try (Memory memory = new Memory()) {
            return memory.result(call.invoke(memory.state(), memory));
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

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public int openat(int dirfd, byte[] path, int flags, int mode) {
        return (int) withErrno((s, m) -> (int) OPENAT.invokeExact(s, dirfd, m.cPath(path), flags, mode));
    }

    /** A downcall that fills {@code out}, a native buffer the size of the caller's array. */
    @FunctionalInterface
    private interface Filling {
        long invoke(MemorySegment errnoState, Memory memory, MemorySegment out) throws Throwable;
    }

    /**
     * Runs {@code call} with a native buffer, then copies what it filled into {@code buf}: all of it
     * ({@code whole}, for calls that return 0 on success) or as many bytes as the call returned.
     */
    private static long filling(byte[] buf, boolean whole, Filling call) {
        return withErrno((s, m) -> {
            MemorySegment out = m.out(buf.length);
            long n = call.invoke(s, m, out);
            int filled = n < 0 ? 0 : whole ? buf.length : (int) Math.min(n, buf.length);
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, buf, 0, filled);
            return n;
        });
    }

    @Override
    public Statx statx(int dirfd, byte[] path, int flags, int mask) {
        if (STATX == null) {
            return Statx.failed(Linux.ENOSYS);
        }
        try (Memory memory = new Memory()) {
            long r = memory.result((int) STATX.invokeExact(memory.state(), dirfd, memory.cPath(path), flags, mask,
                    memory.scratch.out));
            return r < 0 ? Statx.failed((int) -r) : Statx.read(memory.scratch);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    @Override
    public int fstatfs(int fd, byte[] buf) {
        return (int) filling(buf, true, (s, m, out) -> (int) FSTATFS.invokeExact(s, fd, out));
    }

    @Override
    public int mkdirat(int dirfd, byte[] path, int mode) {
        return (int) withErrno((s, m) -> (int) MKDIRAT.invokeExact(s, dirfd, m.cPath(path), mode));
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
        return (int) filling(buf, false,
                (s, m, out) -> (long) FLISTXATTR.invokeExact(s, fd, out, (long) buf.length));
    }

    @Override
    public int fgetxattr(int fd, byte[] name, byte[] buf) {
        return (int) filling(buf, false,
                (s, m, out) -> (long) FGETXATTR.invokeExact(s, fd, m.cPath(name), out, (long) buf.length));
    }

    @Override
    public int fsetxattr(int fd, byte[] name, byte[] value, int flags) {
        return (int) withErrno((s, m) -> (int) FSETXATTR.invokeExact(s, fd,
                m.cPath(name), m.cPath(value), (long) value.length, flags));
    }

    @Override
    public int fremovexattr(int fd, byte[] name) {
        return (int) withErrno((s, m) -> (int) FREMOVEXATTR.invokeExact(s, fd, m.cPath(name)));
    }

    @Override
    public long readlinkat(int dirfd, byte[] path, byte[] buf) {
        return filling(buf, false,
                (s, m, out) -> (long) READLINKAT.invokeExact(s, dirfd, m.cPath(path), out, (long) buf.length));
    }

    @Override
    public long read(int fd, ByteBuffer buf) {
        // A segment over a direct buffer spans exactly its position..limit.
        MemorySegment bytes = MemorySegment.ofBuffer(buf);
        return withErrno((s, m) -> (long) READ.invokeExact(s, fd, bytes, bytes.byteSize()));
    }

    @Override
    public int flock(int fd, int operation) {
        return (int) withErrno((s, m) -> (int) FLOCK.invokeExact(s, fd, operation));
    }

    @Override
    public long write(int fd, ByteBuffer buf) {
        // A segment over a direct buffer spans exactly its position..limit.
        MemorySegment bytes = MemorySegment.ofBuffer(buf);
        return withErrno((s, m) -> (long) WRITE.invokeExact(s, fd, bytes, bytes.byteSize()));
    }

    @Override
    public int fsync(int fd) {
        return (int) withErrno((s, m) -> (int) FSYNC.invokeExact(s, fd));
    }

    @Override
    public int fdatasync(int fd) {
        return (int) withErrno((s, m) -> (int) FDATASYNC.invokeExact(s, fd));
    }

    @Override
    public int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        if (RENAMEAT2 == null) {
            return -Linux.ENOSYS;
        }
        return (int) withErrno((s, m) ->
                (int) RENAMEAT2.invokeExact(s, olddirfd, m.cPath(oldpath), newdirfd, m.cPath(newpath), flags));
    }

    @Override
    public int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return (int) withErrno((s, m) ->
                (int) RENAMEAT.invokeExact(s, olddirfd, m.cPath(oldpath), newdirfd, m.cPath(newpath)));
    }

    @Override
    public int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        return (int) withErrno((s, m) ->
                (int) LINKAT.invokeExact(s, olddirfd, m.cPath(oldpath), newdirfd, m.cPath(newpath), flags));
    }

    @Override
    public int unlinkat(int dirfd, byte[] path, int flags) {
        return (int) withErrno((s, m) -> (int) UNLINKAT.invokeExact(s, dirfd, m.cPath(path), flags));
    }

    @Override
    public int fchmod(int fd, int mode) {
        return (int) withErrno((s, m) -> (int) FCHMOD.invokeExact(s, fd, mode));
    }

    @Override
    public int fchown(int fd, int uid, int gid) {
        return (int) withErrno((s, m) -> (int) FCHOWN.invokeExact(s, fd, uid, gid));
    }

    @Override
    public int close(int fd) {
        return (int) withErrno((s, m) -> (int) CLOSE.invokeExact(s, fd));
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
