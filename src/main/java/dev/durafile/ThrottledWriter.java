package dev.durafile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one file up to date with the latest of a stream of snapshots (statistics, say), writing it
 * atomically with {@link AtomicFiles#write(Path, byte[], WriteOptions)} at most once per interval.
 *
 * <p>{@link #publish(Object)} may be called as often as callers like, from any thread; it only hands
 * over the snapshot and returns. One background (daemon) thread does every write, so writes to the
 * target never overlap. The first snapshot is written at once; later ones wait until the interval has
 * passed since the previous write ended. The latest snapshot always wins: snapshots published while one
 * waits replace it and are never written. {@link #flush()} writes the waiting snapshot now and
 * {@link #close()} writes it and stops.
 *
 * <p>Snapshots are serialized on the background thread when their turn comes, so a snapshot must not
 * change after it is published (hand over an immutable copy).
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>A write that fails (the serializer throws, even an {@link Error}; the directory is gone, the disk
 *       is full ...) is logged at WARN, leaves the target as it was, and is thrown by the next {@link #flush()} or
 *       {@link #close()} (the first such failure since the last one thrown), even if a later write
 *       succeeded. Later snapshots are still written.</li>
 *   <li>A crash (process killed, power cut) leaves the target holding one complete snapshot written
 *       earlier, or absent if none was; snapshots published since the last completed write are lost. A
 *       temp file may remain; {@link TempFileJanitor} removes it.</li>
 *   <li>A snapshot is durable (with {@link Durability#DURABLE}, the default) once a {@link #flush()} or
 *       {@link #close()} that follows its publication returns normally.</li>
 *   <li>The background thread is a daemon: a JVM that exits without {@link #close()} loses the
 *       snapshot still waiting. Each writer keeps its thread until closed.</li>
 * </ul>
 *
 * @param <T> the type of the snapshots
 */
public final class ThrottledWriter<T> implements Closeable {
    /** The default interval between writes: 2 seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ThrottledWriter.class);

    private final Path target;
    private final WriteOptions options;
    private final long intervalNanos;
    private final Serializer<? super T> serializer;
    private final ScheduledExecutorService executor;

    private final Object lock = new Object();
    /** The snapshot waiting to be written, or null. */
    private T pending;
    /** The write scheduled but not yet started, or null. */
    private ScheduledFuture<?> scheduled;
    private boolean writing;
    private boolean closed;
    /** True once a write has ended; then {@link #lastWriteEnd} holds when. */
    private boolean wroteBefore;
    /** {@link System#nanoTime()} when the last write ended. */
    private long lastWriteEnd;
    /** The first failure not yet thrown by flush or close, or null. */
    private IOException failure;

    private ThrottledWriter(Path target, WriteOptions options, Duration interval, Serializer<? super T> serializer) {
        this.target = target;
        this.options = options;
        this.intervalNanos = interval.toNanos();
        this.serializer = serializer;
        this.executor = Executors.newSingleThreadScheduledExecutor(
                TempFileJanitor.daemonThreads("durafile-throttled-writer " + target));
    }

    /**
     * Creates a writer with {@link WriteOptions#defaults()} and {@link #DEFAULT_INTERVAL}.
     *
     * @param target the file to keep up to date; its directory must exist when writes happen
     * @param serializer turns a snapshot into the file's complete content
     * @param <T> the type of the snapshots
     * @return the writer, with no snapshot yet; nothing is written until the first {@link #publish}
     */
    public static <T> ThrottledWriter<T> create(Path target, Serializer<? super T> serializer) {
        return create(target, WriteOptions.defaults(), DEFAULT_INTERVAL, serializer);
    }

    /**
     * Creates a writer.
     *
     * @param target the file to keep up to date; its directory must exist when writes happen
     * @param options durability, permissions and symlink policy of every write
     * @param interval the least time between the end of one write and the start of the next; positive
     * @param serializer turns a snapshot into the file's complete content
     * @param <T> the type of the snapshots
     * @return the writer, with no snapshot yet; nothing is written until the first {@link #publish}
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public static <T> ThrottledWriter<T> create(Path target, WriteOptions options, Duration interval,
            Serializer<? super T> serializer) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(serializer, "serializer");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        return new ThrottledWriter<>(target, options, interval, serializer);
    }

    /**
     * Makes {@code snapshot} the next content of the target and returns without waiting. It is written
     * at once if no write happened within the interval, else when the interval has passed, unless a
     * later snapshot replaces it first.
     *
     * @param snapshot the new state; not null, and not to be changed afterwards
     * @throws IllegalStateException if this writer is closed
     */
    public void publish(T snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("ThrottledWriter for " + target + " is closed");
            }
            pending = snapshot;
            if (scheduled == null && !writing) {
                long delay = wroteBefore ? Math.max(0, intervalNanos - (System.nanoTime() - lastWriteEnd)) : 0;
                scheduled = executor.schedule(this::scheduledWrite, delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Writes the waiting snapshot now, ignoring the interval, and waits for that write. Afterwards the
     * target holds the latest snapshot published before this call (or a later one), unless this throws.
     *
     * @throws IOException the first write failure since the last one thrown, whether of this write or of
     *     an earlier background write; see the class documentation
     * @throws InterruptedIOException if the calling thread is interrupted while waiting (its interrupt
     *     status is set; the write goes on in the background)
     * @throws IllegalStateException if this writer is closed
     */
    public void flush() throws IOException {
        Future<?> done;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("ThrottledWriter for " + target + " is closed");
            }
            done = executor.submit(this::flushWrite);
        }
        await(done);
        throwFailure();
    }

    /**
     * Writes the waiting snapshot, waits for it and stops the background thread. Later calls of
     * {@link #publish} and {@link #flush} throw {@link IllegalStateException}; calling close again does
     * nothing.
     *
     * @throws IOException the first write failure not yet thrown, as for {@link #flush()}
     * @throws InterruptedIOException if the calling thread is interrupted while waiting (its interrupt
     *     status is set; the last write goes on in the background)
     */
    @Override
    public void close() throws IOException {
        Future<?> done;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            done = executor.submit(this::flushWrite);
            executor.shutdown();
        }
        await(done);
        throwFailure();
    }

    private void scheduledWrite() {
        synchronized (lock) {
            scheduled = null;
        }
        writePending();
    }

    private void flushWrite() {
        synchronized (lock) {
            if (scheduled != null) {
                scheduled.cancel(false);
                scheduled = null;
            }
        }
        writePending();
    }

    /** Runs on the background thread only, so writes never overlap. */
    private void writePending() {
        T snapshot;
        synchronized (lock) {
            snapshot = pending;
            if (snapshot == null) {
                return;
            }
            pending = null;
            writing = true;
        }
        try {
            AtomicFiles.write(target, serializer.serialize(snapshot), options);
        } catch (IOException e) {
            recordFailure(e);
        } catch (RuntimeException | Error e) {
            // An Error too: the snapshot is lost, and the next flush() must not return as if it were durable.
            recordFailure(new IOException("Writing a snapshot to " + target + " failed", e));
        } finally {
            synchronized (lock) {
                writing = false;
                wroteBefore = true;
                lastWriteEnd = System.nanoTime();
                if (pending != null && scheduled == null && !closed) {
                    scheduled = executor.schedule(this::scheduledWrite, intervalNanos, TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    private void recordFailure(IOException e) {
        LOG.warn("Writing a snapshot to {} failed; the next flush() or close() throws this", target, e);
        synchronized (lock) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void await(Future<?> done) throws IOException {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "Interrupted while waiting for the write of " + target);
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            throw new IOException("Writing a snapshot to " + target + " failed", e.getCause());
        }
    }

    private void throwFailure() throws IOException {
        IOException e;
        synchronized (lock) {
            e = failure;
            failure = null;
        }
        if (e != null) {
            throw e;
        }
    }

    /**
     * Turns a snapshot into the complete content of the target, e.g. Jackson's
     * {@code mapper::writeValueAsBytes}. Called on the background thread, one snapshot at a time; it must
     * not call {@link ThrottledWriter#flush()} or {@link ThrottledWriter#close()}, which would wait for it.
     *
     * @param <T> the type of the snapshots
     */
    @FunctionalInterface
    public interface Serializer<T> {
        /**
         * Turns a snapshot into the file's content.
         *
         * @param snapshot a published snapshot
         * @return the file's complete new content; not null
         * @throws IOException if the snapshot cannot be serialized; the write is abandoned, the target
         *     stays as it was and the failure is thrown by the next flush or close
         */
        byte[] serialize(T snapshot) throws IOException;
    }
}
