package dev.durafile.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/** Lock files (of JSON updates and snapshot publishes), opened so that nobody can redirect or stall the open. */
public final class LockFiles {
    private static final Set<OpenOption> OPTIONS = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private LockFiles() {
    }

    /**
     * Opens (creating it if absent) the lock file {@code name} relative to its directory, opened once,
     * without following a symbolic link: whoever can write the directory could plant one there to make
     * this process create or open a file anywhere. Opened for reading and writing, which never blocks on
     * a FIFO; anything but a regular file there, or a regular file with a second hard link (two names
     * would mean two keys of one lock in a JVM, and closing either channel drops the process's lock for
     * both), is refused, before opening and again after.
     *
     * @param operation what is being done, for messages ({@code "open lock file"})
     * @param mode the permission bits to create it with (less the umask), or null for the file system's
     *     default ({@code 0666} less the umask)
     * @throws FileSystemException if something but a regular file of one name is there, or it was replaced
     *     while it was opened
     */
    public static FileChannel open(Path dir, Path name, String operation, Integer mode) throws IOException {
        Path lockFile = dir.resolve(name);
        FileAttribute<?>[] attributes = mode == null
                || Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Modes.toPermissions(mode))};
        DirectoryStream<Path> opened;
        try {
            opened = Files.newDirectoryStream(dir);
        } catch (IOException e) {
            throw Failures.ofJdk(e, operation, lockFile);
        }
        try (DirectoryStream<Path> entries = opened) {
            SecureDirectoryStream<Path> secure = entries instanceof SecureDirectoryStream
                    ? (SecureDirectoryStream<Path>) entries : null;
            Supplier<BasicFileAttributeView> view = () -> secure != null
                    ? secure.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.getFileAttributeView(lockFile, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            refuseSpecial(lockFile, view.get(), operation);
            refuseHardLinked(lockFile, operation);
            FileChannel channel;
            try {
                channel = secure != null ? (FileChannel) secure.newByteChannel(name, OPTIONS, attributes)
                        : FileChannel.open(lockFile, OPTIONS, attributes);
            } catch (FileSystemException e) {
                // O_NOFOLLOW fails with ELOOP on a link swapped in after the check
                refuseSpecial(lockFile, view.get(), operation);
                FileSystemException changed = new FileSystemException(lockFile.toString(), null, operation
                        + " failed: " + (e.getReason() != null ? e.getReason() : e.toString()) + " (it was replaced"
                        + " while it was opened: someone who can write this directory did that)");
                changed.initCause(e);
                throw changed;
            }
            try {
                refuseSpecial(lockFile, view.get(), operation);
                refuseHardLinked(lockFile, operation);
                return channel;
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(channel, e);
                throw e;
            }
        }
    }

    private static void refuseHardLinked(Path lockFile, String operation) throws IOException {
        Object links;
        try {
            links = Files.getAttribute(lockFile, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" view on this platform: no link count to check
            return;
        }
        if (links instanceof Integer && (Integer) links > 1) {
            throw new FileSystemException(lockFile.toString(), null, operation + " failed: it has " + links
                    + " hard links, and a lock file must have one name only (someone who can write this directory"
                    + " made the others)");
        }
    }

    private static void refuseSpecial(Path lockFile, BasicFileAttributeView view, String operation)
            throws IOException {
        BasicFileAttributes a;
        try {
            a = view.readAttributes();
        } catch (NoSuchFileException e) {
            return;
        }
        if (a.isSymbolicLink()) {
            throw new FileSystemException(lockFile.toString(), null, operation + " failed: it is a symbolic link,"
                    + " which is never followed (someone who can write this directory put it there)");
        }
        if (!a.isRegularFile()) {
            throw new FileSystemException(lockFile.toString(), null, operation + " failed: it is not a regular"
                    + " file (a directory, FIFO, device or socket)");
        }
    }
}
