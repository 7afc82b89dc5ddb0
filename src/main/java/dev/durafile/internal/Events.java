package dev.durafile.internal;

import dev.durafile.SweepReport;
import dev.durafile.WriteOptions;
import java.nio.file.Path;

/**
 * durafile's Java Flight Recorder events: {@code dev.durafile.Write} for every single write,
 * {@code dev.durafile.Transaction} for every transaction's commit and {@code dev.durafile.Sweep} for
 * every janitor sweep. Each {@code begin} method returns the begun event, or null when no recording
 * wants that event (or the JDK has no {@code jdk.jfr} module), so that a write made while nothing
 * records costs one check and carries nothing; callers hold the event as an {@code Object} and never
 * touch a {@code jdk.jfr} class themselves.
 */
public final class Events {
    /** Whether this JDK has JFR at all: a jlinked runtime may leave {@code jdk.jfr} out. */
    private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private Events() {
    }

    /** @return a begun {@code dev.durafile.Write} event, or null if none is recorded */
    static Object beginWrite() {
        return JFR ? Jfr.begin(Jfr.WRITE) : null;
    }

    /**
     * Ends and commits a write's event.
     *
     * @param event what {@link #beginWrite()} returned (nothing is done for null)
     * @param steps the write's step durations in nanoseconds: writing, syncing and closing the temp,
     *     publishing it (the check and the rename), syncing and closing the directory
     * @param outcome {@code published}, {@code failed after publishing} (the new content is in place, a
     *     step after the rename failed), {@code failed} (the target is untouched) or {@code discarded}
     *     (closed without a commit)
     * @param failure why the write failed, or null
     */
    static void endWrite(Object event, String target, long bytes, WriteOptions options, String backend,
            long[] steps, String outcome, Throwable failure) {
        if (event != null) {
            Jfr.endWrite(event, target, bytes, options, backend, steps, outcome, failure);
        }
    }

    /** @return a begun {@code dev.durafile.Transaction} event, or null if none is recorded */
    static Object beginTransaction() {
        return JFR ? Jfr.begin(Jfr.TRANSACTION) : null;
    }

    /** Ends and commits a transaction's event (nothing is done for a null {@code event}). */
    static void endTransaction(Object event, Path journal, int changes, WriteOptions options, String backend,
            Throwable failure) {
        if (event != null) {
            Jfr.endTransaction(event, journal, changes, options, backend, failure);
        }
    }

    /** @return a begun {@code dev.durafile.Sweep} event, or null if none is recorded */
    public static Object beginSweep() {
        return JFR ? Jfr.begin(Jfr.SWEEP) : null;
    }

    /** Ends and commits a sweep's event (nothing is done for a null {@code event}). */
    public static void endSweep(Object event, Path root, boolean dryRun, SweepReport report, Throwable failure) {
        if (event != null) {
            Jfr.endSweep(event, root, dryRun, report, failure);
        }
    }

    /** @return {@code t}'s class and message, for an event's failure field; null for null */
    private static String describe(Throwable t) {
        return t == null ? null : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** The part that uses {@code jdk.jfr}: loaded only where the JDK has it. */
    private static final class Jfr {
        static final jdk.jfr.EventType WRITE = jdk.jfr.EventType.getEventType(WriteEvent.class);
        static final jdk.jfr.EventType TRANSACTION = jdk.jfr.EventType.getEventType(TransactionEvent.class);
        static final jdk.jfr.EventType SWEEP = jdk.jfr.EventType.getEventType(SweepEvent.class);

        private Jfr() {
        }

        static Object begin(jdk.jfr.EventType type) {
            if (!type.isEnabled()) {
                return null;
            }
            jdk.jfr.Event e = type == WRITE ? new WriteEvent() : type == TRANSACTION ? new TransactionEvent()
                    : new SweepEvent();
            e.begin();
            return e;
        }

        static void endWrite(Object event, String target, long bytes, WriteOptions options, String backend,
                long[] steps, String outcome, Throwable failure) {
            WriteEvent e = (WriteEvent) event;
            e.end();
            e.target = target;
            e.bytes = bytes;
            e.durability = options.durability().name();
            e.backend = backend;
            e.write = steps[0];
            e.fileSync = steps[1];
            e.rename = steps[2];
            e.directorySync = steps[3];
            e.outcome = outcome;
            e.failure = describe(failure);
            e.commit();
        }

        static void endTransaction(Object event, Path journal, int changes, WriteOptions options, String backend,
                Throwable failure) {
            TransactionEvent e = (TransactionEvent) event;
            e.end();
            e.journal = journal.toString();
            e.changes = changes;
            e.durability = options.durability().name();
            e.backend = backend;
            e.outcome = failure == null ? "committed" : "failed";
            e.failure = describe(failure);
            e.commit();
        }

        static void endSweep(Object event, Path root, boolean dryRun, SweepReport report, Throwable failure) {
            SweepEvent e = (SweepEvent) event;
            e.end();
            e.root = root.toString();
            e.dryRun = dryRun;
            if (report != null) {
                e.deleted = report.deletedCount();
                e.bytesReclaimed = report.bytesReclaimed();
                e.skippedYoung = report.skippedYoung();
                e.skippedFuture = report.skippedFuture();
                e.failed = report.failedCount();
            }
            e.failure = describe(failure);
            e.commit();
        }
    }
}
