package dev.durafile.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A {@link FileBinding.SourceFile} made of what a binding opened: its stat, how to read it, how to close it. */
final class OpenSource implements FileBinding.SourceFile {
    /** Reads into a buffer: the bytes read, or -1 at the end. */
    @FunctionalInterface
    interface Reader {
        int read(ByteBuffer dst) throws IOException;
    }

    private final FileBinding.Stat stat;
    private final Reader reader;
    private final Closeable closer;

    OpenSource(FileBinding.Stat stat, Reader reader, Closeable closer) {
        this.stat = stat;
        this.reader = reader;
        this.closer = closer;
    }

    @Override
    public FileBinding.Stat stat() {
        return stat;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return reader.read(dst);
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
