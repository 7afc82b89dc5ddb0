package dev.durafile.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FileBinding} over plain java.nio: {@link FileChannel#force}, {@link Files#move} with
 * {@link StandardCopyOption#ATOMIC_MOVE}, and a directory fsync through a channel opened for reading.
 * Works on any {@link java.nio.file.FileSystem} whose provider supports those; on Windows, which cannot
 * open a directory as a channel, the directory sync is skipped (logged at DEBUG once).
 */
final class NioBinding implements FileBinding {
    private static final Logger LOG = LoggerFactory.getLogger(NioBinding.class);
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    private static volatile boolean directorySyncSkipLogged;
    /** The JDK reports EPERM (e.g. an immutable directory) as a plain FileSystemException with this reason. */
    private static final String EPERM_TEXT = "Operation not permitted";
    /** The JDK's reasons when a file system refuses hard links (EPERM, EOPNOTSUPP). */
    private static final Set<String> NO_LINKS_TEXTS = Set.of(EPERM_TEXT, "Operation not supported");

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Directory openDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || Files.exists(dir)) {
                throw new FileSystemException(dir.toString(), null, "open directory failed: Not a directory (ENOTDIR)");
            }
            throw new NoSuchFileException(dir.toString(), null,
                    "open directory failed: No such file or directory (ENOENT)");
        }
        return new NioDirectory(dir);
    }

    /**
     * Rebuilds a JDK exception with the operation in its reason, keeping its type.
     */
    static FileSystemException withOperation(FileSystemException e, String operation) {
        String reason = operation + " failed: " + (e.getReason() != null ? e.getReason() : defaultReason(e));
        String f = e.getFile();
        String o = e.getOtherFile();
        FileSystemException r;
        if (e instanceof NoSuchFileException) {
            r = new NoSuchFileException(f, o, reason);
        } else if (e instanceof AccessDeniedException || EPERM_TEXT.equals(e.getReason())) {
            r = new AccessDeniedException(f, o, reason);
        } else if (e instanceof FileAlreadyExistsException) {
            r = new FileAlreadyExistsException(f, o, reason);
        } else if (e instanceof AtomicMoveNotSupportedException) {
            r = new AtomicMoveNotSupportedException(f, o, reason);
        } else {
            r = new FileSystemException(f, o, reason);
        }
        r.initCause(e);
        return r;
    }

    /** The JDK leaves the reason out of some exceptions; give the errno text their type stands for. */
    private static String defaultReason(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory (ENOENT)";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied (EACCES)";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists (EEXIST)";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty (ENOTEMPTY)";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory (ENOTDIR)";
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Gives a failure the path and operation: a {@link FileSystemException} keeps its type, any other
     * {@link IOException} (the JDK throws plain ones from write and force) becomes a FileSystemException,
     * except {@link ClosedChannelException}s such as {@link java.nio.channels.ClosedByInterruptException}
     * (the thread was interrupted), which are returned as they are.
     */
    static IOException withPath(IOException e, Path path, String operation) {
        if (e instanceof ClosedChannelException) {
            return e;
        }
        if (e instanceof FileSystemException) {
            return withOperation((FileSystemException) e, operation);
        }
        FileSystemException r = new FileSystemException(path.toString(), null, operation + " failed: " + e.getMessage());
        r.initCause(e);
        return r;
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static final class NioDirectory implements Directory {
        private final Path path;

        NioDirectory(Path path) {
            this.path = path;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public OpenFile createExclusive(String name, int mode) throws IOException {
            Path file = path.resolve(name);
            Set<StandardOpenOption> options =
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileAttribute<?>[] attrs = posix(path)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Modes.toPermissions(mode))}
                    : new FileAttribute<?>[0];
            try {
                return new NioFile(file, FileChannel.open(file, options, attrs));
            } catch (FileSystemException e) {
                throw withOperation(e, "create temp file");
            }
        }

        @Override
        public OpenFile createAnonymous(int mode) {
            return null;
        }

        @Override
        public void linkAnonymous(OpenFile file, String name) {
            throw new UnsupportedOperationException("java.nio creates no unnamed files to link");
        }

        @Override
        public void link(String from, String to) throws IOException {
            try {
                Files.createLink(path.resolve(to), path.resolve(from));
            } catch (UnsupportedOperationException e) {
                throw new AtomicMoveNotSupportedException(path.resolve(from).toString(), path.resolve(to).toString(),
                        "hard links are not supported by this file system: " + e.getMessage());
            } catch (FileSystemException e) {
                if (e instanceof FileAlreadyExistsException || !NO_LINKS_TEXTS.contains(String.valueOf(e.getReason()))) {
                    throw withOperation(e, "link");
                }
                AtomicMoveNotSupportedException r = new AtomicMoveNotSupportedException(e.getFile(), e.getOtherFile(),
                        "hard link refused by the file system: " + e.getReason());
                r.initCause(e);
                throw r;
            }
        }

        @Override
        public void rename(String from, Directory target, String to, RenameMode mode) throws IOException {
            Path src = path.resolve(from);
            Path dst = target.path().resolve(to);
            if (mode != RenameMode.REPLACE) {
                throw new AtomicMoveNotSupportedException(src.toString(), dst.toString(),
                        "java.nio has no atomic rename " + mode + " (renameat2 needs the panama or jna backend)");
            }
            try {
                Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                throw withOperation(e, "rename");
            }
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
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException e) {
                throw withPath(e, path, "fsync directory");
            }
        }

        @Override
        public void delete(String name) throws IOException {
            try {
                Files.deleteIfExists(path.resolve(name));
            } catch (FileSystemException e) {
                throw withOperation(e, "unlink");
            }
        }

        @Override
        public void close() {
            // Nothing is held open.
        }
    }

    private static final class NioFile implements OpenFile {
        private final Path path;
        private final FileChannel channel;

        NioFile(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            try {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
            } catch (IOException e) {
                throw withPath(e, path, "write");
            }
        }

        @Override
        public void sync(boolean metadata) throws IOException {
            try {
                channel.force(metadata);
            } catch (IOException e) {
                throw withPath(e, path, metadata ? "fsync" : "fdatasync");
            }
        }

        @Override
        public void setMode(int mode) throws IOException {
            if (posix(path)) {
                try {
                    Files.setPosixFilePermissions(path, Modes.toPermissions(mode));
                } catch (FileSystemException e) {
                    throw withOperation(e, "chmod");
                }
            }
        }

        @Override
        public boolean setOwner(int uid, int gid) throws IOException {
            if (!path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                return false;
            }
            try {
                if (((Integer) Files.getAttribute(path, "unix:uid")) != uid) {
                    Files.setAttribute(path, "unix:uid", uid);
                }
                if (((Integer) Files.getAttribute(path, "unix:gid")) != gid) {
                    Files.setAttribute(path, "unix:gid", gid);
                }
                return true;
            } catch (AccessDeniedException e) {
                return false;
            } catch (FileSystemException e) {
                throw withOperation(e, "chown");
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
