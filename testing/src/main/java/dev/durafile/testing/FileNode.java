package dev.durafile.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * A regular file: its current content, and its durable content as of its last sync. Bytes of
 * {@link #data} past {@link #size} are always zero, so growing a file exposes zeros.
 */
final class FileNode extends Node {
    private static final byte[] EMPTY = new byte[0];
    /** The largest size this model supports (a Java array). */
    private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    private byte[] data = EMPTY;
    private int size;
    private byte[] durable = EMPTY;

    FileNode(long id, Set<PosixFilePermission> permissions) {
        super(id, permissions);
    }

    @Override
    long size() {
        return size;
    }

    /** {@return the number of bytes read into {@code dst} from {@code position}, or -1 at or past the end} */
    int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        dst.put(data, (int) position, n);
        accessed = now();
        return n;
    }

    /** Writes all of {@code src} at {@code position}, zero-filling any gap past the end. */
    int write(long position, ByteBuffer src, String path) throws IOException {
        int n = src.remaining();
        long end = position + n;
        if (end > MAX_SIZE) {
            throw new IOException(path + ": File too large for the in-memory CrashFileSystem");
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(MAX_SIZE, Math.max(end, 2L * data.length)));
        }
        src.get(data, (int) position, n);
        size = Math.max(size, (int) end);
        touch();
        return n;
    }

    /** Shrinks the file to {@code newSize} if it is larger; never grows it. */
    void truncate(long newSize) {
        if (newSize < size) {
            Arrays.fill(data, (int) newSize, size, (byte) 0);
            size = (int) newSize;
            touch();
        }
    }

    /** fsync / fdatasync: the current content and size become durable. */
    void sync() {
        durable = current();
    }

    byte[] current() {
        return Arrays.copyOf(data, size);
    }

    byte[] durable() {
        return durable.clone();
    }

    /** Replaces both the current and the durable content, as after a crash or a copy. */
    void install(byte[] content, boolean makeDurable) {
        data = content.clone();
        size = content.length;
        if (makeDurable) {
            durable = content.clone();
        }
    }
}
