package dev.durafile.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The crash model itself: what survives a crash, per mode, for data and for directory entries. */
class CrashFileSystemTest {
    private static final int SECTOR = 512;
    private static final byte[] DURABLE = TargetInvariant.content(2 * SECTOR, 3);
    /** Sector 0 as DURABLE, sector 1 rewritten, sector 2 appended. */
    private static final byte[] CURRENT = current();

    private CrashFileSystem fs;
    private Path root;

    private static byte[] current() {
        byte[] c = Arrays.copyOf(DURABLE, 3 * SECTOR);
        System.arraycopy(TargetInvariant.content(2 * SECTOR, 7), 0, c, SECTOR, 2 * SECTOR);
        return c;
    }

    @BeforeEach
    void setUp() {
        fs = CrashFileSystem.create();
        root = fs.root();
    }

    private Path fileWithUnsyncedTail() throws IOException {
        Path f = Files.write(root.resolve("f"), DURABLE);
        fs.syncAll();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(CURRENT, SECTOR, 2 * SECTOR), SECTOR);
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(CURRENT);
        return f;
    }

    private static byte[] sector(byte[] content, int index) {
        return Arrays.copyOfRange(content, index * SECTOR, (index + 1) * SECTOR);
    }

    @Test
    void loseUnsyncedRevertsToTheLastSync() throws IOException {
        Path f = fileWithUnsyncedTail();
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(f)).isEqualTo(DURABLE);
    }

    @Test
    void keepAllKeepsEverything() throws IOException {
        Path f = fileWithUnsyncedTail();
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(f)).isEqualTo(CURRENT);
    }

    @Test
    void zeroUnsyncedZeroesChangedSectorsAtTheNewSize() throws IOException {
        Path f = fileWithUnsyncedTail();
        fs.crash(CrashMode.ZERO_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        byte[] after = Files.readAllBytes(f);
        assertThat(after).hasSize(3 * SECTOR);
        assertThat(sector(after, 0)).isEqualTo(sector(DURABLE, 0));
        assertThat(Arrays.copyOfRange(after, SECTOR, 3 * SECTOR)).containsOnly(0);
    }

    @Test
    void tornRandomPicksLostKeptOrZeroedPerSectorAndEitherSize() throws IOException {
        Set<Integer> sizes = new HashSet<>();
        Set<String> sector1 = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            setUp();
            Path f = fileWithUnsyncedTail();
            fs.crash(CrashMode.TORN_RANDOM, DirectoryMode.DROP_UNSYNCED, seed);
            byte[] after = Files.readAllBytes(f);
            sizes.add(after.length);
            assertThat(sector(after, 0)).isEqualTo(sector(DURABLE, 0));
            for (int s = 1; s < after.length / SECTOR; s++) {
                assertThat(sector(after, s)).isIn(sector(CURRENT, s), sector(DURABLE.length > s * SECTOR
                        ? DURABLE : new byte[3 * SECTOR], s), new byte[SECTOR]);
            }
            sector1.add(Arrays.equals(sector(after, 1), sector(DURABLE, 1)) ? "lost"
                    : Arrays.equals(sector(after, 1), sector(CURRENT, 1)) ? "kept" : "zeroed");
        }
        assertThat(sizes).containsExactlyInAnyOrder(2 * SECTOR, 3 * SECTOR);
        assertThat(sector1).containsExactlyInAnyOrder("lost", "kept", "zeroed");
    }

    @ParameterizedTest
    @EnumSource(CrashMode.class)
    void forceMakesDataAndSizeDurable(CrashMode mode) throws IOException {
        Path f = fileWithUnsyncedTail();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
        fs.crash(mode, DirectoryMode.DROP_UNSYNCED, 1);
        assertThat(Files.readAllBytes(f)).isEqualTo(CURRENT);
    }

    @Test
    void dsyncChannelSyncsEveryWrite() throws IOException {
        Path f = fileWithUnsyncedTail();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                StandardOpenOption.DSYNC)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}));
        }
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.size(f)).isEqualTo(3 * SECTOR + 1);
    }

    @Test
    void truncationIsUnsyncedDataToo() throws IOException {
        Path f = Files.write(root.resolve("f"), DURABLE);
        fs.syncAll();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(10);
        }
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(f)).isEqualTo(DURABLE);
    }

    @Test
    void aNewNameSurvivesOnlyAfterItsDirectoryIsSynced() throws IOException {
        Path dir = Files.createDirectory(root.resolve("d"));
        fs.syncAll();
        Path f = dir.resolve("f");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(DURABLE));
            ch.force(true);
        }
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(f).as("fsync of the file does not make its name durable").doesNotExist();

        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(DURABLE));
        }
        syncDirectory(dir);
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(f)).as("the name survived, the unsynced data did not").isEmpty();
    }

    @Test
    void keepAllDirectoriesKeepsUnsyncedEntries() throws IOException {
        Files.createDirectories(root.resolve("a/b"));
        Files.write(root.resolve("a/b/f"), DURABLE);
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.KEEP_ALL, 0);
        assertThat(Files.readAllBytes(root.resolve("a/b/f"))).isEqualTo(DURABLE);
    }

    @Test
    void aSyncedEntryInAnUnsyncedDirectoryIsLostWithIt() throws IOException {
        Path sub = Files.createDirectory(root.resolve("sub"));
        Files.write(sub.resolve("f"), DURABLE);
        syncDirectory(sub);
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(sub).doesNotExist();
    }

    @Test
    void eachDirectoryKeepsAPrefixOfItsOperations() throws IOException {
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            setUp();
            Path dir = Files.createDirectory(root.resolve("d"));
            fs.syncAll();
            for (String name : List.of("a", "b", "c", "d")) {
                Files.write(dir.resolve(name), DURABLE);
            }
            Files.delete(dir.resolve("a"));
            fs.crash(CrashMode.KEEP_ALL, DirectoryMode.RANDOM_PREFIX, seed);
            seen.add(names(dir));
        }
        assertThat(seen).containsExactlyInAnyOrder(List.of(), List.of("a"), List.of("a", "b"),
                List.of("a", "b", "c"), List.of("a", "b", "c", "d"), List.of("b", "c", "d"));
    }

    @Test
    void aRenameOverAFileIsAllOrNothing() throws IOException {
        byte[] old = TargetInvariant.content(100, 5);
        Set<String> outcomes = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            setUp();
            Files.write(root.resolve("target"), old);
            Files.write(root.resolve("temp"), DURABLE);
            fs.syncAll();
            Files.move(root.resolve("temp"), root.resolve("target"), StandardCopyOption.ATOMIC_MOVE);
            fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.RANDOM_PREFIX, seed);
            if (names(root).equals(List.of("target", "temp"))) {
                assertThat(Files.readAllBytes(root.resolve("target"))).isEqualTo(old);
                outcomes.add("old");
            } else {
                assertThat(names(root)).containsExactly("target");
                assertThat(Files.readAllBytes(root.resolve("target"))).isEqualTo(DURABLE);
                outcomes.add("new");
            }
        }
        assertThat(outcomes).containsExactlyInAnyOrder("old", "new");
    }

    @Test
    void aRenameBetweenDirectoriesSurvivesInBothOrNeither() throws IOException {
        Set<String> outcomes = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            setUp();
            Path a = Files.createDirectory(root.resolve("a"));
            Path b = Files.createDirectory(root.resolve("b"));
            Files.write(a.resolve("f"), DURABLE);
            fs.syncAll();
            Files.write(a.resolve("before"), DURABLE);
            Files.move(a.resolve("f"), b.resolve("f"), StandardCopyOption.ATOMIC_MOVE);
            Files.write(b.resolve("after"), DURABLE);
            fs.crash(CrashMode.KEEP_ALL, DirectoryMode.RANDOM_PREFIX, seed);
            boolean inA = Files.exists(a.resolve("f"));
            assertThat(inA).isNotEqualTo(Files.exists(b.resolve("f")));
            if (!inA) {
                assertThat(a.resolve("before")).as("the rename came after it in a").exists();
            }
            outcomes.add(inA ? "a" : "b");
        }
        assertThat(outcomes).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void syncingEitherDirectoryOfARenameMakesItDurable() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        Path b = Files.createDirectory(root.resolve("b"));
        Files.write(a.resolve("f"), DURABLE);
        fs.syncAll();
        Files.move(a.resolve("f"), b.resolve("f"));
        syncDirectory(a);
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(names(a)).isEmpty();
        assertThat(Files.readAllBytes(b.resolve("f"))).isEqualTo(DURABLE);
    }

    @Test
    void hardLinksShareOneInode() throws IOException {
        Path f = Files.write(root.resolve("f"), DURABLE);
        Path g = Files.createLink(root.resolve("g"), f);
        assertThat(Files.isSameFile(f, g)).isTrue();
        assertThat(Files.readAttributes(f, "fileKey")).isEqualTo(Files.readAttributes(g, "fileKey"));
        fs.syncAll();
        try (FileChannel ch = FileChannel.open(g, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(CURRENT));
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(CURRENT);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ch.force(false);
        }
        Files.delete(f);
        fs.crash(CrashMode.ZERO_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(f)).isEqualTo(CURRENT);
        assertThat(Files.readAllBytes(g)).isEqualTo(CURRENT);
    }

    @Test
    void plannedCrashStopsTheNthOperationAndEverythingAfterIt() throws IOException {
        Path f = root.resolve("f");
        long before = fs.operationCount();
        fs.crashBefore(2);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(DURABLE)))
                .isInstanceOf(SimulatedCrash.class).isInstanceOf(Error.class)
                .hasMessage("simulated crash before operation #2: write /f (1024 bytes)")
                .satisfies(e -> {
                    assertThat(((SimulatedCrash) e).operationNumber()).isEqualTo(2);
                    assertThat(((SimulatedCrash) e).operation()).isEqualTo("write /f (1024 bytes)");
                });
        assertThat(fs.isCrashed()).isTrue();
        assertThat(fs.operationCount() - before).isEqualTo(2);
        assertThatThrownBy(() -> Files.exists(f)).isInstanceOf(SimulatedCrash.class);
        assertThatThrownBy(() -> Files.readAllBytes(f)).isInstanceOf(SimulatedCrash.class);
        assertThatThrownBy(ch::close).isInstanceOf(SimulatedCrash.class);
        assertThatThrownBy(() -> fs.crashBefore(1)).isInstanceOf(IllegalStateException.class);
        assertThat(fs.operationCount() - before).as("refused calls are not counted").isEqualTo(2);

        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.KEEP_ALL, 0);
        assertThat(fs.isCrashed()).isFalse();
        assertThat(Files.readAllBytes(f)).as("created, never written").isEmpty();
        Files.write(f, DURABLE);
        assertThat(Files.readAllBytes(f)).isEqualTo(DURABLE);
    }

    @Test
    void channelsOpenAtTheCrashAreClosed() throws IOException {
        FileChannel ch = FileChannel.open(root.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.KEEP_ALL, 0);
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(DURABLE))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void theStateAfterACrashIsDurable() throws IOException {
        Files.createDirectories(root.resolve("x/y"));
        Files.write(root.resolve("x/y/f"), CURRENT);
        fs.crash(CrashMode.KEEP_ALL, DirectoryMode.KEEP_ALL, 0);
        fs.crash(CrashMode.ZERO_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(Files.readAllBytes(root.resolve("x/y/f"))).isEqualTo(CURRENT);
    }

    @Test
    void theSameHistoryAndSeedGiveTheSameState() throws IOException {
        List<List<String>> states = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            setUp();
            Files.write(root.resolve("keep"), DURABLE);
            fs.syncAll();
            for (int i = 0; i < 20; i++) {
                Files.write(root.resolve("f" + i), CURRENT);
            }
            fs.crash(CrashMode.TORN_RANDOM, DirectoryMode.RANDOM_PREFIX, 42);
            List<String> state = new ArrayList<>();
            for (String n : names(root)) {
                state.add(n + "=" + Arrays.hashCode(Files.readAllBytes(root.resolve(n))));
            }
            states.add(state);
        }
        assertThat(states.get(0)).isEqualTo(states.get(1)).contains("keep=" + Arrays.hashCode(DURABLE));
    }

    @Test
    void unlinkAndRmdirNeedADirectorySyncToo() throws IOException {
        Files.createDirectories(root.resolve("d/e"));
        Files.write(root.resolve("d/f"), DURABLE);
        fs.syncAll();
        Files.delete(root.resolve("d/f"));
        Files.delete(root.resolve("d/e"));
        fs.crash(CrashMode.LOSE_UNSYNCED, DirectoryMode.DROP_UNSYNCED, 0);
        assertThat(names(root.resolve("d"))).containsExactly("e", "f");
        assertThat(Files.readAllBytes(root.resolve("d/f"))).isEqualTo(DURABLE);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
