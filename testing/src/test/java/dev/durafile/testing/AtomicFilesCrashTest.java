package dev.durafile.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.durafile.AtomicFiles;
import dev.durafile.AtomicOutputStream;
import dev.durafile.Durability;
import dev.durafile.FileSystemCapabilities;
import dev.durafile.TempFileJanitor;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link AtomicFiles} on a {@link CrashFileSystem} (so through its java.nio backend), crashed at every
 * counted operation and after it returned, in every crash mode: the invariants of CRASH-TESTING.md
 * must hold after each crash.
 */
class AtomicFilesCrashTest {
    static final String TARGET = "data/state.bin";
    /** Spans three sectors. */
    static final byte[] OLD = TargetInvariant.content(1500, 3);
    /** Spans six sectors, so a torn or zeroed NEW is never mistaken for OLD. */
    static final byte[] NEW = TargetInvariant.content(3000, 7);
    /** More than the stream's buffer: several writes. */
    static final byte[] BIG = TargetInvariant.content(20_000, 11);
    /** More than the copy's buffer: several reads and writes. */
    static final byte[] HUGE = TargetInvariant.content(70_000, 13);

    static final WriteOptions ATOMIC = WriteOptions.builder().durability(Durability.ATOMIC).build();
    static final WriteOptions NONE = WriteOptions.builder().durability(Durability.NONE).build();

    /** Setup: the directory {@code data} holding the target with OLD. */
    static void oldTarget(Path root) throws Exception {
        Files.createDirectory(root.resolve("data"));
        Files.write(root.resolve(TARGET), OLD);
    }

    @Test
    void durableWriteIsOldOrNewAndNewOnceReturned() {
        CrashTester.Report r = CrashTester.of(AtomicFilesCrashTest::oldTarget,
                root -> AtomicFiles.write(root.resolve(TARGET), NEW)).run(TargetInvariant.durable(TARGET, OLD, NEW));
        r.assertNoViolations();
        // create temp, write, fdatasync, close, rename, fsync directory
        assertThat(r.operations()).isEqualTo(6);
        assertThat(r.crashes()).isEqualTo(7 * 30);
    }

    @Test
    void durableWriteWithFsyncOfTheTempIsOldOrNew() {
        WriteOptions fsync = WriteOptions.builder().syncMetadata(true).build();
        CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> AtomicFiles.write(root.resolve(TARGET), NEW, fsync))
                .run(TargetInvariant.durable(TARGET, OLD, NEW)).assertNoViolations();
    }

    @Test
    void atomicWriteIsOldOrNewAndMayLoseTheRenameAfterReturning() {
        CrashTester tester = CrashTester.of(AtomicFilesCrashTest::oldTarget,
                root -> AtomicFiles.write(root.resolve(TARGET), NEW, ATOMIC));
        tester.run(TargetInvariant.atomic(TARGET, OLD, NEW)).assertNoViolations();
        // ATOMIC skips the directory fsync: the durable invariant must fail, and only by losing the rename
        CrashTester.Report strict = tester.run(TargetInvariant.durable(TARGET, OLD, NEW));
        assertThat(strict.violations()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.point().returned()).isTrue();
            assertThat(v.point().directories()).isNotEqualTo(DirectoryMode.KEEP_ALL);
            assertThat(v.failure()).hasMessage("acknowledged write lost: target holds OLD");
        });
    }

    @Test
    void unsyncedWriteSurvivesAProcessCrashButNotAPowerCut() {
        CrashTester tester = CrashTester.of(AtomicFilesCrashTest::oldTarget,
                root -> AtomicFiles.write(root.resolve(TARGET), NEW, NONE));
        tester.withModes(CrashMode.KEEP_ALL).withDirectoryModes(DirectoryMode.KEEP_ALL)
                .run(TargetInvariant.atomic(TARGET, OLD, NEW)).assertNoViolations();
        // NONE documents that a power cut may leave an empty or partial file: the model must show it
        List<String> failures = tester.run(TargetInvariant.atomic(TARGET, OLD, NEW)).violations().stream()
                .map(v -> v.failure().getMessage()).collect(Collectors.toList());
        assertThat(failures).contains("target is empty", "target is zero-filled (3000 bytes)");
    }

    @Test
    void firstDurableWriteIsAbsentOrNew() {
        CrashTester.of(root -> Files.createDirectory(root.resolve("data")),
                root -> AtomicFiles.write(root.resolve(TARGET), NEW))
                .run(TargetInvariant.durableCreate(TARGET, NEW)).assertNoViolations();
    }

    @Test
    void successiveWritesNeverRollBackPastTheLastAcknowledged() {
        byte[][] versions = {OLD, NEW, TargetInvariant.content(700, 13), TargetInvariant.content(2100, 17)};
        AtomicInteger acknowledged = new AtomicInteger();
        CrashTester.Report r = CrashTester.of(root -> {
            oldTarget(root);
            acknowledged.set(0);
        }, root -> {
            for (int v = 1; v < versions.length; v++) {
                AtomicFiles.write(root.resolve(TARGET), versions[v]);
                acknowledged.set(v);
            }
        }).run((root, point) -> {
            int last = acknowledged.get();
            TargetInvariant check = last + 1 < versions.length
                    ? TargetInvariant.atomic(TARGET, versions[last], versions[last + 1])
                    : TargetInvariant.durable(TARGET, versions[last - 1], versions[last]);
            check.check(root, point);
        });
        r.assertNoViolations();
        assertThat(r.operations()).isEqualTo(18);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void streamingWriteIsOldOrNew(Durability durability) {
        WriteOptions options = WriteOptions.builder().durability(durability).build();
        CrashTester tester = CrashTester.of(AtomicFilesCrashTest::oldTarget,
                root -> AtomicFiles.write(root.resolve(TARGET), options, out -> writeInPieces(out, BIG)));
        if (durability == Durability.NONE) {
            tester = tester.withModes(CrashMode.KEEP_ALL).withDirectoryModes(DirectoryMode.KEEP_ALL);
        }
        CrashTester.Report r = tester.run(durability == Durability.DURABLE
                ? TargetInvariant.durable(TARGET, OLD, BIG) : TargetInvariant.atomic(TARGET, OLD, BIG));
        r.assertNoViolations();
        assertThat(r.operations()).as("several channel writes").isGreaterThan(6);
    }

    private static void writeInPieces(OutputStream out, byte[] data) throws IOException {
        for (int off = 0; off < data.length; off += 5000) {
            out.write(data, off, Math.min(5000, data.length - off));
        }
    }

    @Test
    void committedOutputStreamIsOldOrNew() {
        CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> {
            try (AtomicOutputStream out = AtomicFiles.newOutputStream(root.resolve(TARGET), WriteOptions.defaults())) {
                writeInPieces(out, BIG);
                out.commit();
            }
        }).run(TargetInvariant.durable(TARGET, OLD, BIG)).assertNoViolations();
    }

    @Test
    void discardedOutputStreamLeavesOld() {
        CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> {
            try (AtomicOutputStream out = AtomicFiles.newOutputStream(root.resolve(TARGET), WriteOptions.defaults())) {
                writeInPieces(out, BIG);
            }
        }).run(TargetInvariant.atomic(TARGET, OLD, OLD)).assertNoViolations();
    }

    @Test
    void copyIsOldOrCompleteCopyAndLeavesTheSource() {
        CrashTester.of(root -> {
            oldTarget(root);
            Files.write(root.resolve("input.bin"), HUGE);
        }, root -> AtomicFiles.copy(root.resolve("input.bin"), root.resolve(TARGET), WriteOptions.defaults()))
                .run((root, point) -> {
                    TargetInvariant.durable(TARGET, OLD, HUGE).check(root, point);
                    assertThat(Files.readAllBytes(root.resolve("input.bin"))).isEqualTo(HUGE);
                }).assertNoViolations();
    }

    @Test
    void createNewIsAbsentOrNew() {
        CrashTester.Report r = CrashTester.of(root -> Files.createDirectory(root.resolve("data")),
                root -> AtomicFiles.createNew(root.resolve(TARGET), NEW))
                .run(TargetInvariant.durableCreate(TARGET, NEW));
        r.assertNoViolations();
        // create temp, write, fdatasync, close, link (java.nio has no RENAME_NOREPLACE), unlink temp, fsync directory
        assertThat(r.operations()).isEqualTo(7);
    }

    @Test
    void createNewOverAnExistingFileChangesNothing() {
        CrashTester.Report r = CrashTester.of(AtomicFilesCrashTest::oldTarget,
                root -> assertThatThrownBy(() -> AtomicFiles.createNew(root.resolve(TARGET), NEW))
                        .isInstanceOf(FileAlreadyExistsException.class))
                .run(TargetInvariant.atomic(TARGET, OLD, OLD));
        r.assertNoViolations();
        assertThat(r.operations()).isZero();
    }

    @Test
    void createDirectoriesThenWriteIsDurable() {
        String deep = "jobs/7/attempt-1/state.bin";
        CrashTester.Report r = CrashTester.of(root -> Files.createDirectory(root.resolve("jobs")), root -> {
            AtomicFiles.createDirectories(root.resolve("jobs/7/attempt-1"));
            AtomicFiles.write(root.resolve(deep), NEW);
        }).run((root, point) -> {
            TargetInvariant.durableCreate(deep, NEW).check(root, point);
            assertThat(entries(root.resolve("jobs"))).isSubsetOf("7");
            if (Files.isDirectory(root.resolve("jobs/7"))) {
                assertThat(entries(root.resolve("jobs/7"))).isSubsetOf("attempt-1");
            }
        });
        r.assertNoViolations();
        // fsync of the root for jobs (which existed), a (mkdir, fsync parent) pair for 7 and attempt-1, then
        // the six operations of a write
        assertThat(r.operations()).isEqualTo(11);
    }

    @Test
    void createDirectoriesMakesDurableWhatAnotherWriterCreatedWithoutSyncing() {
        String deep = "jobs/7/attempt-1/state.bin";
        CrashTester.Report r = CrashTester.of(root -> Files.createDirectory(root.resolve("jobs")), root -> {
            // another thread or process made jobs/7 and has not fsynced jobs yet
            Files.createDirectory(root.resolve("jobs/7"));
            AtomicFiles.createDirectories(root.resolve("jobs/7/attempt-1"));
            AtomicFiles.write(root.resolve(deep), NEW);
        }).run(TargetInvariant.durableCreate(deep, NEW));
        r.assertNoViolations();
    }

    @Test
    void exchangeIsRefusedOnNioAndChangesNothing() {
        byte[] a = TargetInvariant.content(600, 19);
        byte[] b = TargetInvariant.content(900, 23);
        CrashTester.Report r = CrashTester.of(root -> {
            Files.createDirectory(root.resolve("data"));
            Files.write(root.resolve("data/a"), a);
            Files.write(root.resolve("data/b"), b);
            Files.createDirectory(root.resolve("live"));
            Files.createDirectory(root.resolve("staged"));
        }, root -> {
            assertThatThrownBy(() -> AtomicFiles.exchange(root.resolve("data/a"), root.resolve("data/b")))
                    .isInstanceOf(AtomicMoveNotSupportedException.class);
            assertThatThrownBy(() -> AtomicFiles.exchange(root.resolve("live"), root.resolve("staged")))
                    .isInstanceOf(AtomicMoveNotSupportedException.class);
        }).run((root, point) -> {
            assertThat(Files.readAllBytes(root.resolve("data/a"))).isEqualTo(a);
            assertThat(Files.readAllBytes(root.resolve("data/b"))).isEqualTo(b);
            assertThat(entries(root)).containsExactly("data", "live", "staged");
            assertThat(entries(root.resolve("data"))).containsExactly("a", "b");
        });
        r.assertNoViolations();
        assertThat(r.operations()).isZero();
    }

    @Test
    void janitorRemovesLeftoverTempsAndKeepsTheTarget() {
        CrashTester.of(AtomicFilesCrashTest::oldTarget, root -> AtomicFiles.write(root.resolve(TARGET), NEW))
                .run((root, point) -> {
                    TargetInvariant.durable(TARGET, OLD, NEW).check(root, point);
                    byte[] survivor = Files.readAllBytes(root.resolve(TARGET));
                    for (String name : entries(root.resolve("data"))) {
                        Files.setLastModifiedTime(root.resolve("data").resolve(name), FileTime.fromMillis(0));
                    }
                    TempFileJanitor.sweep(root, Duration.ofMinutes(10));
                    assertThat(entries(root.resolve("data"))).containsExactly("state.bin");
                    assertThat(Files.readAllBytes(root.resolve(TARGET))).isEqualTo(survivor);
                }).assertNoViolations();
    }

    @Test
    void janitorSweepCrashedAnywhereRemovesOnlyOldTemps() {
        List<String> oldTemps = List.of("state.bin.tmp." + UUID.randomUUID(), "state.bin.tmp." + UUID.randomUUID());
        String youngTemp = "state.bin.tmp." + UUID.randomUUID();
        CrashTester.Report r = CrashTester.of(root -> {
            oldTarget(root);
            for (String name : List.of(oldTemps.get(0), oldTemps.get(1), "notes.tmp.txt")) {
                Files.write(root.resolve("data").resolve(name), NEW);
                Files.setLastModifiedTime(root.resolve("data").resolve(name), FileTime.fromMillis(0));
            }
            Files.write(root.resolve("data").resolve(youngTemp), NEW);
        }, root -> TempFileJanitor.sweep(root, Duration.ofMinutes(10))).run((root, point) -> {
            assertThat(Files.readAllBytes(root.resolve(TARGET))).isEqualTo(OLD);
            assertThat(Files.readAllBytes(root.resolve("data/notes.tmp.txt"))).isEqualTo(NEW);
            assertThat(entries(root.resolve("data"))).contains("notes.tmp.txt", "state.bin", youngTemp)
                    .hasSizeBetween(3, 5).allMatch(n -> n.equals("notes.tmp.txt") || n.equals("state.bin")
                            || n.equals(youngTemp) || oldTemps.contains(n));
        });
        r.assertNoViolations();
        assertThat(r.operations()).as("two unlinks").isEqualTo(2);
    }

    @Test
    void nioPathsOfACrashFileSystemUseTheNioBackend() throws Exception {
        CrashFileSystem fs = CrashFileSystem.create();
        Path dir = Files.createDirectory(fs.root().resolve("data"));
        FileSystemCapabilities caps = AtomicFiles.probe(dir);
        assertThat(caps.type()).isEqualTo("crashfs");
        assertThat(caps.backend()).isEqualTo("nio");
        assertThat(caps.hardLinks()).isTrue();
        assertThat(caps.directorySync()).isTrue();
        assertThat(caps.renameNoReplace()).isFalse();
        assertThat(caps.renameExchange()).isFalse();
        assertThat(entries(dir)).isEmpty();
    }

    static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
