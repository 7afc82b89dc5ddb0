package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.internal.Backends;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash layers 1 to 3 and 5 for the panama backend, whose children run from the packaged multi-release
 * jar with native access (JDK 22+): single writes, transactions (their commit, their recovery, a child
 * committing in a loop, power cuts) and snapshot publishes (their system calls, power cuts).
 */
class PanamaCrashIT {
    private static final List<String> FLAGS = List.of(Backends.NATIVE_ACCESS_FLAG);
    private static final String WRITER = "durafile:panama:DURABLE";

    @TempDir
    Path work;

    @BeforeEach
    void needsJdk22() {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
    }

    @Test
    void killedWritersNeverCorrupt() throws Exception {
        Path dir = java.nio.file.Files.createDirectory(work.resolve("kill"));
        assertThat(KillLoopCrashTest.killLoop(dir, WRITER, KillLoopCrashTest.kills(), false, FLAGS)).isEmpty();
        KillLoopCrashTest.assertJanitorRemovesEveryLeftover(dir);
    }

    @Test
    void everySyscallCrashLeavesOldOrNew() throws Exception {
        assertThat(SyscallCrashTest.crashEverywhere(work, WRITER, FLAGS)).isEmpty();
    }

    @Test
    void everySyscallCrashOfABackupWriteKeepsThePreviousVersionReachable() throws Exception {
        assertThat(SyscallCrashTest.crashBackupEverywhere(work, WRITER + ":backup", FLAGS)).isEmpty();
    }

    @Test
    void powerCutAtEveryPointLeavesOldOrNew() throws Exception {
        assertThat(PowerLossCrashTest.cutEverywhere(work, "ext4", WRITER, true, FLAGS)).isEmpty();
    }

    @Test
    void aKillAtEverySystemCallOfACommitIsAllOrNothingAfterRecovery() throws Exception {
        assertThat(TransactionKillTest.crashEveryCommitSyscall(work, "tx:panama:DURABLE", "panama", false, FLAGS))
                .isEmpty();
    }

    @Test
    void aKillAtEverySystemCallOfARecoveryIsFinishedByTheNext() throws Exception {
        assertThat(TransactionKillTest.crashEveryRecoverySyscall(work, "panama", FLAGS)).isEmpty();
    }

    @Test
    void aChildCommittingInALoopKilledAtRandomIsNeverMixedAfterRecovery() throws Exception {
        assertThat(TransactionKillTest.killLoop(work, "panama", FLAGS)).isEmpty();
    }

    @Test
    void powerCutAtEveryPointOfATransactionIsAllOrNothingAfterRecovery() throws Exception {
        assertThat(PowerLossCrashTest.cutTransactionEverywhere(work, "panama", FLAGS)).isEmpty();
    }

    @Test
    void aKillAtEverySystemCallOfASnapshotPublishLeavesOneWholeGeneration() throws Exception {
        java.nio.file.Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(SnapshotDirectoryTest.killEverywhere(work, "snapshot", snapshotFlags(), false)).isEmpty();
    }

    private static List<String> snapshotFlags() {
        List<String> flags = new java.util.ArrayList<>(FLAGS);
        flags.add("-Ddurafile.backend=panama");
        return flags;
    }

    @Test
    void powerCutAtEveryPointOfASnapshotPublishLeavesOneWholeGeneration() throws Exception {
        assertThat(PowerLossCrashTest.cutSnapshotEverywhere(work, "snapshot", snapshotFlags())).isEmpty();
    }
}
