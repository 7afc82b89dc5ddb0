package dev.durafile.story;

import dev.durafile.ThrottledWriter;
import dev.durafile.WriteOptions;
import dev.durafile.json.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The story's ResourceStatisticsService retrofitted: counts job completions in memory and saves a
 * snapshot to {@code statistics.json} atomically and durably. Saves are serialized by a save lock (the
 * service's {@code _saveLock}) and each takes its snapshot inside that lock, so the last save holds the
 * latest statistics. Every completion is published to a {@link ThrottledWriter}, which writes at most
 * once per 2 seconds (the service's throttle) with the latest snapshot winning; {@link #save()} writes
 * at once. A crash during a save leaves the previous complete snapshot (or no file before the first
 * save). Thread-safe.
 */
public final class StatisticsStore {
    private final ThrottledWriter<Statistics> writer;
    private final Object saveLock = new Object();
    private Statistics current;

    private StatisticsStore(Path file, Statistics current) {
        this.writer = ThrottledWriter.create(file, WriteOptions.defaults(), ThrottledWriter.DEFAULT_INTERVAL,
                Workspace.MAPPER::writeValueAsBytes);
        this.current = current;
    }

    /**
     * Loads the saved statistics, as the service does at startup.
     *
     * @return a store continuing from the saved snapshot, or from {@link Statistics#EMPTY} if none
     * @throws IOException naming the file if it exists but is not valid statistics
     */
    public static StatisticsStore open(Workspace workspace) throws IOException {
        Path file = workspace.statisticsFile();
        Statistics saved = Files.exists(file) ? JsonFiles.read(file, Statistics.class, Workspace.MAPPER) : Statistics.EMPTY;
        return new StatisticsStore(file, saved);
    }

    /** Counts one completed job and publishes the snapshot to the throttled writer. */
    public synchronized void recordCompletion(boolean succeeded, long runtimeMillis) {
        current = new Statistics(current.jobsSucceeded() + (succeeded ? 1 : 0),
                current.jobsFailed() + (succeeded ? 0 : 1), current.totalRuntimeMillis() + runtimeMillis);
        writer.publish(current);
    }

    /** @return the statistics counted so far */
    public synchronized Statistics snapshot() {
        return current;
    }

    /**
     * Saves a snapshot taken under the save lock.
     *
     * @return the snapshot saved
     * @throws IOException if the write fails; the file then holds the previous snapshot
     */
    public Statistics save() throws IOException {
        synchronized (saveLock) {
            Statistics snapshot = snapshot();
            writer.publish(snapshot);
            writer.flush();
            return snapshot;
        }
    }
}
