package dev.durafile.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place where durafile builds the exceptions it throws for failed file operations. Every one
 * is a JDK type ({@link NoSuchFileException}, {@link AccessDeniedException},
 * {@link FileAlreadyExistsException}, {@link AtomicMoveNotSupportedException}, else
 * {@link FileSystemException}) whose reason has one shape: {@code <operation> failed: <why>}, where
 * {@code why} is the C library's text and the errno's symbol where there is one
 * ({@code No such file or directory (ENOENT)}).
 *
 * <p>The bindings name the file they acted on; the write protocol then {@link #forTarget re-targets}
 * each failure so that {@link FileSystemException#getFile()} is the target the caller passed and the
 * reason names the temp file or directory the step acted on.
 */
final class Failures {
    /** Separates the operation from the reason in every message built here. */
    private static final String FAILED = " failed: ";
    /** The JDK reports EPERM (an immutable file, say) as a plain FileSystemException with this text. */
    private static final String EPERM_TEXT = "Operation not permitted";

    private Failures() {
    }

    /**
     * A failed system call: ENOENT {@link NoSuchFileException}, EACCES and EPERM
     * {@link AccessDeniedException}, EEXIST {@link FileAlreadyExistsException}, EXDEV
     * {@link AtomicMoveNotSupportedException}, anything else {@link FileSystemException}.
     *
     * @param errno the positive errno value
     * @param text the C library's text for it
     * @param operation what was attempted, e.g. {@code "create temp file"}
     * @param file the path acted on
     * @param other the second path of a two-path operation, or null
     */
    static FileSystemException ofErrno(int errno, String text, String operation, Path file, Path other) {
        String reason = operation + FAILED + text + " (" + Errno.symbol(errno) + ")";
        String f = string(file);
        String o = string(other);
        switch (errno) {
            case Linux.ENOENT:
                return new NoSuchFileException(f, o, reason);
            case Linux.EACCES:
            case Linux.EPERM:
                return new AccessDeniedException(f, o, reason);
            case Linux.EEXIST:
                return new FileAlreadyExistsException(f, o, reason);
            case Linux.EXDEV:
                return new AtomicMoveNotSupportedException(f, o, reason);
            default:
                return new FileSystemException(f, o, reason);
        }
    }

    /**
     * A request durafile refuses as the kernel would (EINVAL), in its own words: a
     * {@link FileSystemException} whose reason is {@code why} and the errno's symbol.
     *
     * @param operation what was attempted, e.g. {@code "exchange"}
     * @param file the path acted on
     * @param other the second path of a two-path operation, or null
     * @param why what makes the request invalid
     */
    static FileSystemException invalid(String operation, Path file, Path other, String why) {
        return ofErrno(Linux.EINVAL, why, operation, file, other);
    }

    /**
     * A failure the kernel or file system reported as "not supported": {@link AtomicMoveNotSupportedException}.
     */
    static AtomicMoveNotSupportedException unsupported(String operation, Path file, Path other, String why) {
        return new AtomicMoveNotSupportedException(string(file), string(other), operation + FAILED + why);
    }

    /** A failure that no errno describes, such as a target that is a directory. */
    static FileSystemException of(String operation, Path file, String why) {
        return of(operation, string(file), why);
    }

    /** A failure that no errno describes, for a file named as the caller named it. */
    static FileSystemException of(String operation, String file, String why) {
        return new FileSystemException(file, null, operation + FAILED + why);
    }

    /** {@link FileAlreadyExistsException} for {@code file}, named as the caller named it. */
    static FileAlreadyExistsException exists(String operation, String file, String why) {
        return new FileAlreadyExistsException(file, null, operation + FAILED + why);
    }

    /**
     * A failure java.nio reported, with the operation and the full path in its reason. A
     * {@link FileSystemException} keeps its type where the JDK's type can carry a reason (a
     * {@link DirectoryNotEmptyException} or {@link NotDirectoryException} becomes a
     * {@link FileSystemException} saying so); any other {@link IOException} (the JDK throws plain ones
     * from write, force and close) becomes a {@link FileSystemException}. A
     * {@link ClosedByInterruptException} is returned as it is: the protocol reports interrupts itself.
     *
     * @param e what java.nio threw
     * @param operation what was attempted
     * @param file the full path acted on (java.nio's relative names are replaced by it)
     */
    static IOException ofJdk(IOException e, String operation, Path file) {
        if (e instanceof ClosedByInterruptException) {
            return e;
        }
        String f = file != null ? file.toString() : null;
        if (!(e instanceof FileSystemException)) {
            return withCause(new FileSystemException(f, null, operation + FAILED + withSymbol(e.getMessage())), e);
        }
        FileSystemException fse = (FileSystemException) e;
        String why = fse.getReason() != null ? withSymbol(fse.getReason()) : meaning(fse);
        String o = fse.getOtherFile();
        return withCause(sameType(fse, f != null ? f : fse.getFile(), o, operation + FAILED + why), e);
    }

    /**
     * Re-targets a failure of one step of a write: the result's {@link FileSystemException#getFile()}
     * is {@code target}, and its reason names what the step acted on when that was another file.
     *
     * @param e the step's failure
     * @param target the target as the caller named it
     * @return {@code e} itself if it already names the target or is not a file-system failure
     */
    static IOException forTarget(IOException e, String target) {
        return forTarget(e, target, null);
    }

    /**
     * {@link #forTarget(IOException, String)} for a call on two entries, such as an exchange: the
     * result's {@link FileSystemException#getOtherFile()} is {@code other}, as the caller named it.
     */
    static IOException forTarget(IOException e, String target, String other) {
        if (!(e instanceof FileSystemException)) {
            return e;
        }
        FileSystemException fse = (FileSystemException) e;
        if (target.equals(fse.getFile()) && Objects.equals(other, fse.getOtherFile())) {
            return e;
        }
        String reason = fse.getReason() != null ? fse.getReason() : meaning(fse);
        String retargeted = reason;
        if (!target.equals(fse.getFile()) && fse.getFile() != null) {
            int at = reason.indexOf(FAILED);
            retargeted = at < 0 ? reason + " (" + fse.getFile() + ")"
                    : reason.substring(0, at) + " " + fse.getFile() + reason.substring(at);
        }
        FileSystemException r = sameType(fse, target, other, retargeted);
        r.initCause(e);
        return r;
    }

    /**
     * A step after the rename failed: the target already holds the new content.
     *
     * @param target the target as the caller named it
     * @param what what is missing, e.g. {@code "the directory fsync that makes it survive a power cut"}
     * @param cause the step's failure
     */
    static FileSystemException afterPublish(String target, String what, IOException cause) {
        String why = cause instanceof FileSystemException && ((FileSystemException) cause).getReason() != null
                ? ((FileSystemException) cause).getReason() : String.valueOf(cause);
        return withCause(new FileSystemException(target, null, "the new content is in place, but " + what
                + FAILED + why), cause);
    }

    /**
     * The thread was interrupted while a java.nio channel was in use, which closed it: the write was
     * abandoned before publishing, so the target is as it was.
     */
    static InterruptedIOException interrupted(String target, String operation, IOException cause) {
        InterruptedIOException e = new InterruptedIOException(target + ": " + operation
                + " interrupted (Thread.interrupt closed the channel); nothing was published, the target is as it was");
        e.initCause(cause);
        return e;
    }

    private static FileSystemException sameType(FileSystemException like, String file, String other, String reason) {
        if (like instanceof NoSuchFileException) {
            return new NoSuchFileException(file, other, reason);
        }
        if (like instanceof AccessDeniedException || EPERM_TEXT.equals(like.getReason())) {
            return new AccessDeniedException(file, other, reason);
        }
        if (like instanceof FileAlreadyExistsException) {
            return new FileAlreadyExistsException(file, other, reason);
        }
        if (like instanceof AtomicMoveNotSupportedException) {
            return new AtomicMoveNotSupportedException(file, other, reason);
        }
        return new FileSystemException(file, other, reason);
    }


    /** @return {@code text} with its errno symbol appended where it is a C library text this knows */
    private static String withSymbol(String text) {
        String symbol = Errno.symbolOfText(text);
        return symbol == null ? text : text + " (" + symbol + ")";
    }

    /** What a JDK exception that carries no reason stands for. */
    private static String meaning(FileSystemException e) {
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
        if (e instanceof FileSystemLoopException) {
            return "Too many levels of symbolic links (ELOOP)";
        }
        if (e instanceof NotLinkException) {
            return "Not a symbolic link (EINVAL)";
        }
        return e.getClass().getSimpleName();
    }

    private static <T extends Throwable> T withCause(T e, Throwable cause) {
        e.initCause(cause);
        return e;
    }

    private static String string(Path p) {
        return p == null ? null : p.toString();
    }
}
