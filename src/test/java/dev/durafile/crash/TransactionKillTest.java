package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.RecoveryReport;
import dev.durafile.TestSupport;
import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions of three files in two directories, in killed JVMs: a SIGKILL at every system call the
 * committing thread makes (its own steps, and its share of each sync round), at every system call of
 * a recovery of a half-published transaction, and at random moments of a child committing in a loop.
 * After each kill, a recovery in this JVM must leave the three files one complete version (never
 * mixed), at least the last acknowledged, with no temp file or record left. The negative control,
 * three separate atomic writes, must be caught leaving them mixed. {@code -Ddurafile.crash.txKills=N}
 * sets the kills of the loop (default 25 per backend; the recorded run uses 500).
 */
class TransactionKillTest {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionKillTest.class);

    @TempDir
    Path dir;

    static int kills() {
        return Integer.getInteger("durafile.crash.txKills", 25);
    }

    private static Path target(Path dir) {
        return dir.resolve("d").resolve("job.json");
    }

    private static RecoveryReport recover(String backend, Path target) throws Exception {
        return new Engine(Backends.load(backend)).recover(TxFiles.journal(target));
    }

    /** Recovery left no temp beside the three files and nothing in the journal. */
    private static String leftovers(Path target) throws Exception {
        List<String> left = new ArrayList<>();
        for (Path f : TxFiles.of(target)) {
            left.addAll(TestSupport.temps(f.getParent()));
        }
        left.addAll(TestSupport.names(TxFiles.journal(target)));
        return left.isEmpty() ? null : "left behind: " + left;
    }

    /**
     * @param renamesOnly crash only at the renames (where separate writes publish: the negative control)
     * @return the violations over every crash point of a commit of {@code writer}
     */
    static List<String> crashEveryCommitSyscall(Path dir, String writer, String backend, boolean renamesOnly,
            List<String> flags) throws Exception {
        InjectedCrash.assumeStrace();
        Path target = target(dir);
        TxFiles.setUp(target, 0);
        List<InjectedCrash.Point> points = InjectedCrash.enumerate(dir, writer, target, flags);
        if (renamesOnly) {
            points.removeIf(p -> p.syscall == null || !p.syscall.startsWith("rename"));
        }
        List<String> violations = new ArrayList<>();
        for (InjectedCrash.Point p : points) {
            TxFiles.setUp(target, 0);
            InjectedCrash.Outcome o = InjectedCrash.run(dir, writer, target, 1, p, flags);
            assertThat(o.killed).as("the injection at %s must kill the child", p).isEqualTo(p.syscall != null);
            if (backend != null) {
                recover(backend, target);
            }
            String v = TxFiles.check(target, o.acked ? 1 : 0, 1);
            if (v == null && backend != null) {
                v = leftovers(target);
            }
            if (v != null) {
                violations.add(p + ": " + v);
            }
        }
        LOG.info("{}: {} crash points, {} violations", writer, points.size(), violations.size());
        return violations;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void aKillAtEverySystemCallOfACommitIsAllOrNothingAfterRecovery(String backend) throws Exception {
        assertThat(crashEveryCommitSyscall(dir, "tx:" + backend + ":DURABLE", backend, false, List.of())).isEmpty();
    }

    @Test
    void negativeControlThreeSeparateAtomicWritesEndMixed() throws Exception {
        assertThat(crashEveryCommitSyscall(dir, "naive-multi", null, true, List.of())).anyMatch(v -> v.contains("mixed"));
    }

    /**
     * A commit killed after its first publication leaves a committed, half-published transaction; its
     * recovery, killed at each of its system calls, must be finished by the next recovery: all new.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void aKillAtEverySystemCallOfARecoveryIsFinishedByTheNext(String backend) throws Exception {
        assertThat(crashEveryRecoverySyscall(dir, backend, List.of())).isEmpty();
    }

    /** @return the violations over every crash point of a recovery of a half-published commit */
    static List<String> crashEveryRecoverySyscall(Path dir, String backend, List<String> flags) throws Exception {
        InjectedCrash.assumeStrace();
        Path target = target(dir);
        String writer = "tx:" + backend + ":DURABLE";
        TxFiles.setUp(target, 0);
        InjectedCrash.Point half = null;
        for (InjectedCrash.Point p : InjectedCrash.enumerate(dir, writer, target, flags)) {
            if (p.syscall == null || !p.syscall.startsWith("rename")) {
                // only a rename publishes: the half-published states are among the kills at one
                continue;
            }
            TxFiles.setUp(target, 0);
            InjectedCrash.run(dir, writer, target, 1, p, flags);
            String v = TxFiles.check(target, 0, 1);
            if (v != null && v.startsWith("mixed")) {
                half = p;
                break;
            }
        }
        assertThat(half).as("some kill of the commit leaves it half published").isNotNull();
        String recoverer = "recover:" + backend;
        // the half-published state the search stopped at, kept as hard links: restored in the same directories (whose identity
        // the record names) with the same inodes (which it names too)
        Path kept = Files.createDirectories(dir.resolve("kept"));
        List<Path> dirs = List.of(target.getParent(), TxFiles.of(target).get(2).getParent(), TxFiles.journal(target));
        for (Path d : dirs) {
            Path k = Files.createDirectory(kept.resolve(d.getFileName()));
            for (String n : TestSupport.names(d)) {
                Files.createLink(k.resolve(n), d.resolve(n));
            }
        }
        List<InjectedCrash.Point> points = InjectedCrash.enumerateAsIs(dir, recoverer, target, flags);
        List<String> violations = new ArrayList<>();
        for (InjectedCrash.Point p : points) {
            for (Path d : dirs) {
                for (String n : TestSupport.names(d)) {
                    Files.delete(d.resolve(n));
                }
                for (String n : TestSupport.names(kept.resolve(d.getFileName()))) {
                    Files.createLink(d.resolve(n), kept.resolve(d.getFileName()).resolve(n));
                }
            }
            assertThat(TxFiles.check(target, 0, 1)).as("the kept state is half published").startsWith("mixed");
            InjectedCrash.run(dir, recoverer, target, 0, p, flags);
            recover(backend, target);
            String v = TxFiles.check(target, 1, 1);
            if (v == null) {
                v = leftovers(target);
            }
            if (v != null) {
                violations.add(p + ": " + v);
            }
        }
        LOG.info("{}: recovery of a commit killed at {}: {} crash points, {} violations", backend, half,
                points.size(), violations.size());
        assertThat(points.size()).isGreaterThan(5);
        return violations;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void aChildCommittingInALoopKilledAtRandomIsNeverMixedAfterRecovery(String backend) throws Exception {
        assertThat(killLoop(dir, backend, List.of())).isEmpty();
    }

    /** @return the violations over {@link #kills()} kills of a child committing in a loop */
    static List<String> killLoop(Path dir, String backend, List<String> flags) throws Exception {
        Path target = target(dir);
        TxFiles.setUp(target, 0);
        String writer = "tx:" + backend + ":DURABLE";
        Random random = new Random(kills() * 31L + backend.hashCode());
        Path stderr = dir.resolveSibling(dir.getFileName() + "-child.err");
        List<String> violations = new ArrayList<>();
        long next = 1;
        int rolledForward = 0;
        long start = System.nanoTime();
        for (int i = 0; i < kills(); i++) {
            long acked;
            try (Child child = Child.start(stderr, flags, "loop", writer, target.toString(), Long.toString(next))) {
                assertThat(child.await("ACK", 30_000)).as("child never committed; see %s", stderr).isTrue();
                Thread.sleep(random.nextInt(150));
                child.kill();
                acked = child.lastAck();
            }
            rolledForward += recover(backend, target).rolledForward();
            long highest = Math.max(acked, next - 1) + 1;
            String v = TxFiles.check(target, acked, highest);
            if (v == null) {
                v = leftovers(target);
            }
            if (v != null) {
                violations.add("kill " + (i + 1) + ": " + v);
                TxFiles.setUp(target, highest);
            }
            next = Math.max(Versions.versionOf(Files.readAllBytes(target)), acked) + 1;
        }
        LOG.info("{}: {} kills of a committing child, {} rolled forward by recovery, {} violations, {} ms", backend,
                kills(), rolledForward, violations.size(), (System.nanoTime() - start) / 1_000_000);
        return violations;
    }
}
