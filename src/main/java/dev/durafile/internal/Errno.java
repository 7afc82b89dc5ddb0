package dev.durafile.internal;

/**
 * Linux errno values the protocol reacts to, and their symbols for messages ({@link Failures} maps
 * them to the JDK's exception types).
 */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EWOULDBLOCK = 11;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ERANGE = 34;
    static final int EROFS = 30;
    static final int EMLINK = 31;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int ENODATA = 61;
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
            case EWOULDBLOCK: return "EWOULDBLOCK";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EACCES: return "EACCES";
            case EEXIST: return "EEXIST";
            case EXDEV: return "EXDEV";
            case ENOTDIR: return "ENOTDIR";
            case EISDIR: return "EISDIR";
            case EINVAL: return "EINVAL";
            case ENOSPC: return "ENOSPC";
            case ERANGE: return "ERANGE";
            case EROFS: return "EROFS";
            case EMLINK: return "EMLINK";
            case ENAMETOOLONG: return "ENAMETOOLONG";
            case ENOSYS: return "ENOSYS";
            case ENOTEMPTY: return "ENOTEMPTY";
            case ENODATA: return "ENODATA";
            case ELOOP: return "ELOOP";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EDQUOT: return "EDQUOT";
            default: return "errno " + errno;
        }
    }
}
