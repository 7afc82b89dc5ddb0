package dev.durafile.internal;

import dev.durafile.AtomicOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** {@link AtomicOutputStream} over a {@link PendingWrite}, buffering small writes. */
final class PendingOutputStream extends AtomicOutputStream {
    private static final int BUFFER_BYTES = 8192;

    private final PendingWrite write;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    /** True once committed or closed: later writes throw instead of being dropped. */
    private boolean done;

    PendingOutputStream(PendingWrite write) {
        this.write = write;
    }

    private void ensureOpen() throws IOException {
        if (done) {
            write.refuseUse();
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len <= buffer.remaining()) {
            buffer.put(b, off, len);
            return;
        }
        drain();
        if (len < buffer.capacity()) {
            buffer.put(b, off, len);
        } else {
            write.write(ByteBuffer.wrap(b, off, len));
        }
    }

    /** Moves buffered bytes into the temp file; nothing is published or synced. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        drain();
    }

    private void drain() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            try {
                write.write(buffer);
            } finally {
                buffer.clear();
            }
        }
    }

    @Override
    public void commit() throws IOException {
        ensureOpen();
        try {
            drain();
            write.commit();
        } finally {
            done = true;
        }
    }

    @Override
    public void close() throws IOException {
        done = true;
        write.close();
    }
}
