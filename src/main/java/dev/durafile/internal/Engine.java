package dev.durafile.internal;

import dev.durafile.AtomicOutputStream;
import dev.durafile.IOConsumer;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
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

    private PendingWrite begin(Path target, WriteOptions options, PendingWrite.Publish publish, int newFileMode)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        return PendingWrite.begin(bindingFor(target), target, options, publish, newFileMode);
    }

    private void write(Path target, ByteBuffer data, WriteOptions options, PendingWrite.Publish publish)
            throws IOException {
        Objects.requireNonNull(data, "data");
        try (PendingWrite w = begin(target, options, publish, -1)) {
            w.write(data);
            w.commit();
        }
    }

    /** Writes {@code data}'s remaining bytes to {@code target} atomically. */
    public void write(Path target, ByteBuffer data, WriteOptions options) throws IOException {
        write(target, data, options, PendingWrite.Publish.REPLACE);
    }

    /** Writes {@code data}'s remaining bytes to {@code target} only if it does not exist, atomically. */
    public void createNew(Path target, ByteBuffer data, WriteOptions options) throws IOException {
        write(target, data, options, PendingWrite.Publish.CREATE_NEW);
    }

    /** Opens a stream whose commit publishes to {@code target}. */
    public AtomicOutputStream newOutputStream(Path target, WriteOptions options) throws IOException {
        return new PendingOutputStream(begin(target, options, PendingWrite.Publish.REPLACE, -1));
    }

    /**
     * Swaps the directory entries {@code a} and {@code b} atomically (files or directories, symlinks not
     * followed), then makes both directories durable.
     */
    public void exchange(Path a, Path b) throws IOException {
        Path pa = entry(a, "a");
        Path pb = entry(b, "b");
        if (pa.getFileSystem() != pb.getFileSystem()) {
            throw new AtomicMoveNotSupportedException(a.toString(), b.toString(), "exchange failed: different file systems");
        }
        FileBinding fb = bindingFor(pa);
        try (FileBinding.Directory da = fb.openDirectory(pa.getParent())) {
            if (pa.getParent().equals(pb.getParent())) {
                da.rename(pa.getFileName().toString(), da, pb.getFileName().toString(), FileBinding.RenameMode.EXCHANGE);
                GroupCommit.sync(da);
                return;
            }
            try (FileBinding.Directory db = fb.openDirectory(pb.getParent())) {
                da.rename(pa.getFileName().toString(), db, pb.getFileName().toString(), FileBinding.RenameMode.EXCHANGE);
                GroupCommit.sync(da);
                GroupCommit.sync(db);
            }
        }
    }

    private static Path entry(Path p, String name) throws IOException {
        Objects.requireNonNull(p, name);
        Path abs = p.toAbsolutePath();
        if (p.toString().isEmpty() || abs.getFileName() == null) {
            throw new FileSystemException(p.toString(), null, "exchange failed: not a file path");
        }
        return abs;
    }

    /**
     * Creates {@code dir} and any missing parents; after creating each directory, fsyncs its parent, so
     * the whole chain survives a power cut once this returns.
     */
    public Path createDirectories(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        FileBinding fb = bindingFor(abs);
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw NioBinding.withOperation(e, "create directory");
                }
            } catch (FileSystemException e) {
                throw NioBinding.withOperation(e, "create directory");
            }
            try (FileBinding.Directory parent = fb.openDirectory(p.getParent())) {
                GroupCommit.sync(parent);
            }
        }
        return dir;
    }

    /** Tests what the file system holding {@code dir} supports, by trying each feature in {@code dir}. */
    public dev.durafile.FileSystemCapabilities probe(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath();
        return CapabilityProbe.probe(bindingFor(abs), abs);
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
        try (FileChannel in = openSource(source);
                PendingWrite w = begin(target, options, PendingWrite.Publish.REPLACE, sourceMode)) {
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
