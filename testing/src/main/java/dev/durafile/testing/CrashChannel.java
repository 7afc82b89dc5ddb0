package dev.durafile.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A channel on a {@link FileNode}, or, opened for reading, on a {@link DirNode} (only {@link #force}
 * does something then: it fsyncs the directory). Writes, truncates, forces and the close of a channel
 * opened for writing are counted operations. No memory mapping, no locks.
 */
final class CrashChannel extends FileChannel {
    private static final int TRANSFER_CHUNK = 64 * 1024;

    private final Kernel kernel;
    private final Node node;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean syncEachWrite;
    private long position;
    /** Set when a crash ended the process that opened this channel: closing it then does nothing. */
    private boolean killed;

    CrashChannel(Kernel kernel, Node node, String path, boolean readable, boolean writable, boolean append,
            boolean syncEachWrite) {
        this.kernel = kernel;
        this.node = node;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.syncEachWrite = syncEachWrite;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private FileNode readableFile() throws IOException {
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (!(node instanceof FileNode)) {
            throw new IOException(path + ": Is a directory");
        }
        return (FileNode) node;
    }

    private FileNode writableFile(String operation, int bytes) throws IOException {
        kernel.beginOp(operation + " " + path + (bytes >= 0 ? " (" + bytes + " bytes)" : ""));
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        return (FileNode) node;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (kernel) {
            kernel.checkAlive();
            int n = readableFile().read(position, dst);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        synchronized (kernel) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = read(dsts[i]);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
            }
            return total;
        }
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        if (pos < 0) {
            throw new IllegalArgumentException("negative position");
        }
        synchronized (kernel) {
            kernel.checkAlive();
            return readableFile().read(pos, dst);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (kernel) {
            FileNode f = writableFile("write", src.remaining());
            if (append) {
                position = f.size();
            }
            int n = f.write(position, src, path);
            position += n;
            syncIfAsked(f);
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long bytes = 0;
        for (int i = offset; i < offset + length; i++) {
            bytes += srcs[i].remaining();
        }
        synchronized (kernel) {
            FileNode f = writableFile("write", (int) Math.min(Integer.MAX_VALUE, bytes));
            if (append) {
                position = f.size();
            }
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = f.write(position, srcs[i], path);
                position += n;
                total += n;
            }
            syncIfAsked(f);
            return total;
        }
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        if (pos < 0) {
            throw new IllegalArgumentException("negative position");
        }
        synchronized (kernel) {
            FileNode f = writableFile("write", src.remaining());
            int n = f.write(pos, src, path);
            syncIfAsked(f);
            return n;
        }
    }

    private void syncIfAsked(FileNode f) {
        if (syncEachWrite) {
            f.sync();
        }
    }

    @Override
    public long position() throws IOException {
        synchronized (kernel) {
            kernel.checkAlive();
            ensureOpen();
            return position;
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        synchronized (kernel) {
            kernel.checkAlive();
            ensureOpen();
            position = newPosition;
            return this;
        }
    }

    @Override
    public long size() throws IOException {
        synchronized (kernel) {
            kernel.checkAlive();
            ensureOpen();
            return node.size();
        }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        synchronized (kernel) {
            FileNode f = writableFile("truncate", -1);
            f.truncate(size);
            position = Math.min(position, size);
            return this;
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        synchronized (kernel) {
            if (node instanceof DirNode) {
                kernel.beginOp("fsync directory " + path);
                ensureOpen();
                kernel.syncDirectory((DirNode) node);
                return;
            }
            kernel.beginOp((metaData ? "fsync " : "fdatasync ") + path);
            ensureOpen();
            ((FileNode) node).sync();
        }
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(0, count)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, pos + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(0, count)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            done += write(buf, pos + done);
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long size) {
        throw new UnsupportedOperationException("CrashFileSystem does not model memory-mapped files");
    }

    @Override
    public FileLock lock(long pos, long size, boolean shared) {
        throw new UnsupportedOperationException("CrashFileSystem does not model file locks");
    }

    @Override
    public FileLock tryLock(long pos, long size, boolean shared) {
        throw new UnsupportedOperationException("CrashFileSystem does not model file locks");
    }

    /** Closes this channel without counting an operation: the process that opened it died in a crash. */
    void kill() {
        killed = true;
        try {
            close();
        } catch (IOException e) {
            throw new IllegalStateException("closing a killed channel does no I/O", e);
        }
    }

    @Override
    protected void implCloseChannel() {
        if (killed) {
            return;
        }
        synchronized (kernel) {
            kernel.closed(this);
            if (writable) {
                kernel.beginOp("close " + path);
            } else {
                kernel.checkAlive();
            }
        }
    }
}
