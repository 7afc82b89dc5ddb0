package dev.durafile.internal;

import dev.durafile.AtomicOutputStream;
import dev.durafile.IOConsumer;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Objects;

/**
 * The operations behind {@link dev.durafile.AtomicFiles}, bound to one {@link FileBinding}. Paths on
 * a file system other than the default one always go through java.nio.
 */
public final class Engine {
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final FileBinding binding;
    private final FileBinding nio = new NioBinding();

    /** @param binding the file operations for the default file system */
    public Engine(FileBinding binding) {
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    /** @return the backend's name: {@code "panama"}, {@code "jna"} or {@code "nio"} */
    public String backendName() {
        return binding.name();
    }

    private FileBinding bindingFor(Path p) {
        return p.getFileSystem() == FileSystems.getDefault() ? binding : nio;
    }

    private PendingWrite begin(Path target, WriteOptions options, int newFileMode) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        return PendingWrite.begin(bindingFor(target), target, options, newFileMode);
    }

    /** Writes {@code data}'s remaining bytes to {@code target} atomically. */
    public void write(Path target, ByteBuffer data, WriteOptions options) throws IOException {
        Objects.requireNonNull(data, "data");
        try (PendingWrite w = begin(target, options, -1)) {
            w.write(data);
            w.commit();
        }
    }

    /** Opens a stream whose commit publishes to {@code target}. */
    public AtomicOutputStream newOutputStream(Path target, WriteOptions options) throws IOException {
        return new PendingOutputStream(begin(target, options, -1));
    }

    /**
     * Runs {@code body} on a stream into a temp file, then publishes it. The stream handed to the body
     * may be closed by it (as Jackson and writers do); that flushes but does not discard or publish.
     */
    public void write(Path target, WriteOptions options, IOConsumer<OutputStream> body) throws IOException {
        Objects.requireNonNull(body, "body");
        try (AtomicOutputStream out = newOutputStream(target, options)) {
            body.accept(new BodyStream(out));
            out.commit();
        }
    }

    /**
     * Copies {@code source} (following symlinks) to {@code target} atomically. A new target gets the
     * source's permissions unless the options name others.
     */
    public void copy(Path source, Path target, WriteOptions options) throws IOException {
        Objects.requireNonNull(source, "source");
        int sourceMode = -1;
        if (source.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try {
                sourceMode = Modes.toMode(Files.readAttributes(source, PosixFileAttributes.class).permissions());
            } catch (FileSystemException e) {
                throw NioBinding.withOperation(e, "open source");
            }
        }
        try (FileChannel in = openSource(source); PendingWrite w = begin(target, options, sourceMode)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);
            while (read(in, buf, source) >= 0) {
                buf.flip();
                w.write(buf);
                buf.clear();
            }
            w.commit();
        }
    }

    private static FileChannel openSource(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            throw new FileSystemException(source.toString(), null, "open source failed: is a directory (EISDIR)");
        }
        try {
            return FileChannel.open(source, StandardOpenOption.READ);
        } catch (FileSystemException e) {
            throw NioBinding.withOperation(e, "open source");
        }
    }

    private static int read(FileChannel in, ByteBuffer buf, Path source) throws IOException {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw NioBinding.withPath(e, source, "read source");
        }
    }

    /** The stream a streaming body writes to: its close() only flushes, so the body cannot discard. */
    private static final class BodyStream extends OutputStream {
        private final AtomicOutputStream out;
        private boolean closed;

        BodyStream(AtomicOutputStream out) {
            this.out = out;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("stream closed by the write body");
            }
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                out.flush();
                closed = true;
            }
        }
    }
}
