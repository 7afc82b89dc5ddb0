package dev.durafile.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit of directory fsyncs: concurrent writers that renamed into the same directory share one
 * fsync of it. A directory is its identity (st_dev, st_ino, as fstat of the writer's open directory
 * reports it), never its path: after a directory is swapped or re-created under the same path, writers
 * into the old and the new one are in different groups.
 *
 * <p>The rule: a writer whose rename finished at time t returns once a directory fsync that <em>started
 * after t</em> has finished. Writers join the directory's queue after their rename. The first writer
 * with no fsync running becomes the leader: it takes the whole queue as its batch, fsyncs the directory
 * through its own handle, and completes every writer of the batch with the outcome; writers who joined
 * during that fsync form the next batch, whose first writer leads it. One fsync thus serves every writer
 * waiting when it started, and a failed fsync fails every writer of its batch (it is never retried).
 */
final class GroupCommit {
    private static final ConcurrentHashMap<Object, Group> GROUPS = new ConcurrentHashMap<>();

    private GroupCommit() {
    }

    /**
     * Returns once a directory fsync that started after this call began has finished.
     *
     * @param dir the directory, already containing the caller's rename
     * @throws IOException if the fsync serving this caller failed
     */
    static void sync(FileBinding.Directory dir) throws IOException {
        Object id = dir.stat().key;
        Object key = id != null ? id : dir.path();
        while (true) {
            Group g = GROUPS.computeIfAbsent(key, Group::new);
            Waiter w = g.join(dir);
            if (w != null) {
                w.await(g);
                return;
            }
        }
    }

    private static final class Group {
        private final Object key;
        private List<Waiter> queue = new ArrayList<>();
        private boolean leading;
        private boolean retired;

        Group(Object key) {
            this.key = key;
        }

        /** @return the caller's place, or null if this group was just retired (look it up again) */
        synchronized Waiter join(FileBinding.Directory dir) {
            if (retired) {
                return null;
            }
            Waiter w = new Waiter(dir);
            queue.add(w);
            if (!leading) {
                leading = true;
                w.promote();
            }
            return w;
        }

        synchronized List<Waiter> takeBatch() {
            List<Waiter> batch = queue;
            queue = new ArrayList<>();
            return batch;
        }

        /** Passes the lead to the next batch's first writer, or retires the group when nobody waits. */
        synchronized void handOff() {
            if (queue.isEmpty()) {
                leading = false;
                retired = true;
                GROUPS.remove(key, this);
            } else {
                queue.get(0).promote();
            }
        }
    }

    private static final class Waiter {
        private final FileBinding.Directory dir;
        private boolean lead;
        private boolean done;
        private Throwable failure;

        Waiter(FileBinding.Directory dir) {
            this.dir = dir;
        }

        synchronized void promote() {
            lead = true;
            notifyAll();
        }

        synchronized void complete(Throwable t) {
            done = true;
            failure = t;
            notifyAll();
        }

        /** Waits, uninterruptibly (returning early would break the rule), to lead or to be completed. */
        private synchronized boolean awaitTurn() {
            boolean interrupted = false;
            while (!lead && !done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return lead && !done;
        }

        void await(Group g) throws IOException {
            if (awaitTurn()) {
                Throwable outcome = lead(g);
                if (outcome instanceof RuntimeException) {
                    throw (RuntimeException) outcome;
                }
                if (outcome instanceof Error) {
                    throw (Error) outcome;
                }
            }
            Throwable t;
            synchronized (this) {
                t = failure;
            }
            if (t != null) {
                throw ownCopy(t);
            }
        }

        /**
         * Syncs for the whole batch and completes it. @return the failure, if any; an unchecked one is
         * rethrown unchanged to the leader, while the batch's other writers see it as an IOException
         */
        private Throwable lead(Group g) {
            List<Waiter> batch = g.takeBatch();
            Throwable outcome = null;
            try {
                dir.sync();
            } catch (IOException | RuntimeException | Error e) {
                outcome = e;
            }
            for (Waiter w : batch) {
                w.complete(outcome);
            }
            g.handOff();
            return outcome;
        }

        /** Each writer gets its own exception (callers add suppressed ones); the shared one is its cause. */
        private IOException ownCopy(Throwable shared) {
            return Failures.sharedSync(dir.path(), shared);
        }
    }
}
