package dev.durafile.internal;

import dev.durafile.AtomicOutputStream;
import dev.durafile.IOConsumer;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
            throw Failures.unsupported("exchange", pa, pb, "different file systems");
        }
        FileBinding fb = bindingFor(pa);
        try (FileBinding.Directory da = fb.openDirectory(pa.getParent());
                FileBinding.Directory db = pa.getParent().equals(pb.getParent()) ? null
                        : fb.openDirectory(pb.getParent())) {
            FileBinding.Directory other = db != null ? db : da;
            da.rename(pa.getFileName().toString(), other, pb.getFileName().toString(), FileBinding.RenameMode.EXCHANGE);
            try {
                GroupCommit.sync(da);
                if (db != null) {
                    GroupCommit.sync(db);
                }
            } catch (IOException e) {
                throw Failures.afterPublish(a.toString(), "the directory fsync that makes the swap survive a power cut",
                        e);
            }
        }
    }

    private static Path entry(Path p, String name) throws IOException {
        Objects.requireNonNull(p, name);
        Path abs = p.toAbsolutePath();
        if (p.toString().isEmpty() || abs.getFileName() == null) {
            throw Failures.of("exchange", p, "not a file path");
        }
        return abs;
    }

    /**
     * Creates {@code dir} and any missing parents. Walking from the root, each component is created if
     * missing (whoever else creates it at the same time), opened relative to its parent, and its parent
     * is fsynced, also where the component already existed: another thread or process may have created
     * it without making it durable yet. So once this returns, the whole chain survives a power cut.
     */
    public Path createDirectories(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath();
        FileBinding fb = bindingFor(abs);
        FileBinding.Directory current = fb.openDirectory(abs.getRoot());
        try {
            for (Path component : abs.getRoot().relativize(abs)) {
                String name = component.toString();
                if (name.isEmpty()) {
                    continue;
                }
                if (!current.createDirectory(name)) {
                    FileBinding.Stat there = current.stat(name);
                    if (there != null && there.kind != FileBinding.Kind.DIRECTORY
                            && there.kind != FileBinding.Kind.SYMLINK) {
                        throw Failures.exists("create directory", current.path().resolve(name).toString(),
                                "it exists and is not a directory");
                    }
                }
                FileBinding.Directory child = current.openDirectory(name);
                try {
                    GroupCommit.sync(current);
                } catch (IOException | RuntimeException | Error e) {
                    closeAfter(child, e);
                    throw e;
                }
                current.close();
                current = child;
            }
        } catch (IOException e) {
            closeAfter(current, e);
            throw Failures.forTarget(e, dir.toString());
        } catch (RuntimeException | Error e) {
            closeAfter(current, e);
            throw e;
        }
        current.close();
        return dir;
    }

    private static void closeAfter(FileBinding.Directory d, Throwable cause) {
        try {
            d.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
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
            body.accept(new BodyStream(out, target.toString()));
            out.commit();
        }
    }

    /**
     * Copies {@code source} (following symlinks) to {@code target} atomically. A new target gets the
     * source's permissions unless the options name others. Every failure names {@code target}; a failure
     * to read the source says so and names it.
     */
    public void copy(Path source, Path target, WriteOptions options) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        int sourceMode = -1;
        try {
            if (source.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                sourceMode = Modes.toMode(Files.readAttributes(source, PosixFileAttributes.class).permissions());
            }
        } catch (IOException e) {
            throw Failures.forTarget(Failures.ofJdk(e, "open source", source), target.toString());
        }
        try (FileChannel in = openSource(source, target);
                PendingWrite w = begin(target, options, PendingWrite.Publish.REPLACE, sourceMode)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);
            while (read(in, buf, source, target) >= 0) {
                buf.flip();
                w.write(buf);
                buf.clear();
            }
            w.commit();
        }
    }

    private static FileChannel openSource(Path source, Path target) throws IOException {
        if (Files.isDirectory(source)) {
            throw Failures.forTarget(Failures.of("open source", source, "it is a directory (EISDIR)"),
                    target.toString());
        }
        try {
            return FileChannel.open(source, StandardOpenOption.READ);
        } catch (IOException e) {
            throw Failures.forTarget(Failures.ofJdk(e, "open source", source), target.toString());
        }
    }

    private static int read(FileChannel in, ByteBuffer buf, Path source, Path target) throws IOException {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw Failures.forTarget(Failures.ofJdk(e, "read source", source), target.toString());
        }
    }

    /** The stream a streaming body writes to: its close() only flushes, so the body cannot discard. */
    private static final class BodyStream extends OutputStream {
        private final AtomicOutputStream out;
        private final String target;
        private boolean closed;

        BodyStream(AtomicOutputStream out, String target) {
            this.out = out;
            this.target = target;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw Failures.of("write", target, "the write body already closed its stream");
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
