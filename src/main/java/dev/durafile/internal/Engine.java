package dev.durafile.internal;

import dev.durafile.AtomicOutputStream;
import dev.durafile.FileTransaction;
import dev.durafile.RecoveryReport;
import dev.durafile.IOConsumer;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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

    FileBinding bindingFor(Path p) {
        return p.getFileSystem() == FileSystems.getDefault() ? binding : nio;
    }

    /** What goes into a staged write's temp file. */
    interface Fill {
        void into(PendingWrite w) throws IOException;
    }

    /**
     * Begins a write and fills its temp file, without publishing it.
     *
     * @param announce told of the temp before it exists, or null
     * @return the filled write, for the caller to commit or close; on failure it is already discarded
     */
    PendingWrite stage(Path target, WriteOptions options, PendingWrite.Publish publish, int newFileMode,
            PendingWrite.Announce announce, Fill fill) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        PendingWrite w = PendingWrite.begin(bindingFor(target), target, options, publish, newFileMode, announce);
        try {
            fill.into(w);
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(w, e);
            throw e;
        }
        return w;
    }

    private static void commit(PendingWrite staged) throws IOException {
        try (staged) {
            staged.commit();
        }
    }

    /** Stages {@code data}'s remaining bytes; see {@link #stage}. */
    PendingWrite stage(Path target, ByteBuffer data, WriteOptions options, PendingWrite.Publish publish,
            PendingWrite.Announce announce) throws IOException {
        Objects.requireNonNull(data, "data");
        return stage(target, options, publish, -1, announce, w -> w.write(data));
    }

    /**
     * @return {@code text} in {@code charset}
     * @throws java.nio.charset.CharacterCodingException if it cannot be encoded
     */
    public static ByteBuffer encode(CharSequence text, Charset charset) throws IOException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(charset, "charset");
        return charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
    }

    /**
     * Begins a transaction with its record in {@code journalDir} (created if missing), recovering the
     * journal first if this JVM has not yet.
     */
    public FileTransaction transaction(Path journalDir, WriteOptions options) throws IOException {
        Objects.requireNonNull(journalDir, "journalDir");
        Objects.requireNonNull(options, "options");
        Journal j = Journal.open(this, journalDir);
        j.recoverOnce(this);
        return new Transaction(this, j, options);
    }

    /** Recovers the journal {@code journalDir}: see {@link Journal#recover}. */
    public RecoveryReport recover(Path journalDir) throws IOException {
        Objects.requireNonNull(journalDir, "journalDir");
        return Journal.open(this, journalDir).recoverNow(this);
    }

    /** Writes {@code data}'s remaining bytes to {@code target} atomically. */
    public void write(Path target, ByteBuffer data, WriteOptions options) throws IOException {
        commit(stage(target, data, options, PendingWrite.Publish.REPLACE, null));
    }

    /** Writes {@code data}'s remaining bytes to {@code target} only if it does not exist, atomically. */
    public void createNew(Path target, ByteBuffer data, WriteOptions options) throws IOException {
        commit(stage(target, data, options, PendingWrite.Publish.CREATE_NEW, null));
    }

    /** Opens a stream whose commit publishes to {@code target}. */
    public AtomicOutputStream newOutputStream(Path target, WriteOptions options) throws IOException {
        return new PendingOutputStream(stage(target, options, PendingWrite.Publish.REPLACE, -1, null, w -> { }));
    }

    /**
     * Swaps the directory entries {@code a} and {@code b} atomically (files or directories, symlinks not
     * followed), then makes both directories durable.
     */
    public void exchange(Path a, Path b) throws IOException {
        Path pa = entry(a, "a");
        Path pb = entry(b, "b");
        try {
            if (pa.getFileSystem() != pb.getFileSystem()) {
                throw Failures.unsupported("exchange", pa, pb, "different file systems");
            }
            FileBinding fb = bindingFor(pa);
            try (FileBinding.Directory da = fb.openDirectory(pa.getParent());
                    FileBinding.Directory db = pa.getParent().equals(pb.getParent()) ? null
                            : fb.openDirectory(pb.getParent())) {
                FileBinding.Directory other = db != null ? db : da;
                try {
                    da.rename(Name.of(pa.getFileName()), other, Name.of(pb.getFileName()),
                            FileBinding.RenameMode.EXCHANGE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw exchangeRefused(fb, da, pa, pb, e);
                }
                try {
                    da.sync();
                    if (db != null) {
                        db.sync();
                    }
                } catch (IOException e) {
                    throw Failures.afterPublish(a.toString(), "the directory fsync that makes the swap survive a"
                            + " power cut", e);
                }
            }
        } catch (IOException e) {
            throw Failures.forTarget(e, a.toString(), b.toString());
        }
    }

    /**
     * The kernel refuses RENAME_EXCHANGE with EINVAL both where the file system lacks it and where one
     * of the two is a directory and the other lies inside it; the capability probe tells which (unless
     * the refusal never reached the kernel: java.nio has no RENAME_EXCHANGE, or it is known refused here).
     */
    private static IOException exchangeRefused(FileBinding fb, FileBinding.Directory dir, Path a, Path b,
            AtomicMoveNotSupportedException e) throws IOException {
        if (fb.name().equals("nio") || Capabilities.of(dir).exchangeRefused) {
            return e;
        }
        try {
            if (!CapabilityProbe.probe(fb, a.getParent()).renameExchange()) {
                return e;
            }
        } catch (IOException probe) {
            // the probe cannot run here (no write permission, no inodes left): the kernel's answer stands
            e.addSuppressed(probe);
            return e;
        }
        return Failures.invalid("exchange", a, b, "a directory cannot be swapped with a file or directory inside it");
    }

    private static Path entry(Path p, String name) throws IOException {
        Objects.requireNonNull(p, name);
        Path abs = p.toAbsolutePath();
        if (p.toString().isEmpty() || abs.getFileName() == null) {
            throw Failures.of("exchange", p, "not a file path");
        }
        return abs;
    }

    /** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
    private static final int MAX_SYMLINKS = 40;

    /** One name still to walk in {@link #createDirectories}; those from a link's target are never created. */
    private static final class Step {
        final Name name;
        final boolean mayCreate;

        Step(Name name, boolean mayCreate) {
            this.name = name;
            this.mayCreate = mayCreate;
        }
    }

    /**
     * Creates {@code dir} and any missing parents, walking the path as the kernel resolves it: from the
     * root, each component is created if missing (whoever else creates it at the same time), opened
     * relative to its parent, and its parent is fsynced, also where the component already existed
     * (another thread or process may have created it without making it durable). A component that is a
     * symbolic link is resolved the same way, component by component, so the directories its target
     * passes through are made durable too; a link to something that does not exist is an error, as in
     * {@link Files#createDirectories}. Once this returns, the whole chain survives a power cut.
     */
    public Path createDirectories(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath();
        FileBinding fb = bindingFor(abs);
        Deque<Step> steps = new ArrayDeque<>();
        push(steps, abs, true);
        FileBinding.Directory current = fb.openDirectory(abs.getRoot());
        int links = 0;
        try {
            while (!steps.isEmpty()) {
                Step step = steps.pop();
                String text = step.name.toString();
                if (text.equals(".")) {
                    continue;
                }
                if (text.equals("..")) {
                    current = descend(current, current.openDirectory(step.name));
                    continue;
                }
                FileBinding.Stat there = current.identity(step.name);
                if (there == null && step.mayCreate) {
                    current.createDirectory(step.name, 0777);
                    there = current.identity(step.name);
                }
                if (there == null) {
                    throw Failures.exists("create directory", current.path().resolve(step.name.path()).toString(),
                            "a symbolic link on the way leads to nothing");
                }
                // the entry, whoever made it, must survive a power cut
                current.sync();
                if (there.kind == FileBinding.Kind.SYMLINK) {
                    if (++links > MAX_SYMLINKS) {
                        throw Failures.of("create directory", dir, "too many levels of symbolic links (ELOOP)");
                    }
                    Path target = current.readLink(step.name);
                    push(steps, target, false);
                    if (target.isAbsolute()) {
                        current = descend(current, fb.openDirectory(target.getRoot()));
                    }
                    continue;
                }
                if (there.kind != FileBinding.Kind.DIRECTORY) {
                    throw Failures.exists("create directory", current.path().resolve(step.name.path()).toString(),
                            "it exists and is not a directory");
                }
                current = descend(current, current.openDirectory(step.name));
            }
        } catch (IOException e) {
            Closing.closeAfter(current, e);
            throw Failures.forTarget(e, dir.toString());
        } catch (RuntimeException | Error e) {
            Closing.closeAfter(current, e);
            throw e;
        }
        current.close();
        return dir;
    }

    /**
     * Puts the names of {@code path} (without its root, and with {@code ..} kept: only the kernel knows
     * where it leads after a symbolic link) in front of {@code steps}, in order.
     */
    private static void push(Deque<Step> steps, Path path, boolean mayCreate) {
        List<Step> names = new ArrayList<>();
        for (Path name : path) {
            names.add(new Step(Name.of(name), mayCreate));
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            steps.push(names.get(i));
        }
    }

    /** Closes {@code from} once {@code to} is open; @return {@code to} */
    private static FileBinding.Directory descend(FileBinding.Directory from, FileBinding.Directory to)
            throws IOException {
        try {
            from.close();
        } catch (IOException e) {
            Closing.closeAfter(to, e);
            throw e;
        }
        return to;
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
        write(target, options, body, PendingWrite.Publish.REPLACE);
    }

    /** {@link #write(Path, WriteOptions, IOConsumer)} only if {@code target} does not exist. */
    public void createNew(Path target, WriteOptions options, IOConsumer<OutputStream> body) throws IOException {
        write(target, options, body, PendingWrite.Publish.CREATE_NEW);
    }

    private void write(Path target, WriteOptions options, IOConsumer<OutputStream> body, PendingWrite.Publish publish)
            throws IOException {
        commit(stage(target, options, body, publish, null));
    }

    /** Stages what {@code body} writes to a stream; see {@link #stage}. */
    PendingWrite stage(Path target, WriteOptions options, IOConsumer<OutputStream> body, PendingWrite.Publish publish,
            PendingWrite.Announce announce) throws IOException {
        Objects.requireNonNull(body, "body");
        return stage(target, options, publish, -1, announce, w -> {
            PendingOutputStream out = new PendingOutputStream(w);
            body.accept(new BodyStream(out, target.toString()));
            out.flush();
        });
    }

    /**
     * Copies {@code source} (following symlinks) to {@code target} atomically. A new target gets the
     * source's permission bits (0777: never its setuid, setgid or sticky bits) unless the options name
     * others, read from the file opened (fstat; java.nio reads them before and after opening and
     * requires the same file). Every failure names
     * {@code target}; a failure to read the source says so and names it. The source must be a regular
     * file.
     */
    public void copy(Path source, Path target, WriteOptions options) throws IOException {
        commit(stageCopy(source, target, options, null));
    }

    /** Stages a copy of {@code source}; see {@link #copy} and {@link #stage}. */
    PendingWrite stageCopy(Path source, Path target, WriteOptions options, PendingWrite.Announce announce)
            throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        String t = target.toString();
        FileBinding.SourceFile in;
        try {
            in = bindingFor(source).openSource(source);
        } catch (IOException e) {
            throw Failures.forTarget(e, t);
        }
        try (in) {
            FileBinding.Stat s = in.stat();
            if (s.kind != FileBinding.Kind.REGULAR) {
                throw Failures.forTarget(Failures.of("open source", source, s.kind == FileBinding.Kind.DIRECTORY
                        ? "it is a directory (EISDIR)" : "it is not a regular file (a FIFO, device or socket)"), t);
            }
            // the copy belongs to this process: never another user's setuid, setgid or sticky bits (as cp)
            int mode = s.mode < 0 ? -1 : s.mode & 0777;
            return stage(target, options, PendingWrite.Publish.REPLACE, mode, announce, w -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);
                while (read(in, buf, t) >= 0) {
                    buf.flip();
                    w.write(buf);
                    buf.clear();
                }
            });
        }
    }

    private static int read(FileBinding.SourceFile in, ByteBuffer buf, String target) throws IOException {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw Failures.forTarget(e, target);
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
