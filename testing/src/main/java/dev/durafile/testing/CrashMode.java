package dev.durafile.testing;

/**
 * What a simulated crash ({@link CrashFileSystem#crash}) does to file data that was written but not
 * yet synced with {@link java.nio.channels.FileChannel#force}. Data is judged per 512-byte sector: a
 * sector whose bytes equal its durable bytes is never touched; every other ("unsynced") sector is
 * treated as this mode says. What happens to directory entries is chosen separately, by
 * {@link DirectoryMode}.
 */
public enum CrashMode {
    /**
     * Every unsynced sector reverts to its durable bytes and the file keeps its durable size: the file
     * reads exactly as of its last sync (empty if it was never synced). The classic "zero-length file
     * after a crash" of delayed allocation.
     */
    LOSE_UNSYNCED,
    /**
     * All written data survives, with the current size. Together with {@link DirectoryMode#KEEP_ALL}
     * this models a process crash ({@code kill -9}), where the kernel keeps everything the process did.
     */
    KEEP_ALL,
    /**
     * Every unsynced sector reads as zeros and the file has its current (unsynced) size: the size made
     * it to disk but the data blocks did not (XFS's "NULL files").
     */
    ZERO_UNSYNCED,
    /**
     * Each unsynced sector independently is lost, kept or zeroed, and a file whose size changed gets
     * either its durable or its current size, all drawn from the crash's seed: a torn write.
     */
    TORN_RANDOM
}
