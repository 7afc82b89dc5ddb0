package dev.durafile.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Turns exceptions into the one-line messages the tool prints (the path, then the reason), and checks paths. */
final class Errors {
    /** What a {@link FileSystemException} of each type means when it carries no reason of its own. */
    private static final List<Map.Entry<Class<? extends FileSystemException>, String>> REASONS = List.of(
            Map.entry(NoSuchFileException.class, "No such file or directory (ENOENT)"),
            Map.entry(FileAlreadyExistsException.class, "File exists (EEXIST)"),
            Map.entry(AccessDeniedException.class, "Permission denied (EACCES)"),
            Map.entry(NotDirectoryException.class, "Not a directory (ENOTDIR)"),
            Map.entry(DirectoryNotEmptyException.class, "Directory not empty (ENOTEMPTY)"),
            Map.entry(NotLinkException.class, "Not a symbolic link"),
            Map.entry(FileSystemLoopException.class, "Too many levels of symbolic links (ELOOP)"),
            Map.entry(AtomicMoveNotSupportedException.class, "Atomic move not supported"));

    private Errors() {
    }

    /**
     * @param failure what went wrong; an {@link UncheckedIOException} stands for its cause
     * @return {@code PATH: REASON} for file system errors, else the message; always a single line
     */
    static String describe(Throwable failure) {
        Throwable e = failure;
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        String text;
        if (e instanceof FileSystemException f) {
            String where = f.getFile() == null ? ""
                    : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
            text = where + reason(f);
        } else {
            text = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * @return the exception's reason (durafile's always have one, naming the operation and the cause);
     *     where it has none (the JDK's own), what its type means
     */
    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : defaultReason(e);
    }

    /**
     * @param dir a path that must be an existing directory
     * @throws NoSuchFileException if nothing exists there
     * @throws NotDirectoryException if something else than a directory does
     */
    static void requireDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new NotDirectoryException(dir.toString())
                    : new NoSuchFileException(dir.toString());
        }
    }

    /**
     * Refuses a directory that someone other than root and this process's user could change: the
     * directory and every one above its real path must belong to root or to the user this process
     * creates files as, and be writable by nobody else unless sticky (a POSIX ACL that grants write shows
     * in the group bits). The tool writes in such a directory by path; one that another user could
     * rename, or fill with links, could send those writes, as root, onto any file. Once every directory
     * of a real path passes, only root and this user can change what it names, so the caller must go on
     * with the real path returned, never with the path it was given (a link in it could be swapped).
     *
     * @param dir an existing directory
     * @param command the command that will write there, for the message
     * @return the directory's real path, checked
     * @throws AccessDeniedException naming the directory and whose it is, or who may write it
     * @throws IOException if the attributes cannot be read
     */
    static Path requireOnlyTrustedCanChange(Path dir, String command) throws IOException {
        int me = userOfNewFiles();
        Path real = dir.toRealPath();
        for (Path p = real; p != null; p = p.getParent()) {
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            String problem = owner != 0 && owner != me ? "belongs to user " + owner
                    : (mode & 022) != 0 && (mode & 01000) == 0 ? "is writable by its group or others and not sticky"
                    : null;
            if (problem != null) {
                throw new AccessDeniedException(dir.toString(), null, command + " refuses it: " + p + " " + problem
                        + ", so someone other than root and user " + me + " could redirect what " + command
                        + " writes there; run it as that user or in another directory");
            }
        }
        return real;
    }

    /**
     * @return the user that owns the files this process creates (its effective user, which is what
     *     matters for what it may write, unlike the real one), from a file created for the purpose
     */
    private static int userOfNewFiles() throws IOException {
        Path probe = Files.createTempFile("durafile-user", ".tmp");
        try {
            return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static String defaultReason(FileSystemException e) {
        return REASONS.stream().filter(r -> r.getKey().isInstance(e)).map(Map.Entry::getValue).findFirst()
                .orElse(e.getClass().getSimpleName());
    }
}
