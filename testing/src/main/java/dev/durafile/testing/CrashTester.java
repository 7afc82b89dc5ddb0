package dev.durafile.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs an action under test on a fresh {@link CrashFileSystem} with a crash at each of its counted
 * operations in turn (and once after it returned), for each {@link CrashMode} and {@link DirectoryMode}
 * and a few seeds, and checks an invariant on what survives each crash.
 *
 * <p>For each crash: a new file system is created, {@code setup} runs on its root, everything is made
 * durable ({@link CrashFileSystem#syncAll()}), the crash is planned, the action runs (whatever it throws
 * once the file system has crashed is ignored: it comes from the dead process), the crash is applied and
 * the invariant is checked on the root. The action runs once more first, without a crash, to count its
 * operations; it must complete normally then and must be deterministic (the same operations in the same
 * order every time). Combinations whose outcome does not depend on the seed are tried once.
 *
 * <pre>{@code
 * CrashTester.Report r = CrashTester.of(
 *         root -> Files.write(root.resolve("state"), OLD),
 *         root -> AtomicFiles.write(root.resolve("state"), NEW))
 *     .run((root, point) -> {
 *         byte[] now = Files.readAllBytes(root.resolve("state"));
 *         assertTrue(Arrays.equals(now, NEW) || !point.returned() && Arrays.equals(now, OLD), point::toString);
 *     });
 * r.assertNoViolations();
 * }</pre>
 *
 * <p>Instances are immutable; the {@code with...} methods return modified copies. What a pass means is
 * exactly what {@link CrashFileSystem} models, no more.
 */
public final class CrashTester {
    /** The number of seeds tried for a random combination by default. */
    public static final int DEFAULT_SEEDS = 4;

    /** Setup or action under test: runs on the root of a {@link CrashFileSystem}. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the setup or the action.
         *
         * @param root the root directory of the file system
         * @throws Exception on failure
         */
        void run(Path root) throws Exception;
    }

    /** The check run after each crash. */
    @FunctionalInterface
    public interface Invariant {
        /**
         * Checks the state a crash left.
         *
         * @param root the root directory of the file system after the crash
         * @param point where and how it crashed
         * @throws Exception (typically an {@link AssertionError}) if the state violates the invariant
         */
        void check(Path root, CrashPoint point) throws Exception;
    }

    /**
     * One crash after which the invariant failed.
     *
     * @param point the crash
     * @param failure what the invariant (or the action, if it failed without a crash) threw
     */
    public record Violation(CrashPoint point, Throwable failure) {
        /** {@return the crash point and the failure's message} */
        @Override
        public String toString() {
            return point + ": " + failure;
        }
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param operations how many counted operations the action performs
     * @param crashes how many crashes were simulated and checked
     * @param violations the crashes after which the invariant failed, in the order they were tried
     */
    public record Report(int operations, int crashes, List<Violation> violations) {
        /**
         * Makes a report.
         *
         * @param operations how many counted operations the action performs
         * @param crashes how many crashes were simulated and checked
         * @param violations the crashes after which the invariant failed (copied)
         */
        public Report {
            violations = List.copyOf(violations);
        }

        /**
         * Fails if any crash violated the invariant.
         *
         * @throws AssertionError naming every violation (the first one as the cause) if there is any
         */
        public void assertNoViolations() {
            if (!violations.isEmpty()) {
                StringBuilder sb = new StringBuilder(violations.size() + " of " + crashes
                        + " simulated crashes violated the invariant:");
                for (Violation v : violations) {
                    sb.append("\n  ").append(v);
                }
                throw new AssertionError(sb.toString(), violations.get(0).failure());
            }
        }
    }

    private final Action setup;
    private final Action action;
    private final Set<CrashMode> modes;
    private final Set<DirectoryMode> directoryModes;
    private final int seeds;

    private CrashTester(Action setup, Action action, Set<CrashMode> modes, Set<DirectoryMode> directoryModes,
            int seeds) {
        this.setup = setup;
        this.action = action;
        this.modes = modes;
        this.directoryModes = directoryModes;
        this.seeds = seeds;
    }

    /**
     * Makes a tester of {@code action}.
     *
     * @param setup prepares the state before the action (made durable before the action runs)
     * @param action the code under test
     * @return a tester trying every mode, every directory mode and {@value #DEFAULT_SEEDS} seeds
     */
    public static CrashTester of(Action setup, Action action) {
        return new CrashTester(Objects.requireNonNull(setup, "setup"), Objects.requireNonNull(action, "action"),
                EnumSet.allOf(CrashMode.class), EnumSet.allOf(DirectoryMode.class), DEFAULT_SEEDS);
    }

    /**
     * Limits the data modes tried.
     *
     * @param first a mode to try
     * @param more further modes to try
     * @return a copy trying only these data modes
     */
    public CrashTester withModes(CrashMode first, CrashMode... more) {
        return new CrashTester(setup, action, EnumSet.of(first, more), directoryModes, seeds);
    }

    /**
     * Limits the directory modes tried.
     *
     * @param first a directory mode to try
     * @param more further directory modes to try
     * @return a copy trying only these directory modes
     */
    public CrashTester withDirectoryModes(DirectoryMode first, DirectoryMode... more) {
        return new CrashTester(setup, action, modes, EnumSet.of(first, more), seeds);
    }

    /**
     * Sets how many seeds are tried.
     *
     * @param count how many seeds (0, 1, ... count - 1) to try for combinations with random choices
     * @return a copy using that many seeds
     */
    public CrashTester withSeeds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one seed: " + count);
        }
        return new CrashTester(setup, action, modes, directoryModes, count);
    }

    /**
     * Counts the action's operations (setup excluded) by running setup and action once without a crash.
     *
     * @return the number of counted operations of the action
     * @throws AssertionError if the setup or the action fails
     */
    public int countOperations() {
        CrashFileSystem fs = prepared();
        long before = fs.operationCount();
        try {
            action.run(fs.root());
        } catch (Exception e) {
            throw new AssertionError("the action failed without a crash", e);
        }
        return Math.toIntExact(fs.operationCount() - before);
    }

    /**
     * Crashes the action at each of its operations and after it returned, with every chosen combination,
     * and checks {@code invariant} after each crash.
     *
     * @param invariant the check on the state after a crash
     * @return what was tried and what failed
     * @throws AssertionError if the setup fails, or the action fails without a crash in the counting run
     */
    public Report run(Invariant invariant) {
        Objects.requireNonNull(invariant, "invariant");
        int operations = countOperations();
        List<Violation> violations = new ArrayList<>();
        int crashes = 0;
        for (int op = 1; op <= operations + 1; op++) {
            for (CrashMode mode : modes) {
                for (DirectoryMode dirs : directoryModes) {
                    boolean random = mode == CrashMode.TORN_RANDOM || dirs == DirectoryMode.RANDOM_PREFIX;
                    for (int seed = 0; seed < (random ? seeds : 1); seed++) {
                        crashes++;
                        crashOnce(op, operations, mode, dirs, seed, invariant, violations);
                    }
                }
            }
        }
        return new Report(operations, crashes, violations);
    }

    private void crashOnce(int op, int operations, CrashMode mode, DirectoryMode dirs, long seed,
            Invariant invariant, List<Violation> violations) {
        CrashFileSystem fs = prepared();
        if (op <= operations) {
            fs.crashBefore(op);
        }
        Throwable failure = null;
        try {
            action.run(fs.root());
        } catch (Exception | Error e) {
            failure = e;
        }
        SimulatedCrash crashed = fs.crashedBy();
        boolean returned = crashed == null && failure == null;
        String description = crashed != null ? crashed.operation() : "after the action returned";
        CrashPoint point = new CrashPoint(returned ? operations + 1 : op, operations, returned, description, mode,
                dirs, seed);
        fs.crash(mode, dirs, seed);
        if (crashed == null && failure != null) {
            violations.add(new Violation(point, new AssertionError("the action failed without a crash", failure)));
            return;
        }
        if (crashed == null && op <= operations) {
            violations.add(new Violation(point, new AssertionError("the action performed fewer operations than the "
                    + operations + " counted before: it is not deterministic")));
            return;
        }
        try {
            invariant.check(fs.root(), point);
        } catch (Exception | Error e) {
            violations.add(new Violation(point, e));
        }
    }

    private CrashFileSystem prepared() {
        CrashFileSystem fs = CrashFileSystem.create();
        try {
            setup.run(fs.root());
        } catch (Exception e) {
            throw new AssertionError("the setup failed", e);
        }
        fs.syncAll();
        return fs;
    }
}
