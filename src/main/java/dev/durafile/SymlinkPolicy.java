package dev.durafile;

/** What a write does when the target path is a symbolic link. */
public enum SymlinkPolicy {
    /**
     * Follow the link (and any chain of links) to its final target and replace that file atomically;
     * the directory synced is the final target's directory. The link itself is left untouched. A
     * dangling link creates its final target. The default.
     */
    FOLLOW,
    /** Replace the link itself with a regular file; the file it pointed to is left untouched. */
    REPLACE
}
