package dev.durafile.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Linux errno values the protocol reacts to, and the one mapping from errno to the JDK's exception
 * types. The message always names the operation, the errno's symbol and the C library's text.
 */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int EMLINK = 31;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int EOPNOTSUPP = 95;
    static final int EDQUOT = 122;

    private Errno() {
    }

    static String symbol(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EACCES: return "EACCES";
            case EEXIST: return "EEXIST";
            case EXDEV: return "EXDEV";
            case ENOTDIR: return "ENOTDIR";
            case EISDIR: return "EISDIR";
            case EINVAL: return "EINVAL";
            case ENOSPC: return "ENOSPC";
            case EROFS: return "EROFS";
            case EMLINK: return "EMLINK";
            case ENAMETOOLONG: return "ENAMETOOLONG";
            case ENOSYS: return "ENOSYS";
            case ELOOP: return "ELOOP";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EDQUOT: return "EDQUOT";
            default: return "errno " + errno;
        }
    }

    /**
     * Maps a failed call to the JDK's exception type: ENOENT {@link NoSuchFileException}, EACCES and EPERM
     * {@link AccessDeniedException}, EEXIST {@link FileAlreadyExistsException}, EXDEV
     * {@link AtomicMoveNotSupportedException}, anything else {@link FileSystemException}.
     *
     * @param errno the positive errno value
     * @param operation what was attempted, e.g. {@code "create temp file"}
     * @param file the path concerned
     * @param other the second path of a two-path operation, or null
     * @param text the C library's text for the errno
     * @return the exception to throw
     */
    static IOException toException(int errno, String operation, Path file, Path other, String text) {
        String f = file == null ? null : file.toString();
        String o = other == null ? null : other.toString();
        String reason = operation + " failed: " + text + " (" + symbol(errno) + ")";
        switch (errno) {
            case ENOENT:
                return new NoSuchFileException(f, o, reason);
            case EACCES:
            case EPERM:
                return new AccessDeniedException(f, o, reason);
            case EEXIST:
                return new FileAlreadyExistsException(f, o, reason);
            case EXDEV:
                return new AtomicMoveNotSupportedException(f, o, reason);
            default:
                return new FileSystemException(f, o, reason);
        }
    }
}
