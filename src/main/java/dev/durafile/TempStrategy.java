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
     *
     * <p>It is slower than {@link #NAMED}, so it is never chosen for you: naming the file is one more
     * system call ({@code linkat}), and at {@link Durability#ATOMIC} and {@link Durability#DURABLE} the
     * file is synced once more after it is named, so that its link is on disk with it (btrfs has lost
     * links made after a file's last sync); on ext4 that second sync commits the journal again. Measured on ext4 at
     * DURABLE: 1.25-1.58x the time of a NAMED write at 1 KiB and 64 KiB, 1.03x at 1 MiB
     * ({@code benchmarks/RESULTS.md}). Choose it where leaving no temp file after a crash matters more.
     */
    ANONYMOUS
}
