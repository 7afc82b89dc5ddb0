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

    private static String defaultReason(FileSystemException e) {
        return REASONS.stream().filter(r -> r.getKey().isInstance(e)).map(Map.Entry::getValue).findFirst()
                .orElse(e.getClass().getSimpleName());
    }
}
