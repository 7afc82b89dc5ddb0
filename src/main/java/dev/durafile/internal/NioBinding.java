package dev.durafile.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FileBinding} over plain java.nio: {@link FileChannel#force}, atomic moves, and a directory
 * fsync through a channel opened for reading. Works on any {@link java.nio.file.FileSystem} whose
 * provider supports those; on Windows, which cannot open a directory as a channel, the directory sync
 * is skipped (logged at DEBUG once).
 *
 * <p>Where the JDK offers a {@link SecureDirectoryStream} (Linux), an open directory holds a descriptor
 * and every entry operation is relative to it (openat, renameat, unlinkat, fstatat; fchmod and fchown
 * on a descriptor opened with O_NOFOLLOW). Elsewhere (other file systems, Windows) entries are reached
 * by path. java.nio cannot fstat or fchown the temp file's own channel, so the temp file's identity is
 * its fileKey (st_dev, st_ino) read right after creating it; before its owner or mode is changed, a
 * record lock on the channel proves that the name still refers to the channel's file (the JDK refuses
 * an overlapping lock on the same file from a second channel), and the name's fileKey is checked again
 * before each change and before the rename. What remains is the window between that check and the
 * JDK's own open of the name for fchmod or fchown; {@code SECURITY.md} describes it.
 */
final class NioBinding implements FileBinding {
    private static final Logger LOG = LoggerFactory.getLogger(NioBinding.class);
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    private static volatile boolean directorySyncSkipLogged;
    /** The JDK's reasons when a file system refuses hard links (EPERM, EOPNOTSUPP). */
    private static final Set<String> NO_LINKS_TEXTS = Set.of("Operation not permitted", "Operation not supported");
    /** The byte range locked to prove a name refers to a channel's file: past any content. */
    private static final long PROOF_POSITION = Long.MAX_VALUE - 1;

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean statsDescriptors() {
        return false;
    }

    @Override
    public Directory openDirectory(Path dir) throws IOException {
        return new NioDirectory(dir, Entries.open(dir));
    }

    /**
     * java.nio cannot fstat a channel: the source's attributes are read before and after it is opened
     * and must be of the same file (a swap there and back between them is not seen), and a source that
     * is not a regular file is not opened (a FIFO would block; one swapped in between still does).
     */
    @Override
    public SourceFile openSource(Path file) throws IOException {
        Stat before = sourceStat(file);
        if (before.kind != Kind.REGULAR) {
            return new OpenSource(before, dst -> -1, () -> { });
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw Failures.ofJdk(e, "open source", file);
        }
        try {
            if (!Objects.equals(sourceStat(file).key, before.key)) {
                throw Failures.of("open source", file, "it was replaced while it was opened");
            }
            return new OpenSource(before, channel::read, channel);
        } catch (IOException | RuntimeException | Error e) {
            Closing.closeAfter(channel, e);
            throw e;
        }
    }

    private static Stat sourceStat(Path file) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                PosixFileAttributes p = Files.readAttributes(file, PosixFileAttributes.class);
                return new Stat(kind(p), p.fileKey(), null, Modes.toMode(p.permissions()), null, null);
            }
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stat(kind(a), a.fileKey(), null, -1, null, null);
        } catch (IOException e) {
            throw Failures.ofJdk(e, "open source", file);
        }
    }

    /** What a file is, from java.nio's attributes. */
    private static Kind kind(BasicFileAttributes a) {
        return a.isRegularFile() ? Kind.REGULAR : a.isDirectory() ? Kind.DIRECTORY
                : a.isSymbolicLink() ? Kind.SYMLINK : Kind.OTHER;
    }

    /**
     * A user or group as this binding reports it: by its number where the "unix" view gave one without
     * a user-database lookup, else by the JDK principal; the principal of a number is looked up only
     * when a chown needs it, or to compare it with a principal.
     */
    private static final class Id {
        /** The uid or gid, or null where only the principal is known. */
        private final Integer number;
        private final boolean group;
        private final PrincipalSource source;
        private Object principal;

        private Id(Integer number, boolean group, PrincipalSource source, Object principal) {
            this.number = number;
            this.group = group;
            this.source = source;
            this.principal = principal;
        }

        static Id ofNumber(int number, boolean group, PrincipalSource source) {
            return new Id(number, group, source, null);
        }

        static Id ofPrincipal(Object principal, boolean group) {
            return new Id(null, group, g -> principal, principal);
        }

        Object principal() throws IOException {
            if (principal == null) {
                principal = source.principal(group);
            }
            return principal;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Id) || ((Id) o).group != group) {
                return false;
            }
            Id other = (Id) o;
            if (number != null && other.number != null) {
                return number.equals(other.number);
            }
            try {
                return principal().equals(other.principal());
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(group);
        }

        @Override
        public String toString() {
            return number != null ? number.toString() : String.valueOf(principal);
        }
    }

    /** Looks up the owner or group principal of the file an {@link Id} was read from. */
    @FunctionalInterface
    private interface PrincipalSource {
        Object principal(boolean group) throws IOException;
    }

    /**
     * Runs a channel operation with the caller's interrupt status cleared, so that a thread
     * interrupted before the call is not refused by the channel (as the native backends' system calls
     * are not); the status is restored afterwards. An interrupt during the operation still closes the
     * channel, which the protocol reports.
     */
    static <T> T uninterrupted(ChannelOp<T> op) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return op.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    interface ChannelOp<T> {
        T run() throws IOException;
    }

    /** How the entries of one directory are reached: through a descriptor, or by path. */
    private abstract static class Entries implements Closeable {
        final Path dir;

        Entries(Path dir) {
            this.dir = dir;
        }

        /** Opens {@code dir} through a descriptor where the JDK can, else by path. */
        static Entries open(Path dir) throws IOException {
            if (dir.getFileSystem() == FileSystems.getDefault()) {
                DirectoryStream<Path> ds;
                try {
                    ds = Files.newDirectoryStream(dir);
                } catch (IOException e) {
                    throw Failures.ofJdk(e, "open directory", dir);
                }
                if (ds instanceof SecureDirectoryStream) {
                    return new Secure(dir, (SecureDirectoryStream<Path>) ds);
                }
                ds.close();
            }
            if (!Files.isDirectory(dir)) {
                throw Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || Files.exists(dir)
                        ? Failures.of("open directory", dir, "Not a directory (ENOTDIR)")
                        : Failures.ofJdk(new NoSuchFileException(dir.toString()), "open directory", dir);
            }
            return new ByPath(dir);
        }

        abstract boolean secure();

        abstract FileChannel channel(Name name, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException;

        /** A view of the entry {@code name}, links not followed; null if the file system has no such view. */
        abstract <V extends FileAttributeView> V view(Name name, Class<V> type);

        /** A view of the directory itself. */
        abstract <V extends FileAttributeView> V ownView(Class<V> type);

        abstract void move(Name from, Entries target, Name to) throws IOException;

        abstract void delete(Name name) throws IOException;

        abstract Entries child(Name name) throws IOException;

        /** A channel on the directory itself, for its fsync. */
        abstract FileChannel self() throws IOException;
    }

    /** Entries relative to a descriptor the JDK holds ({@link SecureDirectoryStream}). */
    private static final class Secure extends Entries {
        private final SecureDirectoryStream<Path> stream;

        Secure(Path dir, SecureDirectoryStream<Path> stream) {
            super(dir);
            this.stream = stream;
        }


        @Override
        boolean secure() {
            return true;
        }

        @Override
        FileChannel channel(Name name, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            return (FileChannel) stream.newByteChannel(name.path(), options, attrs);
        }

        @Override
        <V extends FileAttributeView> V view(Name name, Class<V> type) {
            return stream.getFileAttributeView(name.path(), type, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        <V extends FileAttributeView> V ownView(Class<V> type) {
            return stream.getFileAttributeView(type);
        }

        @Override
        void move(Name from, Entries target, Name to) throws IOException {
            stream.move(from.path(), ((Secure) target).stream, to.path());
        }

        @Override
        void delete(Name name) throws IOException {
            try {
                stream.deleteFile(name.path());
            } catch (NoSuchFileException e) {
                LOG.trace("{} was already gone", name);
            }
        }

        @Override
        Entries child(Name name) throws IOException {
            return new Secure(dir.resolve(name.path()), stream.newDirectoryStream(name.path()));
        }

        @Override
        FileChannel self() throws IOException {
            return channel(Name.of(dir.getFileSystem(), "."), EnumSet.of(StandardOpenOption.READ));
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /** Entries by path, where no descriptor-relative access exists. */
    private static final class ByPath extends Entries {
        ByPath(Path dir) {
            super(dir);
        }

        @Override
        boolean secure() {
            return false;
        }

        @Override
        FileChannel channel(Name name, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            return FileChannel.open(dir.resolve(name.path()), options, attrs);
        }

        @Override
        <V extends FileAttributeView> V view(Name name, Class<V> type) {
            return Files.getFileAttributeView(dir.resolve(name.path()), type, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        <V extends FileAttributeView> V ownView(Class<V> type) {
            return Files.getFileAttributeView(dir, type);
        }

        @Override
        void move(Name from, Entries target, Name to) throws IOException {
            Files.move(dir.resolve(from.path()), target.dir.resolve(to.path()), StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        void delete(Name name) throws IOException {
            Files.deleteIfExists(dir.resolve(name.path()));
        }

        @Override
        Entries child(Name name) throws IOException {
            return open(dir.resolve(name.path()));
        }

        @Override
        FileChannel self() throws IOException {
            return FileChannel.open(dir, StandardOpenOption.READ);
        }

        @Override
        public void close() {
            // Nothing is held open.
        }
    }

    private static final class NioDirectory implements Directory {
        private final Path path;
        private final Entries entries;
        /** Whether the file system has the "unix" attribute view (numeric owner and group). */
        private final boolean unix;

        NioDirectory(Path path, Entries entries) {
            this.path = path;
            this.entries = entries;
            this.unix = path.getFileSystem().supportedFileAttributeViews().contains("unix");
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public String fileSystemType() {
            return "unknown";
        }

        /** Of the directory itself only its identity is needed (the striped backup locks key on it): no owner lookup. */
        @Override
        public Stat stat() throws IOException {
            try {
                BasicFileAttributes a = entries.ownView(BasicFileAttributeView.class).readAttributes();
                return new Stat(kind(a), a.fileKey(), null, -1, null, null);
            } catch (IOException e) {
                throw Failures.ofJdk(e, "stat directory", path);
            }
        }

        /** One fstatat relative to this directory: no owner or mode. */
        @Override
        public Stat identity(Name name) throws IOException {
            try {
                BasicFileAttributes a = entries.view(name, BasicFileAttributeView.class).readAttributes();
                return new Stat(kind(a), a.fileKey(), null, -1, null, null);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw Failures.ofJdk(e, "stat", path.resolve(name.path()));
            }
        }

        /**
         * lstat of an entry relative to this directory: what it is and its identity; its mode, owner and
         * group from the "unix" view by path (numbers, no user-database lookup) where that read saw the
         * same file, else (no "unix" view, or the directory's path now leads elsewhere) from the
         * "posix" view relative to this directory, whose owner and group are principals.
         */
        @Override
        public Stat stat(Name name) throws IOException {
            Path file = path.resolve(name.path());
            BasicFileAttributes basic;
            try {
                basic = entries.view(name, BasicFileAttributeView.class).readAttributes();
                Map<String, Object> a = unix ? unixAttributes(file) : null;
                if (a != null) {
                    if (Objects.equals(a.get("fileKey"), basic.fileKey())) {
                        PrincipalSource source = group -> {
                            PosixFileAttributes p = entries.view(name, PosixFileAttributeView.class).readAttributes();
                            return group ? p.group() : p.owner();
                        };
                        int mode = (Integer) a.get("mode");
                        return new Stat(kind(basic), basic.fileKey(), null, mode & 0777,
                                Id.ofNumber((Integer) a.get("uid"), false, source),
                                Id.ofNumber((Integer) a.get("gid"), true, source), (mode & 01000) != 0);
                    }
                }
                PosixFileAttributeView posix = entries.view(name, PosixFileAttributeView.class);
                if (posix == null) {
                    return new Stat(kind(basic), basic.fileKey(), null, -1, null, null);
                }
                PosixFileAttributes p = posix.readAttributes();
                return new Stat(kind(p), p.fileKey(), null, Modes.toMode(p.permissions()),
                        Id.ofPrincipal(p.owner(), false), Id.ofPrincipal(p.group(), true));
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw Failures.ofJdk(e, "stat", file);
            }
        }

        /** java.nio cannot read POSIX ACLs. */
        @Override
        public byte[] acl(Name name) {
            return null;
        }

        /** @return the entry's "unix" attributes read by path, or null if the path now leads to nothing */
        private Map<String, Object> unixAttributes(Path file) throws IOException {
            try {
                return Files.readAttributes(file, "unix:mode,uid,gid,fileKey", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        @Override
        public Path readLink(Name name) throws IOException {
            try {
                return Files.readSymbolicLink(path.resolve(name.path()));
            } catch (IOException e) {
                throw Failures.ofJdk(e, "read symbolic link", path.resolve(name.path()));
            }
        }

        @Override
        public boolean createDirectory(Name name, int mode) throws IOException {
            try {
                if (entries.ownView(PosixFileAttributeView.class) != null) {
                    Files.createDirectory(path.resolve(name.path()),
                            PosixFilePermissions.asFileAttribute(Modes.toPermissions(mode)));
                } else {
                    Files.createDirectory(path.resolve(name.path()));
                }
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                throw Failures.ofJdk(e, "create directory", path.resolve(name.path()));
            }
        }

        @Override
        public Directory openDirectory(Name name) throws IOException {
            try {
                return new NioDirectory(path.resolve(name.path()), entries.child(name));
            } catch (IOException e) {
                throw Failures.ofJdk(e, "open directory", path.resolve(name.path()));
            }
        }

        @Override
        public OpenFile createExclusive(Name name, int mode) throws IOException {
            Path file = path.resolve(name.path());
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            // owner read and write: the JDK opens the temp by name to chmod or chown it, which needs them;
            // the protocol then sets the exact mode
            FileAttribute<?>[] attrs = entries.ownView(PosixFileAttributeView.class) != null
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Modes.toPermissions(mode | 0600))}
                    : new FileAttribute<?>[0];
            FileChannel channel;
            try {
                channel = entries.channel(name, options, attrs);
            } catch (IOException e) {
                throw Failures.ofJdk(e, "create temp file", file);
            }
            try {
                Stat created = identity(name);
                if (created == null || created.kind != Kind.REGULAR) {
                    throw replaced(file, created);
                }
                return new NioFile(this, name, channel, created.key);
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(channel, e);
                throw e;
            }
        }

        @Override
        public OpenFile createAnonymous(int mode) {
            return null;
        }

        @Override
        public void linkAnonymous(OpenFile file, Name name) {
            throw new UnsupportedOperationException("java.nio creates no unnamed files to link");
        }

        /**
         * java.nio links only by path: first the directory's path must still lead to this directory,
         * and afterwards the link must be here and be the file {@code from} named before linking (else it
         * is removed again: link(2) resolves its two paths one after the other).
         */
        @Override
        public void link(Name from, Name to) throws IOException {
            Stat source = null;
            if (entries.secure()) {
                requirePathLeadsHere("link", to);
                source = identity(from);
            }
            linkByPath(from, to);
            if (source != null) {
                Stat made = identity(to);
                if (made == null || !made.sameFile(source)) {
                    if (made != null) {
                        delete(to);
                    }
                    throw Failures.of("link", path.resolve(to.path()), "the directory's path led elsewhere while java.nio"
                            + " linked by path (or " + from + " was replaced meanwhile); a link " + to
                            + " may have been made where it led");
                }
            }
        }

        private void requirePathLeadsHere(String operation, Name name) throws IOException {
            Object here = stat().key;
            Object there;
            try {
                there = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                there = null;
            }
            if (!Objects.equals(here, there)) {
                throw Failures.of(operation, path.resolve(name.path()), "the directory's path no longer leads to the"
                        + " directory this write opened (it was moved or swapped), and java.nio can only link by path");
            }
        }

        private void linkByPath(Name from, Name to) throws IOException {
            try {
                Files.createLink(path.resolve(to.path()), path.resolve(from.path()));
            } catch (UnsupportedOperationException e) {
                throw Failures.unsupported("link", path.resolve(from.path()), path.resolve(to.path()),
                        "hard links are not supported by this file system: " + e.getMessage());
            } catch (FileSystemException e) {
                if (e instanceof FileAlreadyExistsException || !NO_LINKS_TEXTS.contains(String.valueOf(e.getReason()))
                        || FileSystemTypes.hasHardLinks(storeType())) {
                    throw Failures.ofJdk(e, "link", path.resolve(from.path()));
                }
                throw Failures.unsupported("link", path.resolve(from.path()), path.resolve(to.path()),
                        "hard link refused by the file system: " + e.getReason());
            }
        }

        /** @return the file system's type as the mount table names it, or "unknown" */
        private String storeType() {
            try {
                return Files.getFileStore(path).type();
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }

        @Override
        public void rename(Name from, Directory target, Name to, RenameMode mode) throws IOException {
            NioDirectory t = (NioDirectory) target;
            if (mode != RenameMode.REPLACE) {
                throw Failures.unsupported("rename (" + mode + ")", path.resolve(from.path()), t.path.resolve(to.path()),
                        "java.nio has no atomic rename " + mode + " (renameat2 needs the panama or jna backend)");
            }
            try {
                if (entries.secure() == t.entries.secure()) {
                    entries.move(from, t.entries, to);
                } else {
                    Files.move(path.resolve(from.path()), t.path.resolve(to.path()), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw Failures.ofJdk(e, "rename", path.resolve(from.path()));
            }
        }

        /** java.nio has no lock on a directory. */
        @Override
        public boolean lock() {
            return false;
        }

        @Override
        public void unlock() {
            // Nothing is held.
        }

        @Override
        public void sync() throws IOException {
            if (WINDOWS) {
                if (!directorySyncSkipLogged) {
                    directorySyncSkipLogged = true;
                    LOG.debug("directory fsync is not possible on Windows; skipped");
                }
                return;
            }
            boolean interrupted = Thread.interrupted();
            try {
                while (true) {
                    try (FileChannel ch = entries.self()) {
                        ch.force(true);
                        return;
                    } catch (ClosedByInterruptException e) {
                        // An interrupt closed the channel: whether its fsync ran is unknown, and no
                        // failure was reported, so a fresh fsync on a new channel is not a retry after EIO.
                        interrupted |= Thread.interrupted();
                    } catch (IOException e) {
                        throw Failures.ofJdk(e, "fsync directory", path);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void delete(Name name) throws IOException {
            try {
                entries.delete(name);
            } catch (IOException e) {
                throw Failures.ofJdk(e, "unlink", path.resolve(name.path()));
            }
        }

        @Override
        public void close() throws IOException {
            try {
                entries.close();
            } catch (IOException e) {
                throw Failures.ofJdk(e, "close directory", path);
            }
        }
    }

    private static FileSystemException replaced(Path file, Stat now) {
        return Failures.of("verify temp file", file, "it was replaced by another file ("
                + (now == null ? "it is gone" : "now " + now.kind.name().toLowerCase(Locale.ROOT))
                + "), so someone else can write this directory; nothing of it is changed or published");
    }

    private static final class NioFile implements OpenFile {
        private final NioDirectory dir;
        private final Name name;
        private final Path path;
        private final FileChannel channel;
        /** The temp file's fileKey, read right after it was created. */
        private final Object key;
        private boolean proven;

        NioFile(NioDirectory dir, Name name, FileChannel channel, Object key) {
            this.dir = dir;
            this.name = name;
            this.path = dir.path.resolve(name.path());
            this.channel = channel;
            this.key = key;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            try {
                uninterrupted(() -> {
                    while (src.hasRemaining()) {
                        channel.write(src);
                    }
                    return null;
                });
            } catch (IOException e) {
                throw Failures.ofJdk(e, "write", path);
            }
        }

        @Override
        public void sync(boolean metadata) throws IOException {
            try {
                uninterrupted(() -> {
                    channel.force(metadata);
                    return null;
                });
            } catch (IOException e) {
                throw Failures.ofJdk(e, metadata ? "fsync" : "fdatasync", path);
            }
        }

        @Override
        public Stat stat() throws IOException {
            return checkIdentity(dir.stat(name));
        }

        /**
         * Proves, once, that the temp's name refers to this channel's file, then checks its fileKey:
         * the file about to be changed is the one this process created.
         */
        private void verify() throws IOException {
            checkIdentity(dir.identity(name));
            if (!proven && key != null && dir.entries.secure()) {
                prove();
                checkIdentity(dir.identity(name));
                proven = true;
            }
        }

        /** @return {@code now}, if it is this temp: a regular file with the key read at creation */
        private Stat checkIdentity(Stat now) throws IOException {
            if (now == null || now.kind != Kind.REGULAR || !Objects.equals(now.key, key)) {
                throw replaced(path, now);
            }
            return now;
        }

        private void prove() throws IOException {
            FileLock mine;
            try {
                mine = uninterrupted(() -> channel.tryLock(PROOF_POSITION, 1, false));
            } catch (IOException e) {
                throw Failures.of("verify temp file", path, "it cannot be locked to prove it is the file this process"
                        + " created (" + e + "); its owner and mode are not changed");
            }
            if (mine == null) {
                throw Failures.of("verify temp file", path, "another process holds a lock on it; its owner and mode"
                        + " are not changed");
            }
            boolean same;
            try (FileChannel other = dir.entries.channel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                FileLock theirs = other.tryLock(PROOF_POSITION, 1, true);
                if (theirs != null) {
                    theirs.release();
                }
                same = false;
            } catch (OverlappingFileLockException e) {
                same = true;
            } catch (AccessDeniedException e) {
                // Not readable by this process, so it is not privileged: it cannot change another user's file.
                same = true;
            } catch (IOException e) {
                throw Failures.of("verify temp file", path, "it cannot be opened to prove it is the file this process"
                        + " created (" + e + "); its owner and mode are not changed");
            } finally {
                mine.release();
            }
            if (!same) {
                throw replaced(path, dir.identity(name));
            }
        }

        @Override
        public void setMode(int mode) throws IOException {
            verify();
            PosixFileAttributeView view = dir.entries.view(name, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            try {
                view.setPermissions(Modes.toPermissions(mode));
            } catch (IOException e) {
                throw Failures.ofJdk(e, "chmod", path);
            }
        }

        /** java.nio cannot read POSIX ACLs ({@code system.*} attributes are not user-defined ones). */
        @Override
        public byte[] acl() {
            return null;
        }

        /** Never called: {@link #acl()} reports no ACL to change. */
        @Override
        public void setAcl(byte[] acl) {
            throw new UnsupportedOperationException("java.nio cannot change POSIX ACLs");
        }

        @Override
        public boolean setOwner(Object owner, Object group) throws IOException {
            verify();
            PosixFileAttributeView view = dir.entries.view(name, PosixFileAttributeView.class);
            if (view == null) {
                return false;
            }
            try {
                if (owner != null) {
                    view.setOwner((UserPrincipal) ((Id) owner).principal());
                }
                if (group != null) {
                    view.setGroup((GroupPrincipal) ((Id) group).principal());
                }
                return true;
            } catch (AccessDeniedException e) {
                return false;
            } catch (FileSystemException e) {
                if ("Operation not permitted".equals(e.getReason())) {
                    return false;
                }
                throw Failures.ofJdk(e, "chown", path);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } catch (IOException e) {
                throw Failures.ofJdk(e, "close", path);
            }
        }
    }
}
