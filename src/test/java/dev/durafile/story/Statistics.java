package dev.durafile.story;

/**
 * The resource statistics kept in {@code statistics.json}.
 *
 * @param jobsSucceeded jobs completed successfully
 * @param jobsFailed jobs that failed
 * @param totalRuntimeMillis the summed runtime of all completed jobs
 */
public record Statistics(long jobsSucceeded, long jobsFailed, long totalRuntimeMillis) {
    /** No job completed yet. */
    public static final Statistics EMPTY = new Statistics(0, 0, 0);
}
