package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.AtomicOutputStream;
import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write protocol under the threat model of SECURITY.md, per backend (one subclass each): a
 * directory others can write, whose entries are swapped between two system calls; setgid directories
 * and default ACLs; interrupts; threads that never ran a write before. Each test fails on the defect it
 * is named after and asserts the one correct outcome, byte for byte and bit for bit.
 */
abstract class HardeningContract {
    static final byte[] OLD = "old content, complete".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new content, also complete and longer".getBytes(StandardCharsets.UTF_8);
    static final byte[] SECRET = "root's secret".getBytes(StandardCharsets.UTF_8);
    /** An unprivileged user and group; no passwd entry is needed to own files. */
    static final int USER = 1000;

    @TempDir
    Path dir;

    /** @return the backend under test, as {@code Backends.load} names it */
    abstract String backend();

    FileBinding binding() {
        return Backends.load(backend());
    }

    static Object attr(Path p, String name) throws IOException {
        return Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    static int mode(Path p) throws IOException {
        return (Integer) attr(p, "mode") & 07777;
    }

    /** A root-owned file, 0600, that an attacker wants root to hand over. */
    private Path victim() throws IOException {
        Path victim = Files.write(dir.resolve("victim"), SECRET);
        Files.setAttribute(victim, "unix:mode", 0600);
        return victim;
    }

    /** The target: owned by the unprivileged user, 0644, so root's write must chown and chmod its temp. */
    private Path userTarget() throws IOException {
        Path target = Files.write(dir.resolve("config.json"), OLD);
        Files.setAttribute(target, "unix:uid", USER);
        Files.setAttribute(target, "unix:gid", USER);
        Files.setAttribute(target, "unix:mode", 0644);
        return target;
    }

    private void assertVictimUntouched(Path victim) throws IOException {
        assertThat(Files.readAllBytes(victim)).isEqualTo(SECRET);
        assertThat(attr(victim, "uid")).isEqualTo(0);
        assertThat(attr(victim, "gid")).isEqualTo(0);
        assertThat(mode(victim)).isEqualTo(0600);
    }

    private void assertUserTargetUntouched(Path target) throws IOException {
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(attr(target, "uid")).isEqualTo(USER);
        assertThat(attr(target, "gid")).isEqualTo(USER);
        assertThat(mode(target)).isEqualTo(0644);
    }

    /** Root replaces a user's file; the attacker swaps the fresh temp before its owner and mode are set. */
    private void attackedWrite(ForwardingBinding.Hook attack) throws IOException {
        assumeTrue(TestSupport.isRoot(), "the attack is on root's write; needs root");
        Path victim = victim();
        Path target = userTarget();
        ForwardingBinding attacked = new ForwardingBinding(binding());
        attacked.afterCreate = attack;
        assertThatThrownBy(() -> new Engine(attacked).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(FileSystemException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                .hasMessageContaining("verify temp file").hasMessageContaining("config.json.tmp.");
        assertVictimUntouched(victim);
        assertUserTargetUntouched(target);
        assertThat(TestSupport.names(dir)).containsExactly("config.json", "victim");
    }

    @Test
    void aTempSwappedForASymlinkIsNeitherChangedNorPublished() throws IOException {
        attackedWrite(name -> {
            Files.delete(dir.resolve(name));
            Files.createSymbolicLink(dir.resolve(name), dir.resolve("victim"));
        });
    }

    @Test
    void aTempSwappedForAHardLinkIsNeitherChangedNorPublished() throws IOException {
        attackedWrite(name -> {
            Files.delete(dir.resolve(name));
            Files.createLink(dir.resolve(name), dir.resolve("victim"));
        });
    }

    @Test
    void withoutAnAttackRootKeepsTheUsersOwnerAndMode() throws IOException {
        assumeTrue(TestSupport.isRoot(), "chown to another user needs root");
        Path target = userTarget();
        new Engine(binding()).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(attr(target, "uid")).isEqualTo(USER);
        assertThat(attr(target, "gid")).isEqualTo(USER);
        assertThat(mode(target)).isEqualTo(0644);
    }

    @Test
    void aSetgidDirectoryDoesNotChangeTheGroupOfAReplacedFile() throws IOException {
        assumeTrue(TestSupport.isRoot(), "a setgid directory of another group needs root");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:gid", USER);
        Files.setAttribute(shared, "unix:mode", 02775);
        Path target = Files.write(shared.resolve("secret.json"), OLD);
        assertThat(attr(target, "gid")).as("the setgid directory's group").isEqualTo(USER);
        Files.setAttribute(target, "unix:gid", 0);
        Files.setAttribute(target, "unix:mode", 0640);

        new Engine(binding()).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());

        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(attr(target, "uid")).isEqualTo(0);
        assertThat(attr(target, "gid")).as("root:root 0640 must not become readable by group " + USER).isEqualTo(0);
        assertThat(mode(target)).isEqualTo(0640);
        // a new file gets what any new file there gets: the directory's group
        Path fresh = shared.resolve("fresh.json");
        new Engine(binding()).write(fresh, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        Path reference = Files.createFile(shared.resolve("reference"));
        assertThat(attr(fresh, "gid")).isEqualTo(USER).isEqualTo(attr(reference, "gid"));
        assertThat(mode(fresh)).isEqualTo(mode(reference));
    }

    @Test
    void aDefaultAclDoesNotChangeTheModeOfAReplacedOrAnExplicitFile() throws Exception {
        assumeTrue(TestSupport.works("setfacl", "--version"), "setfacl (package acl) is not installed");
        Path acl = Files.createDirectory(dir.resolve("acl"));
        TestSupport.run("setfacl", "-d", "-m", "u::rwx,g::r-x,o::---", acl.toString());
        Path reference = Files.createFile(acl.resolve("reference"));
        assertThat(mode(reference)).as("the default ACL masks o::r").isEqualTo(0640);
        Engine engine = new Engine(binding());

        Path replaced = Files.write(acl.resolve("replaced.json"), OLD);
        Files.setAttribute(replaced, "unix:mode", 0644);
        engine.write(replaced, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(replaced)).isEqualTo(NEW);
        assertThat(mode(replaced)).isEqualTo(0644);

        Path explicit = acl.resolve("explicit.json");
        engine.write(explicit, ByteBuffer.wrap(NEW),
                WriteOptions.builder().permissions(PosixFilePermissions.fromString("rw-r--r--")).build());
        assertThat(mode(explicit)).isEqualTo(0644);

        Path fresh = acl.resolve("fresh.json");
        engine.write(fresh, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(mode(fresh)).as("a new file gets what the default ACL gives any new file").isEqualTo(0640);
    }

    @Test
    void aPreInterruptedThreadWritesAndKeepsItsInterrupt() throws IOException {
        Path target = Files.write(dir.resolve("interrupted"), OLD);
        Engine engine = new Engine(binding());
        Thread.currentThread().interrupt();
        try {
            engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        } finally {
            assertThat(Thread.interrupted()).as("the caller's interrupt status is kept").isTrue();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("interrupted");
    }

    @Test
    void anInterruptAfterTheRenameNeitherFailsTheWriteNorHidesThatItPublished() throws IOException {
        Path target = Files.write(dir.resolve("state.json"), OLD);
        ForwardingBinding b = new ForwardingBinding(binding());
        b.afterRename = name -> Thread.currentThread().interrupt();
        try {
            new Engine(b).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("state.json");
    }

    @Test
    void aChannelClosedByAnInterruptBeforeTheRenameSaysTheTargetIsUnchanged() throws IOException {
        Path target = Files.write(dir.resolve("state.json"), OLD);
        ForwardingBinding b = new ForwardingBinding(binding());
        b.beforeFileWrite = name -> {
            throw new ClosedByInterruptException();
        };
        assertThatThrownBy(() -> new Engine(b).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(InterruptedIOException.class)
                .hasMessage(target + ": write interrupted (Thread.interrupt closed the channel); nothing was"
                        + " published, the target is as it was")
                .hasCauseInstanceOf(ClosedByInterruptException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("state.json");
    }

    /** Waits until {@code t} is parked or waiting. */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        for (int i = 0; i < 10_000 && t.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(1);
        }
        assertThat(t.getState()).as("%s waits", t.getName()).isEqualTo(Thread.State.WAITING);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void writesFromFreshThreadsDoNotEachAllocateALargeDirectBuffer() throws Exception {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        Engine engine = new Engine(binding());
        engine.write(dir.resolve("warm-up"), ByteBuffer.wrap(NEW), WriteOptions.defaults());
        long before = direct.getMemoryUsed();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Path target = dir.resolve("fresh-" + i);
            CountDownLatch wrote = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
                wrote.countDown();
                awaitUninterruptibly(release);
            });
            threads.add(t);
            t.start();
            wrote.await();
        }
        // every writing thread is still alive, so a per-thread buffer would still be held
        long grown = direct.getMemoryUsed() - before;
        release.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(grown).as("direct memory grown by 40 writes from 40 new threads").isLessThan(256 * 1024);
        for (int i = 0; i < 40; i++) {
            assertThat(Files.readAllBytes(dir.resolve("fresh-" + i))).isEqualTo(NEW);
        }
    }

    /** @return the identity of {@code p} as the binding under test reports it for an open directory */
    private Object identity(FileBinding b, Path p) throws IOException {
        try (FileBinding.Directory d = b.openDirectory(p)) {
            return d.stat().key;
        }
    }

    @Test
    void concurrentWritersEachReturnOnlyAfterAnFsyncOfTheirDirectoryThatStartedAfterTheirRename()
            throws Exception {
        ForwardingBinding b = new ForwardingBinding(binding());
        b.beforeDirectorySync = path -> sleep(5);
        Engine engine = new Engine(b);
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 16; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        engine.write(dir.resolve("w" + id + "-" + i), ByteBuffer.wrap(NEW), WriteOptions.defaults());
                        if (!b.covered(b.lastRename.get(), b.clock.incrementAndGet())) {
                            violations.add("w" + id + "-" + i);
                        }
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failure.set(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(violations).isEmpty();
        assertThat(b.directorySyncs.size()).as("one directory fsync per write").isEqualTo(80);
        for (int t = 0; t < 16; t++) {
            for (int i = 0; i < 5; i++) {
                assertThat(Files.readAllBytes(dir.resolve("w" + t + "-" + i))).isEqualTo(NEW);
            }
        }
        assertThat(TestSupport.temps(dir)).isEmpty();
    }

    @Test
    void aWriterIsReleasedOnlyByAnFsyncOfItsOwnDirectoryAfterThePathWasSwapped() throws Exception {
        ForwardingBinding b = new ForwardingBinding(binding());
        Path live = Files.createDirectory(dir.resolve("live"));
        Files.createDirectory(dir.resolve("other"));
        Object otherInode = identity(b, dir.resolve("other"));
        CountDownLatch gate = new CountDownLatch(1);
        b.beforeDirectorySync = path -> awaitUninterruptibly(gate);
        Engine engine = new Engine(b);
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (String name : List.of("x", "y", "z")) {
            if (name.equals("z")) {
                // the path "live" now names the other directory's inode
                Files.move(live, dir.resolve("old-live"));
                Files.move(dir.resolve("other"), live);
            }
            Thread t = new Thread(() -> {
                try {
                    engine.write(live.resolve(name), ByteBuffer.wrap(NEW), WriteOptions.defaults());
                    if (!b.covered(b.lastRename.get(), b.clock.incrementAndGet())) {
                        violations.add(name);
                    }
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            }, name);
            writers.add(t);
            t.start();
            // x and y wait in their fsyncs at the gate; then z writes into the other inode
            awaitWaiting(t);
        }
        gate.countDown();
        for (Thread t : writers) {
            t.join(30_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(violations).as("writers released without an fsync of their own directory").isEmpty();
        assertThat(b.syncedSince(0)).contains(otherInode);
        assertThat(Files.readAllBytes(dir.resolve("old-live/x"))).isEqualTo(NEW);
        assertThat(Files.readAllBytes(dir.resolve("old-live/y"))).isEqualTo(NEW);
        assertThat(Files.readAllBytes(live.resolve("z"))).isEqualTo(NEW);
    }

    @Test
    void createDirectoriesFsyncsTheParentOfEveryComponentAlsoOfThoseOthersCreated() throws IOException {
        ForwardingBinding b = new ForwardingBinding(binding());
        // another thread or process made a/b and has not fsynced anything yet
        Files.createDirectories(dir.resolve("a/b"));
        int before = b.directorySyncs.size();
        new Engine(b).createDirectories(dir.resolve("a/b/c/d"));
        List<Object> parents = new ArrayList<>();
        for (Path p = dir.resolve("a/b/c"); p != null; p = p.getParent()) {
            parents.add(identity(b, p));
        }
        assertThat(b.syncedSince(before)).as("fsyncs of every parent, from the root down").containsAll(parents);
        assertThat(Files.isDirectory(dir.resolve("a/b/c/d"))).isTrue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean nio() {
        return backend().equals("nio");
    }

    @Test
    void aDefaultAclDoesNotGiveAReplacedFileEntriesItDidNotHave() throws Exception {
        assumeTrue(TestSupport.works("setfacl", "--version"), "setfacl (package acl) is not installed");
        Path acl = Files.createDirectory(dir.resolve("acl"));
        Path replaced = Files.write(acl.resolve("replaced.json"), OLD);
        Files.setAttribute(replaced, "unix:mode", 0640);
        TestSupport.run("setfacl", "-d", "-m", "u::rwx,g::r-x,o::---,u:" + USER + ":rwx", acl.toString());
        Engine engine = new Engine(binding());

        engine.write(replaced, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        Path explicit = acl.resolve("explicit.json");
        engine.write(explicit, ByteBuffer.wrap(NEW),
                WriteOptions.builder().permissions(PosixFilePermissions.fromString("rw-r-----")).build());
        Path fresh = acl.resolve("fresh.json");
        engine.write(fresh, ByteBuffer.wrap(NEW), WriteOptions.defaults());

        assertThat(Files.readAllBytes(replaced)).isEqualTo(NEW);
        assertThat(mode(replaced)).isEqualTo(0640);
        assertThat(mode(explicit)).isEqualTo(0640);
        assertThat(TestSupport.run("getfacl", "-cpn", fresh.toString()))
                .as("a new file gets what the default ACL gives any new file").contains("user:" + USER + ":rwx");
        for (Path p : List.of(replaced, explicit)) {
            String entries = TestSupport.run("getfacl", "-cpn", p.toString());
            if (nio()) {
                // java.nio cannot read or change POSIX ACLs: the inherited entry stays (SECURITY.md)
                assertThat(entries).as("%s", p).contains("user:" + USER + ":");
            } else {
                assertThat(entries).as("%s", p).doesNotContain("user:" + USER);
            }
        }
    }

    @Test
    void concurrentKeepBackupWritersLeaveAsBackupTheVersionTheLastPublicationReplaced() throws Exception {
        Path target = Files.write(dir.resolve("registry.json"), OLD);
        Engine engine = new Engine(binding());
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                byte[] a = ("round " + round + " a").getBytes(StandardCharsets.UTF_8);
                byte[] b = ("round " + round + " b").getBytes(StandardCharsets.UTF_8);
                CountDownLatch go = new CountDownLatch(1);
                List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
                for (byte[] content : List.of(a, b)) {
                    writes.add(pool.submit(() -> {
                        go.await();
                        engine.write(target, ByteBuffer.wrap(content), backup);
                        return null;
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<?> f : writes) {
                    f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                byte[] now = Files.readAllBytes(target);
                byte[] other = java.util.Arrays.equals(now, a) ? b : a;
                assertThat(now).isIn(a, b);
                assertThat(Files.readAllBytes(dir.resolve("registry.json.bak")))
                        .as("round %d: the version the last publication replaced", round).isEqualTo(other);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(TestSupport.names(dir)).containsExactly("registry.json", "registry.json.bak");
    }

    /**
     * Another process publishes while this one keeps a backup (simulated between the steps): with
     * RENAME_EXCHANGE the backup is the version this publication really replaced; without it (java.nio)
     * it is the version linked before publishing. A publication after this one leaves the backup to its
     * writer, and no temp behind.
     */
    @Test
    void keepBackupWithAnotherProcessPublishingMeanwhileKeepsWhatTheExchangeReplaced() throws IOException {
        Path target = Files.write(dir.resolve("state.json"), OLD);
        byte[] theirs = "published by another process".getBytes(StandardCharsets.UTF_8);
        ForwardingBinding b = new ForwardingBinding(binding());
        AtomicBoolean once = new AtomicBoolean();
        b.afterRename = name -> {
            if (name.equals("state.json.bak") && once.compareAndSet(false, true)) {
                Path staged = Files.write(dir.resolve("theirs"), theirs);
                Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        };
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        new Engine(b).write(target, ByteBuffer.wrap(NEW), backup);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(dir.resolve("state.json.bak"))).isEqualTo(nio() ? OLD : theirs);
        assertThat(TestSupport.names(dir)).containsExactly("state.json", "state.json.bak");

        byte[] later = "published after this write".getBytes(StandardCharsets.UTF_8);
        AtomicBoolean onceMore = new AtomicBoolean();
        b.afterRename = name -> {
            if (name.equals("state.json") && onceMore.compareAndSet(false, true)) {
                Path staged = Files.write(dir.resolve("later"), later);
                Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        };
        new Engine(b).write(target, ByteBuffer.wrap(OLD), backup);
        assertThat(Files.readAllBytes(target)).isEqualTo(later);
        assertThat(Files.readAllBytes(dir.resolve("state.json.bak"))).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("state.json", "state.json.bak");
    }

    @Test
    void createDirectoriesThroughASymlinkMakesTheChainOfItsTargetDurable() throws IOException {
        ForwardingBinding b = new ForwardingBinding(binding());
        // x/y/z made by another process, never synced; link -> x/y/z
        Files.createDirectories(dir.resolve("x/y/z"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("x/y/z"));
        int before = b.directorySyncs.size();
        new Engine(b).createDirectories(dir.resolve("link/new/deeper"));
        assertThat(Files.isDirectory(dir.resolve("x/y/z/new/deeper"))).isTrue();
        List<Object> parents = new ArrayList<>();
        for (String p : List.of("", "x", "x/y", "x/y/z", "x/y/z/new")) {
            parents.add(identity(b, dir.resolve(p)));
        }
        assertThat(b.syncedSince(before)).containsAll(parents);
        Files.createSymbolicLink(dir.resolve("to-nothing"), Path.of("absent"));
        assertThatThrownBy(() -> new Engine(b).createDirectories(dir.resolve("to-nothing/a")))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getFile())
                        .isEqualTo(dir.resolve("to-nothing/a").toString()));
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
    }

    /**
     * The source's path is swapped (to root's secret) once it is open: the copy publishes the content
     * and the mode of the one file it opened, never the secret's content with the other file's mode.
     */
    @Test
    void aCopyPublishesTheContentAndTheModeOfTheOneFileItOpened() throws IOException {
        Path mine = Files.write(dir.resolve("mine"), OLD);
        Files.setAttribute(mine, "unix:mode", 0644);
        Path secret = Files.write(dir.resolve("secret"), SECRET);
        Files.setAttribute(secret, "unix:mode", 0600);
        Path source = Files.createSymbolicLink(dir.resolve("source"), mine.getFileName());
        ForwardingBinding b = new ForwardingBinding(binding());
        b.beforeOpenDirectory = path -> {
            Files.delete(source);
            Files.createSymbolicLink(source, secret.getFileName());
        };
        Path target = dir.resolve("copy");
        new Engine(b).copy(source, target, WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(mode(target)).isEqualTo(0644);
        assertThat(TestSupport.names(dir)).containsExactly("copy", "mine", "secret", "source");
    }

    @Test
    void keepBackupWritesOfOneDirectoryExcludeOtherProcessesThroughTheDirectoryLock() throws Exception {
        Path target = Files.write(dir.resolve("state.json"), OLD);
        FileBinding b = binding();
        try (FileBinding.Directory other = b.openDirectory(dir)) {
            if (nio()) {
                // java.nio has no lock on a directory: between processes .bak may be older (SECURITY.md)
                assertThat(other.lock()).isFalse();
                return;
            }
            assertThat(other.lock()).as("flock of the directory, as another process would hold it").isTrue();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    new Engine(b).write(target, ByteBuffer.wrap(NEW), WriteOptions.builder().keepBackup(true).build());
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            });
            writer.start();
            writer.join(500);
            assertThat(writer.isAlive()).as("the keepBackup write waits for the lock").isTrue();
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            other.unlock();
            writer.join(30_000);
            assertThat(failure.get()).isNull();
            assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
            assertThat(Files.readAllBytes(dir.resolve("state.json.bak"))).isEqualTo(OLD);

            // whoever can open the directory can hold its lock: a write waits for it only so long
            assertThat(other.lock()).isTrue();
            long start = System.nanoTime();
            new Engine(b).write(target, ByteBuffer.wrap(OLD), WriteOptions.builder().keepBackup(true).build());
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isBetween(
                    java.time.Duration.ofMillis(450), java.time.Duration.ofSeconds(20));
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(Files.readAllBytes(dir.resolve("state.json.bak"))).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("state.json", "state.json.bak");
    }

    /** @return {@code dir/tool} holding OLD, owned by {@link #USER} with {@code mode} */
    private Path usersTool(int mode) throws IOException {
        Path tool = Files.write(dir.resolve("tool"), OLD);
        Files.setAttribute(tool, "unix:uid", USER);
        Files.setAttribute(tool, "unix:gid", USER);
        Files.setAttribute(tool, "unix:mode", mode);
        return tool;
    }

    @Test
    void aCopyOfAnotherUsersSetuidFileIsNotSetuid() throws IOException {
        assumeTrue(TestSupport.isRoot(), "chown to another user needs root");
        Path tool = usersTool(06755);
        Path copy = dir.resolve("copy");
        new Engine(binding()).copy(tool, copy, WriteOptions.defaults());
        assertThat(Files.readAllBytes(copy)).isEqualTo(OLD);
        assertThat(attr(copy, "uid")).isEqualTo(0);
        assertThat(mode(copy)).as("root's copy of a user's setuid file, as cp makes it").isEqualTo(0755);
    }

    @Test
    void aCopyFromAFifoNeverOpensIt() throws Exception {
        // opening a FIFO, a device or a terminal can have side effects (a terminal without O_NOCTTY may become
        // the controlling one); a writer blocked opening this FIFO is released by any open for reading
        Path fifo = dir.resolve("fifo");
        TestSupport.run("mkfifo", fifo.toString());
        Path source = Files.createSymbolicLink(dir.resolve("source"), fifo.getFileName());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        Path copy = dir.resolve("copy");
        try {
            assertThatThrownBy(() -> new Engine(binding()).copy(source, copy, WriteOptions.defaults()))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessage(copy + ": open source " + source + " failed: it is not a regular file (a FIFO, device"
                            + " or socket)");
            Thread.sleep(300);
            assertThat(writer).as("the FIFO was opened for reading").isNotDone();
        } finally {
            // opening a FIFO for reading and writing never blocks, and releases a blocked writer
            try (FileChannel release = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                writer.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(TestSupport.names(dir)).containsExactly("fifo", "source");
    }

    @Test
    void keepBackupLeavesNoStagedLinkWhenTheBackupAlreadyIsTheCurrentVersion() throws IOException {
        Path target = Files.write(dir.resolve("state.json"), OLD);
        Files.createLink(dir.resolve("state.json.bak"), target);
        new Engine(binding()).write(target, ByteBuffer.wrap(NEW), WriteOptions.builder().keepBackup(true).build());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(dir.resolve("state.json.bak"))).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("state.json", "state.json.bak");
    }

    @Test
    void createDirectoriesResolvesDotDotAfterASymlinkAsTheKernelDoes() throws IOException {
        // l1 -> sub/deep, so md/l1/../n is md/sub/n (mkdir -p and the kernel), not md/n
        Path md = Files.createDirectories(dir.resolve("md/sub/deep")).getParent().getParent();
        Files.createSymbolicLink(md.resolve("l1"), Path.of("sub/deep"));
        Path asked = md.resolve("l1/../n");
        new Engine(binding()).createDirectories(asked);
        assertThat(Files.isDirectory(asked)).isTrue();
        assertThat(Files.isDirectory(md.resolve("sub/n"))).isTrue();
        assertThat(Files.exists(md.resolve("n"))).isFalse();
    }

    @Test
    void aDirectoryPathSwappedAfterItWasOpenedDoesNotRedirectTheWrite() throws IOException {
        Path live = Files.createDirectory(dir.resolve("live"));
        Path opened = dir.resolve("opened");
        Files.write(live.resolve("f.json"), OLD);
        ForwardingBinding b = new ForwardingBinding(binding());
        b.afterCreate = name -> {
            // the directory the write opened moves away; a new one takes its path
            Files.move(live, opened);
            Files.createDirectory(live);
        };
        new Engine(b).write(live.resolve("f.json"), ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(opened.resolve("f.json"))).isEqualTo(NEW);
        assertThat(TestSupport.names(opened)).containsExactly("f.json");
        assertThat(TestSupport.names(live)).isEmpty();

        Files.delete(live);
        Files.move(opened, live);
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        if (nio()) {
            // java.nio links only by path: it must refuse rather than link in the directory the path leads to now
            assertThatThrownBy(() -> new Engine(b).write(live.resolve("f.json"), ByteBuffer.wrap(OLD), backup))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("the directory's path no longer leads to the directory this write opened");
            assertThat(Files.readAllBytes(opened.resolve("f.json"))).isEqualTo(NEW);
            assertThat(TestSupport.names(opened)).containsExactly("f.json");
        } else {
            new Engine(b).write(live.resolve("f.json"), ByteBuffer.wrap(OLD), backup);
            assertThat(Files.readAllBytes(opened.resolve("f.json"))).isEqualTo(OLD);
            assertThat(Files.readAllBytes(opened.resolve("f.json.bak"))).isEqualTo(NEW);
            assertThat(TestSupport.names(opened)).containsExactly("f.json", "f.json.bak");
        }
        assertThat(TestSupport.names(live)).isEmpty();
    }

    @Test
    void aSetuidFileIsNeverASetuidTempBeforeItsOwnerIsFinal() throws IOException {
        assumeTrue(TestSupport.isRoot(), "chown to another user needs root");
        Path target = usersTool(04755);
        ForwardingBinding b = new ForwardingBinding(binding());
        List<Integer> created = new ArrayList<>();
        b.afterCreate = name -> created.add(mode(dir.resolve(name)));
        new Engine(b).write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(created).hasSize(1);
        assertThat(created.get(0) & 07000).as("the root-owned temp, at creation").isZero();
        assertThat(attr(target, "uid")).isEqualTo(USER);
        // java.nio has no setuid bit to give (SECURITY.md)
        assertThat(mode(target)).isEqualTo(nio() ? 0755 : 04755);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
    }

    @Test
    void aLinkRefusedForPermissionIsAccessDeniedNotAMissingFeature() throws Exception {
        assumeTrue(TestSupport.isRoot(), "chattr +i needs root");
        Path target = Files.write(dir.resolve("pinned.json"), OLD);
        assumeTrue(TestSupport.works("chattr", "+i", target.toString()), "chattr +i not supported here");
        try {
            assertThatThrownBy(() -> new Engine(binding()).write(target, ByteBuffer.wrap(NEW),
                    WriteOptions.builder().keepBackup(true).build()))
                    .isInstanceOf(java.nio.file.AccessDeniedException.class)
                    .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                    .hasMessageContaining("link");
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(TestSupport.names(dir)).containsExactly("pinned.json");
        } finally {
            TestSupport.run("chattr", "-i", target.toString());
        }
    }

    /** A write that must fail, and the exception it must fail with. */
    private static final class Failing {
        final String what;
        final Class<? extends Throwable> type;
        final ThrowingCallable call;

        Failing(String what, Class<? extends Throwable> type, ThrowingCallable call) {
            this.what = what;
            this.type = type;
            this.call = call;
        }
    }

    /** Thrown by a hook to stand for any unchecked failure of a step. */
    private static final class StepError extends Error {
        private static final long serialVersionUID = 1L;

        StepError() {
            super("a step failed with an Error", null, false, false);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void failingWritesOfEveryKindCloseWhatTheyOpenedAndLeaveNoTemp() throws Throwable {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "descriptors are counted in /proc/self/fd");
        Path target = Files.write(dir.resolve("state.json"), OLD);
        Path kept = Files.write(dir.resolve("kept.json"), OLD);
        Files.write(Files.createDirectory(dir.resolve("kept.json.bak")).resolve("inside"), OLD);
        Files.createDirectory(dir.resolve("sub"));
        Path fifo = dir.resolve("fifo");
        TestSupport.run("mkfifo", fifo.toString());
        ForwardingBinding hooked = new ForwardingBinding(binding());
        Engine engine = new Engine(binding());
        Engine hooks = new Engine(hooked);
        ByteBuffer data = ByteBuffer.wrap(NEW);
        WriteOptions plain = WriteOptions.defaults();
        List<Failing> kinds = List.of(
                new Failing("target is a directory", FileSystemException.class,
                    () -> engine.write(dir.resolve("sub"), data.duplicate(), plain)),
                new Failing("target is a FIFO", FileSystemException.class,
                    () -> engine.write(fifo, data.duplicate(), plain)),
                new Failing("name longer than NAME_MAX", FileSystemException.class,
                    () -> engine.write(dir.resolve("n".repeat(256)), data.duplicate(), plain)),
                new Failing("directory missing", NoSuchFileException.class,
                    () -> engine.write(dir.resolve("missing/x"), data.duplicate(), plain)),
                new Failing("exists, create new", FileAlreadyExistsException.class,
                    () -> engine.createNew(target, data.duplicate(), plain)),
                new Failing("body throws IOException", IOException.class,
                    () -> engine.write(target, plain, out -> {
                        out.write(NEW);
                        throw new IOException("the body failed");
                    })),
                new Failing("body throws RuntimeException", IllegalStateException.class,
                    () -> engine.write(target, plain, out -> {
                        out.write(NEW);
                        throw new IllegalStateException("the body failed");
                    })),
                new Failing("body throws Error", StepError.class,
                    () -> engine.write(target, plain, out -> {
                        out.write(NEW);
                        throw new StepError();
                    })),
                new Failing("stream closed without commit", null, () -> {
                    try (AtomicOutputStream out = engine.newOutputStream(target, plain)) {
                        out.write(NEW);
                    }
                }),
                new Failing("keepBackup: .bak is a non-empty directory", FileSystemException.class,
                    () -> engine.write(kept, data.duplicate(), WriteOptions.builder().keepBackup(true).build())),
                new Failing("copy: source missing", NoSuchFileException.class,
                    () -> engine.copy(dir.resolve("absent"), target, plain)),
                new Failing("copy: source is a FIFO", FileSystemException.class,
                    () -> engine.copy(fifo, target, plain)),
                new Failing("an Error from the fstat of the temp just created", StepError.class, () -> {
                    hooked.beforeFileStat = name -> {
                        throw new StepError();
                    };
                    try {
                        hooks.write(target, data.duplicate(), plain);
                    } finally {
                        hooked.beforeFileStat = name -> { };
                    }
                }),
                new Failing("RuntimeException from a write to the temp", IllegalStateException.class, () -> {
                    hooked.beforeFileWrite = name -> {
                        throw new IllegalStateException("write failed");
                    };
                    try {
                        hooks.write(target, data.duplicate(), plain);
                    } finally {
                        hooked.beforeFileWrite = name -> { };
                    }
                }));
        List<String> names = TestSupport.names(dir);
        for (Failing kind : kinds) {
            for (int round = 0; round < 2; round++) {
                long before = openDescriptors();
                for (int i = 0; i < (round == 0 ? 5 : 200); i++) {
                    if (kind.type == null) {
                        kind.call.call();
                    } else {
                        assertThat(catchThrowable(kind.call)).as(kind.what).isInstanceOf(kind.type);
                    }
                }
                // the first round loads what the failure path needs; the second must open nothing that stays
                // (the count may fall: the JDK's cleaners close descriptors other tests dropped)
                if (round == 1) {
                    assertThat(openDescriptors()).as(kind.what + ": open descriptors").isLessThanOrEqualTo(before);
                }
            }
            assertThat(TestSupport.names(dir)).as(kind.what + ": names").isEqualTo(names);
            assertThat(Files.readAllBytes(target)).as(kind.what).isEqualTo(OLD);
        }
        assertThat(Files.readAllBytes(kept)).isEqualTo(OLD);
    }
}
