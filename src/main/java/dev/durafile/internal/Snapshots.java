package dev.durafile.internal;

import dev.durafile.IOConsumer;
import dev.durafile.SnapshotFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation of {@link dev.durafile.SnapshotDirectory}. A generation is the directory
 * {@code .<link>.gen-<seq>-<millis>-<random>} beside the link ({@code millis}: when it was made, which
 * is when the one before it was replaced); the link is a relative symbolic link to it. Publish: make
 * the generation's directory, write its files, sync the files, their directories and the link's
 * directory in one round, make a new link {@code <link>.tmp.<uuid>} and rename it over the link, sync
 * the link's directory, prune.
 */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    /**
     * This JVM's publishes of one link (by its directory's real path and its name, whatever spelling
     * opened it) take turns; other processes wait on the lock file.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    /** A generation's directories: others may read them, only their owner may change them. */
    private static final int DIRECTORY_MODE = 0755;
    /** A generation's files: others may read them, only their owner may change them. */
    private static final int FILE_MODE = 0644;

    private final Engine engine;
    /** The user this process creates files as (null where the file system has no owners). */
    private final Object self;
    private final Path link;
    private final Path lockKey;
    private final Path parent;
    private final int keep;
    private final Duration grace;
    /** The bytes every generation's name starts with: {@code .<link>.gen-}. */
    private final byte[] generationPrefix;

    private Snapshots(Engine engine, Object self, Path link, Path lockKey, int keep, Duration grace) {
        this.engine = engine;
        this.self = self;
        this.link = link;
        this.lockKey = lockKey;
        this.parent = link.getParent();
        this.keep = keep;
        this.grace = grace;
        this.generationPrefix = derived(".", ".gen-");
    }

    /** Where a generation's name ends: {@code <seq>-<millis>-<random hex>}. */
    private static final Pattern GENERATION_SUFFIX = Pattern.compile("(\\d+)-(\\d+)-[0-9a-f]+");

    /**
     * @return the bytes of the link's own name between {@code before} and {@code after}: names made from
     *     it keep its bytes, so two links whose names differ only in bytes that do not decode never share
     *     a generation or a lock
     */
    private byte[] derived(String before, String after) {
        byte[] own = Name.bytes(link.getFileName());
        byte[] b = before.getBytes(StandardCharsets.US_ASCII);
        byte[] a = after.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(b, b.length + own.length + a.length);
        System.arraycopy(own, 0, out, b.length, own.length);
        System.arraycopy(a, 0, out, b.length + own.length, a.length);
        return out;
    }

    /** @return the file name {@code bytes}, as a path of one element */
    private Path fileName(byte[] bytes) {
        return Name.toPath(parent.getFileSystem(), bytes);
    }

    /** @see dev.durafile.SnapshotDirectory#open */
    public static Snapshots open(Engine engine, Path link, int keep, Duration grace) throws IOException {
        Objects.requireNonNull(link, "link");
        Path abs = link.toAbsolutePath();
        if (abs.getFileName() == null || abs.getParent() == null) {
            throw Failures.of("open snapshot directory", link, "not a path whose last element can be a link");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(abs)) {
            throw Failures.of("open snapshot directory", link, "it is not a symbolic link (a directory or file is"
                    + " there); a snapshot directory's path is a link to its current generation");
        }
        FileBinding binding = engine.bindingFor(abs);
        TrustedPath trusted = new TrustedPath("open snapshot directory", "whoever could change it or a directory"
                + " above it could switch the link to a generation of theirs, or have old generations pruned"
                + " somewhere else", false, false);
        Object self = TrustedPath.userOfNewFiles(binding, abs, "open snapshot directory");
        trusted.open(binding, abs.getParent(), self).close();
        Path real = trusted.real().resolve(abs.getFileName());
        return new Snapshots(engine, self, real, real, keep, grace);
    }

    /** @return these snapshots, pruned as the arguments say */
    public Snapshots keep(int generations, Duration grace) {
        return new Snapshots(engine, self, link, lockKey, generations, grace);
    }

    /** @see dev.durafile.SnapshotDirectory#current */
    public Path current() throws IOException {
        try {
            return parent.resolve(Files.readSymbolicLink(link));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(link.toString(), null, "no generation published yet");
        }
    }

    /** One generation found beside the link. */
    private static final class Generation {
        /** Its name in the link's directory. */
        final Path name;
        final long seq;
        final long madeMillis;

        Generation(Path name, long seq, long madeMillis) {
            this.name = name;
            this.seq = seq;
            this.madeMillis = madeMillis;
        }
    }

    private List<Generation> generations() throws IOException {
        List<Generation> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
            for (Path p : s) {
                byte[] b = Name.bytes(p.getFileName());
                if (!startsWith(b, generationPrefix)) {
                    continue;
                }
                Matcher m = GENERATION_SUFFIX.matcher(new String(b, generationPrefix.length,
                        b.length - generationPrefix.length, StandardCharsets.ISO_8859_1));
                if (m.matches()) {
                    try {
                        found.add(new Generation(p.getFileName(), Long.parseLong(m.group(1)),
                                Long.parseLong(m.group(2))));
                    } catch (NumberFormatException e) {
                        // numbers no publish makes (beyond a long): not a generation of this directory
                        LOG.debug("{}: not a generation: {}", p, e.getMessage());
                    }
                }
            }
        }
        found.sort(Comparator.comparingLong(g -> g.seq));
        return found;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** @see dev.durafile.SnapshotDirectory#publish(IOConsumer) */
    public Path publish(IOConsumer<SnapshotFiles> body) throws IOException {
        Objects.requireNonNull(body, "body");
        ReentrantLock lock = LOCKS.computeIfAbsent(lockKey, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel between = openLockFile()) {
            lockBetweenProcesses(between);
            return publishLocked(body);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return the lock file, {@code .<link>.lock}, created {@code 0600} (nobody else may hold it and so
     *     stall publishes) as {@link LockFiles#open} opens one: never through a symbolic link, never
     *     blocking on a FIFO
     */
    private FileChannel openLockFile() throws IOException {
        return LockFiles.open(parent, fileName(derived(".", ".lock")), "open snapshot lock", 0600);
    }

    private static void lockBetweenProcesses(FileChannel ch) throws IOException {
        try {
            NioBinding.uninterrupted(ch::lock);
        } catch (UnsupportedOperationException e) {
            LOG.trace("no file locks on this file system: {}", e.getMessage());
        }
    }

    private Path publishLocked(IOConsumer<SnapshotFiles> body) throws IOException {
        List<Generation> before = generations();
        long seq = before.isEmpty() ? 1 : before.get(before.size() - 1).seq + 1;
        Path name = fileName(derived(".", String.format(Locale.ROOT, ".gen-%06d-%d-%08x", seq,
                System.currentTimeMillis(), ThreadLocalRandom.current().nextInt())));
        FileBinding binding = engine.bindingFor(parent);
        Path gen = parent.resolve(name);
        try (FileBinding.Directory p = binding.openDirectory(parent)) {
            Name genName = Name.of(name);
            p.createDirectory(genName, DIRECTORY_MODE);
            checkOwnedBySelf(p.stat(genName), gen, name);
            try (Builder b = new Builder(binding, p.openDirectory(genName), gen)) {
                body.accept(b);
                List<Rounds.Step> round = b.syncs();
                round.add(p::sync);
                Rounds.run(round, parent.getFileSystem());
            } catch (IOException | RuntimeException | Error e) {
                deleteTree(name, e);
                throw e;
            }
            Name temp = TempNames.forTarget(Name.of(link.getFileName()));
            Path tempLink = parent.resolve(temp.path());
            Files.createSymbolicLink(tempLink, name);
            try {
                p.rename(temp, p, Name.of(link.getFileName()), FileBinding.RenameMode.REPLACE);
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(() -> Files.deleteIfExists(tempLink), e);
                deleteTree(name, e);
                throw e;
            }
            try {
                p.sync();
            } catch (IOException e) {
                throw Failures.afterPublish(link.toString(), "the directory fsync that makes the new generation"
                        + " survive a power cut", e);
            }
        }
        prune(name);
        return gen;
    }

    /**
     * A file system that gives new files another owner (NFS with root squashed, a FUSE file system
     * creating for another user) would leave the generation changeable by that user once published:
     * refused, the generation removed.
     */
    private void checkOwnedBySelf(FileBinding.Stat made, Path gen, Path name) throws IOException {
        if (self != null && made != null && made.owner != null && !self.equals(made.owner)) {
            AccessDeniedException e = new AccessDeniedException(link.toString(), null, "publish snapshot failed: the"
                    + " file system gives the new generation " + gen + " to user " + made.owner + ", not to user "
                    + self + " who runs this process, so that user could change what readers of the link see");
            deleteTree(name, e);
            throw e;
        }
    }

    /**
     * Removes the generations neither current, nor among the {@link #keep} before it, nor replaced less
     * than the grace period ago, and any newer than the current one (left by a publish that did not
     * finish: publishes take turns, so none is running), and stray new links.
     */
    private void prune(Path current) throws IOException {
        List<Generation> all = generations();
        long cur = Long.MAX_VALUE;
        for (Generation g : all) {
            cur = g.name.equals(current) ? g.seq : cur;
        }
        long now = System.currentTimeMillis();
        long replacedAt = now;
        int older = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            Generation g = all.get(i);
            if (g.seq == cur) {
                replacedAt = g.madeMillis;
                continue;
            }
            boolean kept = g.seq < cur && (++older <= keep || now - replacedAt < grace.toMillis());
            if (kept) {
                replacedAt = g.madeMillis;
            } else {
                deleteTree(g.name, null);
            }
        }
        byte[] stray = derived("", ".tmp.");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> startsWith(Name.bytes(p.getFileName()),
                stray) && Files.isSymbolicLink(p))) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Deletes the generation {@code name} and everything in it ({@link Trees#delete}); a failure is
     * attached to {@code cause}, or logged.
     */
    private void deleteTree(Path name, Throwable cause) {
        try {
            Trees.delete(parent, name);
        } catch (IOException | RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else {
                LOG.warn("{}: old generation not removed: {}", parent.resolve(name), e.toString());
            }
        }
    }

    /** The files of a generation being built; everything it opens is closed by {@link #close}. */
    private static final class Builder implements SnapshotFiles, AutoCloseable {
        private final FileBinding binding;
        private final FileBinding.Directory root;
        private final Path path;
        private final List<FileBinding.Directory> dirs = new ArrayList<>();
        private final List<FileBinding.OpenFile> files = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        Builder(FileBinding binding, FileBinding.Directory root, Path path) {
            this.binding = binding;
            this.root = root;
            this.path = path;
            dirs.add(root);
        }

        /** @return a new file {@code name} (its directories made), open for writing */
        private FileBinding.OpenFile create(String name) throws IOException {
            Objects.requireNonNull(name, "name");
            String[] parts = name.split("/", -1);
            for (String part : parts) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException("not a relative file name of a generation: \"" + name + "\"");
                }
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("written twice in one generation: " + name);
            }
            FileBinding.Directory d = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Name sub = Name.of(path.getFileSystem(), parts[i]);
                d.createDirectory(sub, DIRECTORY_MODE);
                FileBinding.Directory next = d.openDirectory(sub);
                dirs.add(next);
                d = next;
            }
            FileBinding.OpenFile f = d.createExclusive(Name.of(path.getFileSystem(), parts[parts.length - 1]),
                    FILE_MODE);
            files.add(f);
            return f;
        }

        @Override
        public void write(String name, byte[] data) throws IOException {
            Objects.requireNonNull(data, "data");
            create(name).write(ByteBuffer.wrap(data));
        }

        @Override
        public void write(String name, IOConsumer<OutputStream> body) throws IOException {
            Objects.requireNonNull(body, "body");
            FileBinding.OpenFile f = create(name);
            OutputStream out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    f.write(ByteBuffer.wrap(new byte[] {(byte) b}));
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    f.write(ByteBuffer.wrap(b, off, len));
                }
            };
            body.accept(out);
        }

        @Override
        public void copy(String name, Path source) throws IOException {
            Objects.requireNonNull(source, "source");
            try (FileBinding.SourceFile in = binding.openSource(source.toAbsolutePath())) {
                if (in.stat().kind != FileBinding.Kind.REGULAR) {
                    throw Failures.of("copy", source, "it is not a regular file");
                }
                FileBinding.OpenFile f = create(name);
                ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);
                while (in.read(buf) >= 0) {
                    buf.flip();
                    f.write(buf);
                    buf.clear();
                }
            }
        }

        /** @return the round that makes the generation durable: each file synced, each directory too */
        List<Rounds.Step> syncs() {
            List<Rounds.Step> round = new ArrayList<>();
            for (FileBinding.OpenFile f : files) {
                round.add(() -> f.sync(false));
            }
            for (FileBinding.Directory d : dirs) {
                round.add(d::sync);
            }
            return round;
        }

        @Override
        public void close() throws IOException {
            List<java.io.Closeable> all = new ArrayList<>(files);
            all.addAll(dirs);
            Closing.closeAll(all.toArray(new java.io.Closeable[0]));
        }
    }

    @Override
    public String toString() {
        return link.toString();
    }
}
