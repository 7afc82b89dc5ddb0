package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.Durability;
import dev.durafile.Mounts;
import dev.durafile.FileTransaction;
import dev.durafile.RecoveryReport;
import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a transaction promises, on one backend: every change published byte for byte at commit, none
 * at close without commit, no trace left either way, clear refusals of bad input with nothing
 * published, and recovery of what a crash leaves (crashes themselves are in the crash layers).
 */
abstract class TransactionContract {
    static final byte[] OLD = "old content, complete".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    abstract String backend();

    Engine engine() {
        return new Engine(Backends.load(backend()));
    }

    Path journal() {
        return dir.resolve("journal");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return every name under {@code root}, recursively, sorted */
    static List<String> tree(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (var s = Files.walk(root)) {
            s.filter(p -> !p.equals(root)).forEach(p -> names.add(root.relativize(p).toString()));
        }
        names.sort(null);
        return names;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void commitPublishesEveryChangeAndLeavesNothingBehind(Durability level) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.write(data.resolve("job.json"), OLD);
        Files.write(data.resolve("stale"), OLD);
        Path source = Files.write(dir.resolve("session.md"), bytes("# session\n"));
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r-----"));
        Engine engine = engine();
        try (FileTransaction tx = engine.transaction(journal(), WriteOptions.builder().durability(level).build())) {
            tx.write(data.resolve("job.json"), bytes("{\"job\":42}"));
            tx.writeString(other.resolve("stats.json"), "{\"jobs\":1,\"é\":true}");
            tx.copy(source, other.resolve("s1.md"));
            tx.write(data.resolve("stream.bin"), out -> {
                out.write(bytes("streamed"));
                out.close();
            });
            tx.delete(data.resolve("stale"));
            tx.commit();
        }
        assertThat(Files.readAllBytes(data.resolve("job.json"))).isEqualTo(bytes("{\"job\":42}"));
        assertThat(Files.readAllBytes(other.resolve("stats.json"))).isEqualTo(bytes("{\"jobs\":1,\"é\":true}"));
        assertThat(Files.readAllBytes(other.resolve("s1.md"))).isEqualTo(bytes("# session\n"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other.resolve("s1.md"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readAllBytes(data.resolve("stream.bin"))).isEqualTo(bytes("streamed"));
        // the record of an ATOMIC commit is removed once its background directory sync is done
        for (int i = 0; i < 500 && !TestSupport.names(journal()).isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(tree(dir)).containsExactly("data", "data/job.json", "data/stream.bin", "journal", "other",
                "other/s1.md", "other/stats.json", "session.md");
    }

    @Test
    void closeWithoutCommitLeavesEveryTargetAndNoTrace() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.write(data.resolve("a"), OLD);
        Files.write(data.resolve("b"), OLD);
        Files.createDirectories(journal());
        List<String> before = tree(dir);
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(data.resolve("a"), bytes("new a"));
            tx.write(data.resolve("c"), bytes("new c"));
            tx.delete(data.resolve("b"));
            assertThat(TestSupport.temps(data)).hasSize(2);
        }
        assertThat(tree(dir)).isEqualTo(before);
        assertThat(Files.readAllBytes(data.resolve("a"))).isEqualTo(OLD);
        assertThat(Files.readAllBytes(data.resolve("b"))).isEqualTo(OLD);
    }

    @Test
    void aLaterChangeOfTheSameTargetReplacesTheEarlierOne() throws Exception {
        Path a = dir.resolve("a");
        Files.write(a, OLD);
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(a, bytes("first"));
            tx.write(dir.resolve(".").resolve("a"), bytes("second"));
            assertThat(TestSupport.temps(dir)).hasSize(1);
            tx.commit();
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("second"));
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(a, bytes("third"));
            tx.delete(a);
            tx.commit();
        }
        assertThat(a).doesNotExist();
        assertThat(TestSupport.temps(dir)).isEmpty();
    }

    /** @return a new directory in /dev/shm, a tmpfs: another file system than the test directory's */
    Path onAnotherFileSystem(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
                "/dev/shm is not another file system here");
        return Files.createTempDirectory(shm, prefix);
    }

    @Test
    void aTargetOnAnotherFileSystemIsRefusedAtTheWriteThatCrossesAndTheRestCommits() throws Exception {
        Path elsewhere = onAnotherFileSystem("durafile-tx");
        try {
            try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
                tx.write(dir.resolve("a"), bytes("a"));
                assertThatThrownBy(() -> tx.write(elsewhere.resolve("b"), bytes("b")))
                        .isInstanceOf(FileSystemException.class)
                        .hasMessageContaining(elsewhere.resolve("b").toString())
                        .hasMessageContaining("it is on another file system than the journal " + journal());
                assertThat(TestSupport.names(elsewhere)).isEmpty();
                tx.commit();
            }
            assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(bytes("a"));
            assertThat(TestSupport.names(elsewhere)).isEmpty();
        } finally {
            Files.delete(elsewhere);
        }
    }

    @Test
    void aJournalOnAnotherFileSystemIsRefusedAtTheFirstWrite() throws Exception {
        Path journal = onAnotherFileSystem("durafile-journal");
        try {
            Files.write(dir.resolve("a"), OLD);
            try (FileTransaction tx = engine().transaction(journal, WriteOptions.defaults())) {
                assertThatThrownBy(() -> tx.write(dir.resolve("a"), bytes("new")))
                        .isInstanceOf(FileSystemException.class)
                        .hasMessageContaining("another file system than the journal " + journal);
                assertThatThrownBy(() -> tx.delete(dir.resolve("a")))
                        .isInstanceOf(FileSystemException.class)
                        .hasMessageContaining("another file system than the journal " + journal);
                tx.commit();
            }
            assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(OLD);
            assertThat(TestSupport.names(dir)).containsExactly("a");
            assertThat(TestSupport.names(journal)).isEmpty();
        } finally {
            Files.delete(journal);
        }
    }

    @Test
    void aDirectoryTargetIsRefusedAndTheTransactionGoesOn() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            assertThatThrownBy(() -> tx.write(sub, bytes("x")))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessage(sub + ": write failed: target is a directory (EISDIR)");
            assertThatThrownBy(() -> tx.delete(sub))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessage(sub + ": delete failed: target is a directory (EISDIR)");
            assertThatThrownBy(() -> tx.delete(dir.resolve("missing")))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining(dir.resolve("missing") + ": delete failed: there is no such file");
            tx.write(dir.resolve("ok"), bytes("ok"));
            tx.commit();
        }
        assertThat(Files.readAllBytes(dir.resolve("ok"))).isEqualTo(bytes("ok"));
        assertThat(TestSupport.names(sub)).isEmpty();
        assertThat(TestSupport.temps(dir)).isEmpty();
    }

    @Test
    void aTargetPublishedByAnotherWriterSinceItWasStagedFailsTheCommitAndNothingIsPublished() throws Exception {
        Path a = Files.write(dir.resolve("a"), OLD);
        Path b = Files.write(dir.resolve("b"), OLD);
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(a, bytes("tx a"));
            tx.write(b, bytes("tx b"));
            engine().write(b, ByteBuffer.wrap(bytes("plain b")), WriteOptions.defaults());
            assertThatThrownBy(tx::commit)
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageStartingWith(b + ": commit transaction failed: the target changed since it was staged")
                    .hasMessageEndingWith("nothing of the transaction is published");
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(Files.readAllBytes(b)).isEqualTo(bytes("plain b"));
        assertThat(TestSupport.names(dir)).containsExactly("a", "b", "journal");
        assertThat(TestSupport.names(journal())).isEmpty();
    }

    @Test
    void concurrentTransactionsOnTheSameTargetsNeverLeaveThemMixed() throws Exception {
        Path a = Files.write(dir.resolve("a"), bytes("0"));
        Path b = Files.write(dir.resolve("b"), bytes("0"));
        Engine engine = engine();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        List<Throwable> unexpected = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        byte[] v = bytes(id + "-" + i);
                        try (FileTransaction tx = engine.transaction(journal(),
                                WriteOptions.builder().durability(Durability.NONE).build())) {
                            tx.write(a, v);
                            tx.write(b, v);
                            tx.commit();
                            committed.incrementAndGet();
                        } catch (FileSystemException e) {
                            if (!e.getMessage().contains("the target changed since it was staged")) {
                                throw e;
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    synchronized (unexpected) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(unexpected).isEmpty();
        assertThat(committed.get() + conflicts.get()).isEqualTo(200);
        assertThat(committed.get()).isPositive();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(TestSupport.names(dir)).containsExactly("a", "b", "journal");
        assertThat(TestSupport.names(journal())).isEmpty();
    }

    @Test
    void aPreInterruptedThreadCommitsAndKeepsItsInterrupt() throws Exception {
        Path a = Files.write(dir.resolve("a"), OLD);
        Thread.currentThread().interrupt();
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(a, bytes("new"));
            tx.write(dir.resolve("b"), bytes("b"));
            tx.commit();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("new"));
        assertThat(Files.readAllBytes(dir.resolve("b"))).isEqualTo(bytes("b"));
        assertThat(engine().recover(journal()).rolledForward()).isZero();
    }

    @Test
    void aJournalOthersCanWriteIsRefused() throws Exception {
        Path journal = Files.createDirectories(journal());
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(journal + ": open journal failed: it is writable by its group or others");
        assertThatThrownBy(() -> engine().recover(journal)).isInstanceOf(AccessDeniedException.class);
    }

    private static void chown(Path p, int uid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    /** @return a journal ({@code 0700}) in {@code parent} holding a committed record that writes "new" to {@code a} */
    private Path journalWithACommittedRecord(Path parent, Path a) throws Exception {
        Path journal = Files.createDirectories(parent.resolve("journal"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwx------"));
        Files.write(journal.resolve("planted.tx"), committedRecordOf(a, bytes("new")));
        return journal;
    }

    /**
     * A journal named with a final "." or ".." is the directory that name reaches, checked as the journal
     * itself: a sticky directory everyone can write (like /tmp) is refused however it is spelt.
     */
    @Test
    void aJournalSpeltWithADotOrDotDotIsCheckedAsTheDirectoryItReaches() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(shared.resolve("sub"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(shared, "unix:mode", 01777);
        for (Path spelt : List.of(shared, shared.resolve("."), shared.resolve("sub/.."), shared.resolve("sub/../."))) {
            assertThatThrownBy(() -> engine().transaction(spelt, WriteOptions.defaults()))
                    .as("transaction(%s)", spelt).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(spelt + ": open journal failed: it is writable by its group or others");
            assertThatThrownBy(() -> engine().recover(spelt)).as("recover(%s)", spelt)
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThat(TestSupport.names(shared)).containsExactly("sub");
    }

    /**
     * On a file system that gives root's new files to another user (NFS with root squashed; here a FUSE
     * passthrough creating for user 1000), the journal the walk creates belongs to that user: refused,
     * and the directories the walk created are removed again.
     */
    @Test
    void aJournalOnAFileSystemThatGivesNewFilesAnotherOwnerIsRefusedAndNotLeftBehind() throws Exception {
        Path mnt = Mounts.mountCreatingFor(dir, 1000);
        try {
            Path journal = mnt.resolve("journal");
            assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(journal + ": open journal failed: it belongs to user 1000, not to user 0");
            Path deeper = mnt.resolve("a/b/journal");
            assertThatThrownBy(() -> engine().transaction(deeper, WriteOptions.defaults()))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(deeper + ": open journal failed: the directory " + mnt.resolve("a")
                            + " above it belongs to user 1000, neither root nor user 0");
            assertThat(TestSupport.names(mnt)).isEmpty();
        } finally {
            Mounts.unmount(mnt);
        }
    }

    /**
     * A {@code java.io.tmpdir} on a file system that gives root's new files another user (NFS with root
     * squashed; here a FUSE passthrough creating for user 1000) would make this process take that user
     * for its own, and trust that user's journal: refused.
     */
    @Test
    void aTemporaryDirectoryThatGivesNewFilesAnotherOwnerIsRefusedForLearningTheUser() throws Exception {
        Path mnt = Mounts.mountCreatingFor(dir, 1000);
        Path a = Files.write(dir.resolve("a"), OLD);
        Path journal = journalWithACommittedRecord(dir, a);
        chown(journal, 1000);
        chown(journal.resolve("planted.tx"), 1000);
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", mnt.toString());
        try {
            String why = Backends.load(backend()).processUser() != null
                    ? "which gives this process's new files to user 1000, though it runs as user 0"
                    : "that may give new files an owner of its own";
            assertThatThrownBy(() -> engine().recover(journal)).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(journal + ": open journal failed: this process learns its own user from a"
                            + " file it creates in " + mnt + ", which ")
                    .hasMessageContaining(why);
        } finally {
            System.setProperty("java.io.tmpdir", saved);
            Mounts.unmount(mnt);
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(journal.resolve("planted.tx")).exists();
    }

    /**
     * A record names its directories by path and inode number. A user who owned a directory a committed
     * transaction deleted in swaps it, after a crash, for a link to a directory on another file system
     * whose inode numbers match: recovery must not delete there.
     */
    @Test
    void recoveryNeverActsInADirectoryOnAnotherFileSystemWithTheRecordedInodeNumber() throws Exception {
        Path other = Mounts.mount(dir, "tmpfs");
        try {
            recoveryThroughALinkLeavesTheFileItLeadsTo(other, false);
        } finally {
            Mounts.unmount(other);
        }
    }

    /**
     * The same on one file system, where inode numbers are reused: the user removed the directory, a
     * directory of root's got its inode number (and a file in it the recorded file's), and the user put
     * a link of theirs to it where the directory was. Recovery follows only root's and its own links.
     */
    @Test
    void recoveryNeverFollowsAnotherUsersLinkToADirectoryWithTheRecordedInodeNumber() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a link of another user needs root to make");
        recoveryThroughALinkLeavesTheFileItLeadsTo(Files.createDirectories(dir.resolve("same")), true);
    }

    /**
     * Plants a committed record deleting {@code spool/secret}, where {@code spool} is now a link (of user
     * 1000 if {@code othersLink}) to a root-only directory in {@code where} holding {@code secret}, both
     * of the recorded inode numbers; recovery must leave the file and finish the record without it.
     */
    private void recoveryThroughALinkLeavesTheFileItLeadsTo(Path where, boolean othersLink) throws Exception {
        Path rootOnly = Files.createDirectories(where.resolve("rootonly"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
        Path secret = Files.write(rootOnly.resolve("secret"), OLD);
        Path spool = Files.createSymbolicLink(dir.resolve("spool"), rootOnly);
        if (othersLink) {
            chown(spool, 1000);
        }
        Path journal = Files.createDirectories(dir.resolve("journal"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwx------"));
        UUID txid = UUID.randomUUID();
        CRC32C crc = new CRC32C();
        byte[] header = JournalRecord.header(txid);
        crc.update(header);
        byte[] entry = JournalRecord.entry(new JournalRecord.Entry(JournalRecord.DELETE, Name.bytes(spool),
                String.valueOf(Files.getAttribute(rootOnly, "unix:ino")), bytes("secret"),
                bytes(String.valueOf(Files.getAttribute(secret, "unix:ino")))));
        crc.update(entry);
        Files.write(journal.resolve(txid + ".tx"), concat(header, entry, JournalRecord.footer(crc, List.of("delete"))));
        RecoveryReport report = engine().recover(journal);
        assertThat(report.rolledForward()).isEqualTo(1);
        assertThat(Files.readAllBytes(secret)).isEqualTo(OLD);
        assertThat(TestSupport.names(journal)).isEmpty();
    }

    /**
     * A committed transaction whose directory someone removed after the crash (its target and temp went
     * with it) is finished without that change: it must not block every later transaction on the journal.
     */
    @Test
    void aCommittedTransactionWhoseDirectoryIsGoneIsFinishedWithoutItAndBlocksNothing() throws Exception {
        Path gone = Files.createDirectories(dir.resolve("gone"));
        Path kept = Files.write(dir.resolve("kept"), OLD);
        Path journal = journal();
        ForwardingBinding failing = new ForwardingBinding(Backends.load(backend()));
        // the first publication "fails" after the commit point: the record stays for recovery
        failing.afterRename = name -> {
            if (name.equals("a")) {
                throw new IOException("injected after the rename of a");
            }
        };
        try (FileTransaction tx = new Engine(failing).transaction(journal, WriteOptions.defaults())) {
            tx.write(gone.resolve("a"), bytes("new a"));
            tx.write(kept, bytes("new kept"));
            assertThatThrownBy(tx::commit).isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("committed, but 1 of 2 changes could not be published");
        }
        assertThat(TestSupport.names(journal)).hasSize(1);
        Trees.delete(dir, gone.getFileName());
        RecoveryReport report = engine().recover(journal);
        assertThat(report.rolledForward()).isEqualTo(1);
        assertThat(Files.readAllBytes(kept)).isEqualTo(bytes("new kept"));
        assertThat(TestSupport.names(journal)).isEmpty();
        try (FileTransaction tx = engine().transaction(journal, WriteOptions.defaults())) {
            tx.write(kept, bytes("after"));
            tx.commit();
        }
        assertThat(Files.readAllBytes(kept)).isEqualTo(bytes("after"));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Test
    void aRecordOfAnotherUserIsReportedAndNeverApplied() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a file of another user needs root to make");
        Path a = Files.write(dir.resolve("a"), OLD);
        Path journal = journalWithACommittedRecord(dir, a);
        chown(journal.resolve("planted.tx"), 1000);
        RecoveryReport report = engine().recover(journal);
        assertThat(report.foreign()).containsExactly(journal.resolve("planted.tx"));
        assertThat(report.rolledForward() + report.discarded()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(journal.resolve("planted.tx")).exists();
    }

    @Test
    void aJournalOfAnotherUserIsRefusedAndNothingInItIsApplied() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a directory of another user needs root to make");
        Path a = Files.write(dir.resolve("a"), OLD);
        Path journal = journalWithACommittedRecord(dir, a);
        chown(journal, 1000);
        assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(journal + ": open journal failed: it belongs to user 1000, not to user 0");
        assertThatThrownBy(() -> engine().recover(journal)).isInstanceOf(AccessDeniedException.class);
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(journal.resolve("planted.tx")).exists();
    }

    /**
     * Whoever owns a directory above the journal can swap the journal for a directory of theirs holding
     * a record (even one of root's files, moved in): the journal is refused, however it is reached.
     */
    @Test
    void aJournalInADirectoryAnotherUserOwnsIsRefusedHoweverItIsReached() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a directory of another user needs root to make");
        Path a = Files.write(dir.resolve("a"), OLD);
        Path home = Files.createDirectories(dir.resolve("home"));
        Path journal = journalWithACommittedRecord(home, a);
        chown(home, 1000);
        String why = "open journal failed: the directory " + home + " above it belongs to user 1000, neither root nor"
                + " user 0";
        assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining(journal + ": " + why);
        assertThatThrownBy(() -> engine().recover(journal)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(why);
        Path viaLink = Files.createSymbolicLink(dir.resolve("link"), journal);
        assertThatThrownBy(() -> engine().recover(viaLink)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(viaLink + ": " + why);
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(journal.resolve("planted.tx")).exists();
    }

    /**
     * Another user's link in a sticky directory, to a directory of root's: following it would make root's
     * recovery treat that directory as a journal and remove what looks like records there.
     */
    @Test
    void aJournalReachedThroughAnotherUsersLinkIsRefusedAndNothingIsTouched() throws Exception {
        assumeTrue(TestSupport.isRoot(), "a link of another user needs root to make");
        Path sticky = Files.createDirectories(dir.resolve("sticky"));
        TestSupport.run("chmod", "1777", sticky.toString());
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.write(victim.resolve("db.tx"), bytes("not a record"));
        Files.write(victim.resolve("state.new"), bytes("not a record either"));
        Path link = Files.createSymbolicLink(sticky.resolve("journal"), victim);
        Files.setAttribute(link, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> engine().recover(link)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(link + ": open journal failed: the symbolic link " + link
                        + " on the way to it belongs to user 1000, neither root nor user 0");
        assertThatThrownBy(() -> engine().transaction(link, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(TestSupport.names(victim)).containsExactly("db.tx", "state.new");
        assertThat(Files.readAllBytes(victim.resolve("db.tx"))).isEqualTo(bytes("not a record"));
    }

    @Test
    void aJournalWhoseAclLetsAnotherUserWriteIsRefused() throws Exception {
        assumeTrue(TestSupport.works("setfacl", "--version"), "setfacl (package acl) is not installed");
        Path journal = Files.createDirectories(journal());
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwx------"));
        TestSupport.run("setfacl", "-m", "u:1000:rwx", journal.toString());
        assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(journal + ": open journal failed: it is writable by its group or others");
    }

    @Test
    void aJournalUnderADirectoryOthersCanWriteIsRefusedUnlessThatDirectoryIsSticky() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path journal = shared.resolve("journal");
        assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(journal + ": open journal failed: the directory " + shared
                        + " above it is writable by its group or others (mode 0775, not sticky)");
        TestSupport.run("chmod", "1777", shared.toString());
        Path a = Files.write(dir.resolve("a"), OLD);
        try (FileTransaction tx = engine().transaction(journal, WriteOptions.defaults())) {
            tx.write(a, bytes("new"));
            tx.commit();
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("new"));
    }

    /**
     * A temp that someone who can write its directory removes before the commit would leave a committed
     * transaction that cannot be published whole: the commit fails before its commit point instead.
     */
    @Test
    void aTempRemovedBeforeTheCommitFailsItWithNothingPublished() throws Exception {
        Path a = Files.write(dir.resolve("a"), OLD);
        Path b = Files.write(dir.resolve("b"), OLD);
        try (FileTransaction tx = engine().transaction(journal(), WriteOptions.defaults())) {
            tx.write(a, bytes("new a"));
            tx.write(b, bytes("new b"));
            for (String t : TestSupport.temps(dir)) {
                if (t.startsWith("b.")) {
                    Files.delete(dir.resolve(t));
                }
            }
            assertThatThrownBy(tx::commit).isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("verify temp file").hasMessageContaining("nothing is published");
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(Files.readAllBytes(b)).isEqualTo(OLD);
        assertThat(TestSupport.temps(dir)).isEmpty();
        assertThat(TestSupport.names(journal())).isEmpty();
        assertThat(engine().recover(journal()).rolledForward()).isZero();
    }

    @Test
    void aNewJournalIsItsOwnersAloneWhateverTheUmask() throws Exception {
        engine().transaction(dir.resolve("j/deeper"), WriteOptions.defaults()).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("j/deeper"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aCorruptRecordIsReportedKeptAsideAndNeverApplied() throws Exception {
        Path a = Files.write(dir.resolve("a"), OLD);
        Files.createDirectories(journal());
        Files.setPosixFilePermissions(journal(), PosixFilePermissions.fromString("rwx------"));
        byte[] record = committedRecordOf(a, bytes("new"));
        // one flipped bit in the middle of a committed record
        record[record.length / 2] ^= 0x10;
        Path r = Files.write(journal().resolve("bad.tx"), record);
        RecoveryReport report = engine().recover(journal());
        assertThat(report.corrupt()).containsExactly(journal().resolve("bad.tx.corrupt"));
        assertThat(report.rolledForward()).isZero();
        assertThat(r).doesNotExist();
        assertThat(Files.readAllBytes(journal().resolve("bad.tx.corrupt"))).isEqualTo(record);
        assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
        assertThat(TestSupport.temps(dir)).hasSize(1);
    }

    @Test
    void recoveryRollsACommittedRecordForwardOnceAndDiscardsAnUncommittedOne() throws Exception {
        Path a = Files.write(dir.resolve("a"), OLD);
        Path b = Files.write(dir.resolve("b"), OLD);
        Files.createDirectories(journal());
        Files.setPosixFilePermissions(journal(), PosixFilePermissions.fromString("rwx------"));
        Files.write(journal().resolve("committed.tx"), committedRecordOf(a, bytes("new a")));
        byte[] open = committedRecordOf(b, bytes("new b"));
        Files.write(journal().resolve("open.tx"), Arrays.copyOf(open, open.length - 20));
        assertThat(TestSupport.temps(dir)).hasSize(2);
        RecoveryReport report = engine().recover(journal());
        assertThat(report.rolledForward()).isEqualTo(1);
        assertThat(report.discarded()).isEqualTo(1);
        assertThat(report.corrupt()).isEmpty();
        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("new a"));
        assertThat(Files.readAllBytes(b)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("a", "b", "journal");
        assertThat(TestSupport.names(journal())).isEmpty();
        RecoveryReport again = engine().recover(journal());
        assertThat(again.rolledForward() + again.discarded()).isZero();
    }

    /**
     * @return the bytes of a committed record that writes {@code data} to {@code target}, its temp made
     *     and left in place, as a crash right after the commit point leaves them
     */
    static byte[] committedRecordOf(Path target, byte[] data) throws Exception {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp." + UUID.randomUUID());
        Files.write(temp, data);
        CRC32C crc = new CRC32C();
        byte[] header = JournalRecord.header(UUID.randomUUID());
        crc.update(header);
        byte[] entry = JournalRecord.entry(new JournalRecord.Entry(JournalRecord.WRITE,
                target.getParent().toString().getBytes(StandardCharsets.UTF_8), inode(target.getParent()),
                target.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                temp.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
        crc.update(entry);
        byte[] footer = JournalRecord.footer(crc, List.of(key(temp, data)));
        ByteBuffer all = ByteBuffer.allocate(header.length + entry.length + footer.length);
        return all.put(header).put(entry).put(footer).array();
    }

    /** @return the footer's key of a complete temp {@code p} holding {@code data} */
    static String key(Path p, byte[] data) throws IOException {
        CRC32C c = new CRC32C();
        c.update(data);
        return new ContentKey(inode(p), data.length, c.getValue()).toString();
    }

    static String inode(Path p) throws IOException {
        return String.valueOf(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    }
}
