package dev.durafile.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Deliberately broken writers, each missing one step of the protocol: the checker of
 * {@link AtomicFilesCrashTest} ({@link TargetInvariant}) must catch each one, in the way its bug predicts.
 * A crash model or a checker that passed these would prove nothing.
 */
class NegativeControlTest {
    private static final String TARGET = AtomicFilesCrashTest.TARGET;
    private static final byte[] OLD = AtomicFilesCrashTest.OLD;
    private static final byte[] NEW = AtomicFilesCrashTest.NEW;

    /** The bug under test: which steps of the protocol the writer does. */
    private enum Writer {
        /** Temp written but never synced before the rename (the ext4 zero-length-file bug). */
        NO_TEMP_FSYNC,
        /** Everything but the directory fsync, yet it reports the write as durable. */
        NO_DIRECTORY_FSYNC,
        /** No temp at all: the target is truncated and rewritten in place, then synced. */
        IN_PLACE;

        void write(Path target, byte[] data) throws Exception {
            Path dir = target.getParent();
            if (this == IN_PLACE) {
                try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(ByteBuffer.wrap(data));
                    ch.force(false);
                }
                return;
            }
            Path temp = dir.resolve(target.getFileName() + ".tmp." + UUID.randomUUID());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data));
                if (this != NO_TEMP_FSYNC) {
                    ch.force(false);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (this != NO_DIRECTORY_FSYNC) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        }
    }

    private static CrashTester.Report crash(Writer writer) {
        return CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> writer.write(root.resolve(TARGET), NEW))
                .run(TargetInvariant.durable(TARGET, OLD, NEW));
    }

    private static List<String> failures(CrashTester.Report r, CrashMode mode) {
        return r.violations().stream().filter(v -> v.point().mode() == mode)
                .map(v -> v.failure().getMessage()).distinct().collect(Collectors.toList());
    }

    @Test
    void writerWithoutTempFsyncLeavesAnEmptyOrZeroedTarget() {
        CrashTester.Report r = crash(Writer.NO_TEMP_FSYNC);
        assertThat(failures(r, CrashMode.LOSE_UNSYNCED)).contains("target is empty");
        assertThat(failures(r, CrashMode.ZERO_UNSYNCED)).contains("target is zero-filled (3000 bytes)");
        assertThat(failures(r, CrashMode.KEEP_ALL)).isEmpty();
        assertThat(r.violations()).anySatisfy(v -> assertThat(v.point().returned()).isTrue());
    }

    @Test
    void writerWithoutDirectoryFsyncLosesTheAcknowledgedWrite() {
        CrashTester.Report r = crash(Writer.NO_DIRECTORY_FSYNC);
        assertThat(r.violations()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.point().returned()).isTrue();
            assertThat(v.point().directories()).isNotEqualTo(DirectoryMode.KEEP_ALL);
            assertThat(v.failure()).hasMessage("acknowledged write lost: target holds OLD");
        });
    }

    @Test
    void inPlaceOverwriteLeavesAnEmptyOrPartialTarget() {
        CrashTester.Report r = crash(Writer.IN_PLACE);
        // the power cut after TRUNCATE_EXISTING, with the truncation kept
        assertThat(failures(r, CrashMode.KEEP_ALL)).contains("target is empty");
        assertThat(r.violations()).extracting(v -> v.failure().getMessage())
                .anyMatch(m -> m.startsWith("target is mixed") || m.startsWith("target is truncated")
                        || m.startsWith("target is partly zeroed"));
    }

    @Test
    void brokenWritersLookCorrectWhenNothingIsLost() {
        for (Writer w : Writer.values()) {
            CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> w.write(root.resolve(TARGET), NEW))
                    .withModes(CrashMode.KEEP_ALL).withDirectoryModes(DirectoryMode.KEEP_ALL)
                    .run((root, point) -> {
                        if (point.returned()) {
                            TargetInvariant.durable(TARGET, OLD, NEW).check(root, point);
                        }
                    }).assertNoViolations();
        }
    }
}
