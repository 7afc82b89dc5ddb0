package dev.durafile;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one sweep of {@link TempFileJanitor} did: the orphaned temp files it deleted (or, in a dry run,
 * would have deleted), how many temp files it left because they were too young, and what it could not
 * delete or read. Immutable and thread-safe.
 */
public final class SweepReport {
    private final boolean dryRun;
    private final List<Path> deleted;
    private final int skippedYoung;
    private final int skippedFuture;
    private final List<Failure> failed;
    private final long bytesReclaimed;

    SweepReport(boolean dryRun, List<Path> deleted, int skippedYoung, int skippedFuture, List<Failure> failed,
            long bytesReclaimed) {
        this.dryRun = dryRun;
        this.deleted = List.copyOf(deleted);
        this.skippedYoung = skippedYoung;
        this.skippedFuture = skippedFuture;
        this.failed = List.copyOf(failed);
        this.bytesReclaimed = bytesReclaimed;
    }

    /** {@return true if this was a dry run: nothing was deleted, {@link #deleted()} lists what would have been} */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * {@return the temp files deleted (in a dry run: that would have been deleted), in the order visited;
     * unmodifiable}
     */
    public List<Path> deleted() {
        return deleted;
    }

    /** {@return the number of temp files deleted (in a dry run: that would have been deleted)} */
    public int deletedCount() {
        return deleted.size();
    }

    /** {@return the number of temp files left alone because they were not older than the minimum age} */
    public int skippedYoung() {
        return skippedYoung;
    }

    /**
     * {@return how many of the {@link #skippedYoung()} temp files have a last-modified time later than
     * the sweep's start (a clock set back, or a file copied from a machine whose clock is ahead): they
     * are kept until the clock passes that time by the minimum age}
     */
    public int skippedFuture() {
        return skippedFuture;
    }

    /** {@return the temp files that could not be deleted and the directories that could not be read; unmodifiable} */
    public List<Failure> failed() {
        return failed;
    }

    /** {@return the number of entries in {@link #failed()}} */
    public int failedCount() {
        return failed.size();
    }

    /**
     * {@return the sum of the sizes of the deleted temp files (in a dry run: of those that would have been
     * deleted), in bytes, as the sweep read them; a file with several hard links counts in full
     * although deleting one name frees no space}
     */
    public long bytesReclaimed() {
        return bytesReclaimed;
    }

    /** {@return true if nothing was (or would have been) deleted and nothing failed} */
    boolean isQuiet() {
        return deleted.isEmpty() && failed.isEmpty();
    }

    /** {@return a one-line summary, e.g. {@code "deleted 3 temp files (1024 bytes), skipped 1 young, 0 failed"}} */
    @Override
    public String toString() {
        return (dryRun ? "dry run: would delete " : "deleted ") + deleted.size() + " temp files (" + bytesReclaimed
                + " bytes), skipped " + skippedYoung + " young, " + failed.size() + " failed";
    }

    /**
     * A path the sweep could not handle and why.
     *
     * @param path the temp file that could not be deleted, or the directory that could not be read
     * @param reason the operating system's reason, e.g. {@code "Operation not permitted"}
     */
    public record Failure(Path path, String reason) {
        /**
         * One failure of a sweep.
         *
         * @param path the temp file that could not be deleted, or the directory that could not be read
         * @param reason why
         */
        public Failure {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
