package dev.durafile;

/** How the temp file of a write is created. */
public enum TempStrategy {
    /**
     * A named temp file {@code <name>.tmp.<uuid>} in the target's directory, created with
     * {@code O_CREAT|O_EXCL}. A crash during the write can leave it behind; {@link TempFileJanitor}
     * removes it later. Works on every backend and file system. The default.
     */
    NAMED,
    /**
     * An unnamed temp file ({@code O_TMPFILE}): it only gets a name once its content is complete and
     * synced, immediately before the rename, so a crash while writing leaves nothing behind. Falls back
     * to {@link #NAMED} where the file system (or the java.nio backend) has no unnamed files.
     */
    ANONYMOUS
}
