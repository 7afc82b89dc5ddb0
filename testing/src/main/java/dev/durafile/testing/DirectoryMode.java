package dev.durafile.testing;

/**
 * Which of a directory's unsynced entry operations (create, rename in or out, link, unlink, mkdir)
 * survive a simulated crash ({@link CrashFileSystem#crash}). Each directory keeps its durable entries
 * (as of its last fsync) plus a <em>prefix</em> of the operations made on it since, in order; each
 * operation is atomic. A rename between two directories is one operation on both and survives in both
 * or in neither. Operations made durable by an earlier fsync (of either directory of a rename) always
 * survive, and so does every operation before them in the same directory.
 */
public enum DirectoryMode {
    /** No unsynced entry operation survives (beyond those the rule above forces). */
    DROP_UNSYNCED,
    /** Every entry operation survives: directories look exactly as before the crash. */
    KEEP_ALL,
    /** Each directory keeps a prefix of random length, drawn from the crash's seed. */
    RANDOM_PREFIX
}
