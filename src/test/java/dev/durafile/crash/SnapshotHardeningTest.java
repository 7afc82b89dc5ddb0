package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.SnapshotDirectory;
import dev.durafile.TestSupport;
import dev.durafile.internal.Name;
import dev.durafile.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot directories against their own directory: generations others cannot change whatever the
 * umask or default ACL, a lock file nobody else can hold or redirect, pruning that never follows a
 * link out of a generation, and one lock for one link however its path is spelt.
 */
class SnapshotHardeningTest {
    @TempDir
    Path dir;

    private Path link;

    @BeforeEach
    void privateParent() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        link = dir.resolve("config");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDefaultAclGrantingEveryoneWriteStillPublishesGenerationsOnlyTheirOwnerCanChange() throws Exception {
        assumeTrue(TestSupport.works("setfacl", "--version"), "setfacl (package acl) is not installed");
        // a default ACL replaces the umask: what a new entry gets is what its creator asks for, masked by it
        TestSupport.run("setfacl", "-d", "-m", "u::rwx,g::rwx,o::rwx", dir.toString());
        Path gen = SnapshotDirectory.open(link).publish(files -> files.write("sub/app.json", bytes("{}")));
        assertThat(mode(gen)).isEqualTo("rwxr-xr-x");
        assertThat(mode(gen.resolve("sub"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(gen.resolve("sub/app.json"))).isEqualTo("rw-r--r--");
        assertThat(mode(dir.resolve(".config.lock"))).isEqualTo("rw-------");
    }

    /**
     * Another user who owns a directory above the link could swap the link's directory for a link to
     * another of root's snapshot directories: refused at open, nothing published there.
     */
    @Test
    void aLinkUnderADirectoryAnotherUserOwnsIsRefused() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a directory of another user needs root to make");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path site = Files.createDirectories(home.resolve("site"));
        Files.setAttribute(home, "unix:uid", 1000);
        assertThatThrownBy(() -> SnapshotDirectory.open(site.resolve("current")))
                .isInstanceOf(java.nio.file.AccessDeniedException.class)
                .hasMessageContaining("open snapshot directory failed: the directory " + home
                        + " above it belongs to user 1000, neither root nor user 0");
        assertThat(TestSupport.names(site)).isEmpty();
    }

    /** The link's directory spelt with a final "." or ".." is checked as the directory it reaches. */
    @Test
    void aLinkInADirectoryEveryoneCanWriteIsRefusedHoweverItIsSpelt() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(shared.resolve("sub"));
        Files.setAttribute(shared, "unix:mode", 01777);
        for (Path parent : List.of(shared, shared.resolve("."), shared.resolve("sub/.."))) {
            assertThatThrownBy(() -> SnapshotDirectory.open(parent.resolve("cfg"))).as("open(%s/cfg)", parent)
                    .isInstanceOf(java.nio.file.AccessDeniedException.class)
                    .hasMessageContaining("open snapshot directory failed: it is writable by its group or others");
        }
        assertThat(TestSupport.names(shared)).containsExactly("sub");
    }

    /**
     * Two links whose names differ only in bytes that do not decode (as every non-ASCII byte under
     * {@code LANG=C}) are two snapshot directories: each keeps its own name, generations and lock.
     */
    @Test
    void linksWhoseNamesDoNotDecodeKeepTheirOwnBytesAndGenerations() throws Exception {
        Path first = dir.resolve(Name.toPath(dir.getFileSystem(), new byte[] {'c', (byte) 0xff}));
        Path second = dir.resolve(Name.toPath(dir.getFileSystem(), new byte[] {'c', (byte) 0xfe}));
        SnapshotDirectory a = SnapshotDirectory.open(first).keep(1, Duration.ZERO);
        SnapshotDirectory b = SnapshotDirectory.open(second).keep(1, Duration.ZERO);
        a.publish(Map.of("v", bytes("a1")));
        b.publish(Map.of("v", bytes("b1")));
        a.publish(Map.of("v", bytes("a2")));
        a.publish(Map.of("v", bytes("a3")));
        assertThat(Files.readAllBytes(first.resolve("v"))).isEqualTo(bytes("a3"));
        assertThat(Files.readAllBytes(second.resolve("v"))).isEqualTo(bytes("b1"));
        List<String> names = new java.util.ArrayList<>();
        try (var all = Files.list(dir)) {
            all.forEach(p -> names.add(java.util.HexFormat.of().formatHex(Name.bytes(p.getFileName()))));
        }
        // c\xff, c\xfe, their lock files .c\xff.lock and .c\xfe.lock, two generations of the first (the
        // current one and the one kept), one of the second
        assertThat(names).hasSize(7).contains("63ff", "63fe", "2e63ff2e6c6f636b", "2e63fe2e6c6f636b")
                .filteredOn(n -> n.startsWith("2e63ff2e67656e2d")).hasSize(2);
        assertThat(names).filteredOn(n -> n.startsWith("2e63fe2e67656e2d")).hasSize(1);
    }

    /**
     * On a file system that gives root's new files to another user, a published generation would be
     * that user's to change: the publish is refused and the generation removed.
     */
    @Test
    void aFileSystemThatGivesNewGenerationsAnotherOwnerIsRefused() throws Exception {
        Path mnt = dev.durafile.Mounts.mountCreatingFor(dir, 1000);
        try {
            Path config = mnt.resolve("config");
            assertThatThrownBy(() -> SnapshotDirectory.open(config).publish(Map.of("a", bytes("1"))))
                    .isInstanceOf(java.nio.file.AccessDeniedException.class)
                    .hasMessageContaining(config + ": publish snapshot failed: the file system gives the new generation")
                    .hasMessageContaining("to user 1000, not to user 0 who runs this process");
            // the lock file stays (empty; every publish here is refused)
            assertThat(TestSupport.names(mnt)).containsExactly(".config.lock");
        } finally {
            dev.durafile.Mounts.unmount(mnt);
        }
    }

    @Test
    void theLockFileIsTheOwnersAloneAndNeverFollowsALink() throws Exception {
        SnapshotDirectory s = SnapshotDirectory.open(link);
        s.publish(Map.of("a", bytes("1")));
        assertThat(mode(dir.resolve(".config.lock"))).isEqualTo("rw-------");
        Path elsewhere = dir.resolve("elsewhere");
        Files.delete(dir.resolve(".config.lock"));
        Files.createSymbolicLink(dir.resolve(".config.lock"), elsewhere.getFileName());
        Path before = s.current();
        assertThatThrownBy(() -> s.publish(Map.of("a", bytes("2")))).isInstanceOf(FileSystemException.class)
                .hasMessageContaining(dir.resolve(".config.lock") + ": open snapshot lock");
        assertThat(elsewhere).doesNotExist();
        assertThat(s.current()).isEqualTo(before);
        assertThat(Files.readAllBytes(link.resolve("a"))).isEqualTo(bytes("1"));
    }

    /** A FIFO at the lock's name (made by another process of the same user) fails the publish at once. */
    @Test
    void aFifoAtTheLockNameIsRefusedWithoutBlocking() throws Exception {
        assumeTrue(TestSupport.works("mkfifo", "--version"), "mkfifo is not installed");
        SnapshotDirectory s = SnapshotDirectory.open(link);
        s.publish(Map.of("a", bytes("1")));
        Path before = s.current();
        Files.delete(dir.resolve(".config.lock"));
        TestSupport.run("mkfifo", dir.resolve(".config.lock").toString());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Path> publish = pool.submit(() -> s.publish(Map.of("a", bytes("2"))));
            assertThatThrownBy(() -> publish.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(FileSystemException.class)
                    .cause().hasMessage(dir.resolve(".config.lock") + ": open snapshot lock failed: it is not a"
                            + " regular file (a directory, FIFO, device or socket)");
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.current()).isEqualTo(before);
        assertThat(Files.readAllBytes(link.resolve("a"))).isEqualTo(bytes("1"));
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder(".config.lock", "config",
                before.getFileName().toString());
    }

    @Test
    void twoSpellingsOfOneLinkTakeTurnsInOneJvm() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        SnapshotDirectory plain = SnapshotDirectory.open(link);
        SnapshotDirectory other = SnapshotDirectory.open(dir.resolve("sub/../config"));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = pool.submit(() -> plain.publish(files -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                files.write("a", bytes("first"));
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Path> second = pool.submit(() -> other.publish(Map.of("a", bytes("second"))));
            Thread.sleep(300);
            assertThat(second.isDone()).as("the second spelling waits for the first publish").isFalse();
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            Path last = second.get(10, TimeUnit.SECONDS);
            assertThat(plain.current()).isEqualTo(dir.resolve(last.getFileName()));
            assertThat(Files.readAllBytes(link.resolve("a"))).isEqualTo(bytes("second"));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * A tree whose subdirectory another user keeps swapping for a link to a directory outside: its
     * removal must never remove what the link leads to.
     */
    @Test
    void removingATreeNeverFollowsALinkSwappedIntoIt() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path victim = Files.write(outside.resolve("file"), bytes("keep me"));
        AtomicBoolean stop = new AtomicBoolean();
        int rounds = 300;
        for (int i = 0; i < rounds; i++) {
            Path tree = Files.createDirectories(dir.resolve("tree/sub"));
            for (int f = 0; f < 20; f++) {
                Files.write(tree.resolve("file" + (f == 0 ? "" : f)), bytes("x"));
            }
            stop.set(false);
            Thread swapper = new Thread(() -> {
                Path sub = dir.resolve("tree/sub");
                Path aside = dir.resolve("tree-aside");
                while (!stop.get()) {
                    try {
                        Files.move(sub, aside);
                        Files.createSymbolicLink(sub, outside);
                    } catch (Exception e) {
                        // the removal got there first
                    }
                }
            });
            swapper.start();
            try {
                Trees.delete(dir, Path.of("tree"));
            } catch (IOException | UncheckedIOException e) {
                // the removal may fail where the tree changed under it, as long as nothing outside is touched
            } finally {
                stop.set(true);
                swapper.join();
            }
            assertThat(victim).as("round " + i).exists();
            assertThat(Files.readAllBytes(victim)).isEqualTo(bytes("keep me"));
            TestSupport.run("rm", "-rf", dir.resolve("tree").toString(), dir.resolve("tree-aside").toString());
        }
    }

    @Test
    void pruningRemovesOldGenerationsWholeAndLeavesWhatALinkInThemLeadsTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path victim = Files.write(outside.resolve("app.json"), bytes("keep me"));
        SnapshotDirectory s = SnapshotDirectory.open(link).keep(1, Duration.ZERO);
        Path first = s.publish(files -> files.write("sub/app.json", bytes("1")));
        TestSupport.run("rm", "-rf", first.resolve("sub").toString());
        Files.createSymbolicLink(first.resolve("sub"), outside);
        Path second = s.publish(Map.of("app.json", bytes("2")));
        s.publish(Map.of("app.json", bytes("3")));
        assertThat(first).doesNotExist();
        assertThat(Files.readAllBytes(victim)).isEqualTo(bytes("keep me"));
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder(".config.lock", "config", "outside",
                second.getFileName().toString(), s.current().getFileName().toString());
    }
}
