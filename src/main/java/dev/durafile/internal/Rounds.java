package dev.durafile.internal;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the steps of one round of a batch (the syncs of many temp files, the fsyncs of many
 * directories) at the same time, so that the file system can merge them into few journal commits: a
 * batch of N files then costs a few sync rounds, not N. The steps run on a shared pool of daemon
 * threads, the caller's thread taking the last one itself. Waiting is not interruptible: a round's
 * syncs are never abandoned half-way, and an interrupt stays set. On a file system other than the
 * default one (the crash kit's, in memory) the steps run in order on the caller's thread: nothing is
 * merged there, and its crash points stay deterministic.
 */
final class Rounds {
    /** Steps of one round in flight at once; more wait in the pool's queue. */
    private static final int THREADS = 32;
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Executor POOL = pool();

    /** One step of a round. */
    interface Step {
        void run() throws IOException;
    }

    private Rounds() {
    }

    private static Executor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "durafile-sync-" + COUNT.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Runs every step, concurrently, and returns once all have ended.
     *
     * @param fs the file system the steps act on
     * @throws IOException the first step's failure (in the order given), the others' attached as
     *     suppressed; every step has ended by then
     */
    static void run(List<? extends Step> steps, FileSystem fs) throws IOException {
        if (steps.isEmpty()) {
            return;
        }
        if (fs != FileSystems.getDefault()) {
            for (Step s : steps) {
                s.run();
            }
            return;
        }
        List<CompletableFuture<Void>> running = new ArrayList<>(steps.size() - 1);
        for (int i = 0; i < steps.size() - 1; i++) {
            Step s = steps.get(i);
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    s.run();
                } catch (IOException e) {
                    throw new Failed(e);
                }
            }, POOL));
        }
        Throwable first = null;
        try {
            steps.get(steps.size() - 1).run();
        } catch (IOException | RuntimeException | Error e) {
            first = e;
        }
        Throwable[] failures = new Throwable[running.size()];
        boolean interrupted = false;
        for (int i = 0; i < running.size(); i++) {
            while (true) {
                try {
                    running.get(i).get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    failures[i] = c instanceof Failed ? c.getCause() : c;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable thrown = null;
        for (Throwable f : failures) {
            thrown = Closing.add(thrown, f);
        }
        Closing.rethrow(Closing.add(thrown, first));
    }

    /** Carries a step's IOException out of the pool. */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1;

        Failed(IOException cause) {
            super(cause);
        }
    }
}
