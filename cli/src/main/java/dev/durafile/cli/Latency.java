package dev.durafile.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/** Timings of one operation, repeated: median and 99th percentile. Not thread-safe. */
final class Latency {
    /** An operation to time. */
    interface Step {
        /** @throws IOException if it fails; the measurement stops */
        void run() throws IOException;
    }

    private final long[] nanos;
    private int count;

    /** @param samples how many timings will be taken */
    Latency(int samples) {
        this.nanos = new long[samples];
    }

    /** Runs {@code step} once and records how long it took. */
    void time(Step step) throws IOException {
        long start = System.nanoTime();
        step.run();
        nanos[count++] = System.nanoTime() - start;
    }

    /** @return the median, in nanoseconds */
    long median() {
        return percentile(50);
    }

    /** @return the 99th percentile (nearest rank), in nanoseconds */
    long p99() {
        return percentile(99);
    }

    private long percentile(int p) {
        if (count == 0) {
            throw new IllegalStateException("no timings taken");
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** @return {@code nanos} in milliseconds with three decimals, e.g. {@code 0.512 ms} */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
