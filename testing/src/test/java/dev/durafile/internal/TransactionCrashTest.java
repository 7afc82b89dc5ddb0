package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.AtomicFiles;
import dev.durafile.Durability;
import dev.durafile.FileTransaction;
import dev.durafile.WriteOptions;
import dev.durafile.testing.CrashPoint;
import dev.durafile.testing.CrashTester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The in-memory crash model for transactions: a transaction of three changes in two directories (a
 * write, a new file, a delete) crashed at every operation of the commit, and of the recovery after a
 * crash, in every crash mode; after recovery the targets must be all OLD or all NEW, byte for byte,
 * and NEW once commit() returned (DURABLE); nothing may be left but temps the janitor removes. The
 * broken protocols of {@link Transaction.Fault} must each be caught by the same check.
 */
class TransactionCrashTest {
    static final byte[] OLD_A = content("old a", 1500);
    static final byte[] NEW_A = content("new a", 3000);
    static final byte[] OLD_B = content("old b", 700);
    static final byte[] NEW_C = content("new c", 2100);

    static byte[] content(String tag, int length) {
        byte[] b = new byte[length];
        byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[i] = i < t.length ? t[i] : (byte) ('a' + (i * 7 + tag.hashCode()) % 26);
        }
        return b;
    }

    @AfterEach
    void repair() {
        Transaction.negativeControl(Transaction.Fault.NONE);
    }

    static void setup(Path root) throws Exception {
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("other"));
        Files.createDirectories(root.resolve("journal"));
        Files.setPosixFilePermissions(root.resolve("journal"), PosixFilePermissions.fromString("rwx------"));
        Files.write(root.resolve("data/a"), OLD_A);
        Files.write(root.resolve("data/b"), OLD_B);
    }

    static void commit(Path root, Durability level) throws Exception {
        try (FileTransaction tx = AtomicFiles.transaction(root.resolve("journal"),
                WriteOptions.builder().durability(level).build())) {
            tx.write(root.resolve("data/a"), NEW_A);
            tx.write(root.resolve("other/c"), NEW_C);
            tx.delete(root.resolve("data/b"));
            tx.commit();
        }
    }

    /** After recovery: all OLD or all NEW, NEW once returned if {@code durable}; no record left. */
    static CrashTester.Invariant allOrNothing(boolean durable) {
        return (root, point) -> {
            AtomicFiles.recover(root.resolve("journal"));
            String state = state(root);
            if (point.returned() && durable && !state.equals("NEW")) {
                throw new AssertionError("commit returned, but after recovery the targets are " + state);
            }
            if (!state.equals("OLD") && !state.equals("NEW")) {
                throw new AssertionError("after recovery the targets are mixed: " + state);
            }
            checkJournalEmpty(root);
            checkOnlyTemps(root.resolve("data"), "a", "b");
            checkOnlyTemps(root.resolve("other"), "c");
        };
    }

    /** Recovery leaves nothing in the journal. */
    static void checkJournalEmpty(Path root) throws Exception {
        List<String> left = names(root.resolve("journal"));
        if (!left.isEmpty()) {
            throw new AssertionError("recovery left " + left + " in the journal");
        }
    }

    /** @return "OLD", "NEW", or what each target holds */
    static String state(Path root) throws Exception {
        String a = holds(root.resolve("data/a"), OLD_A, NEW_A);
        String b = holds(root.resolve("data/b"), OLD_B, null);
        String c = holds(root.resolve("other/c"), null, NEW_C);
        if (a.equals("OLD") && b.equals("OLD") && c.equals("OLD")) {
            return "OLD";
        }
        if (a.equals("NEW") && b.equals("NEW") && c.equals("NEW")) {
            return "NEW";
        }
        return "a " + a + ", b " + b + ", c " + c;
    }

    /** @return OLD or NEW (null content meaning absent), else a description */
    private static String holds(Path p, byte[] old, byte[] fresh) throws Exception {
        byte[] now = Files.exists(p) ? Files.readAllBytes(p) : null;
        if (Arrays.equals(now, old)) {
            return "OLD";
        }
        if (Arrays.equals(now, fresh)) {
            return "NEW";
        }
        return now == null ? "absent" : "garbage (" + now.length + " bytes)";
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static void checkOnlyTemps(Path dir, String... targets) throws Exception {
        for (String n : names(dir)) {
            boolean ok = Arrays.asList(targets).contains(n);
            for (String t : targets) {
                ok |= TempPattern.isTempOf(dir.resolve(n).getFileName(), dir.resolve(t).getFileName());
            }
            if (!ok) {
                throw new AssertionError(dir + " holds " + n + ", neither a target nor a temp the janitor removes");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"DURABLE", "ATOMIC"})
    void everyCrashOfACommitIsAllOrNothingAfterRecovery(Durability level) {
        CrashTester.Report r = CrashTester.of(TransactionCrashTest::setup, root -> commit(root, level))
                .run(allOrNothing(level == Durability.DURABLE));
        r.assertNoViolations();
        assertThat(r.operations()).isGreaterThan(20);
    }

    @Test
    void negativeControlPublishingBeforeTheCommitIsDurableIsCaught() {
        Transaction.negativeControl(Transaction.Fault.PUBLISH_BEFORE_COMMIT_SYNC);
        assertThat(violations(Durability.DURABLE)).anyMatch(v -> v.contains("mixed"));
    }

    @Test
    void negativeControlACommitWrittenWithoutSyncIsCaught() {
        Transaction.negativeControl(Transaction.Fault.COMMIT_WITHOUT_SYNC);
        assertThat(violations(Durability.DURABLE)).anyMatch(v -> v.contains("mixed"));
    }

    @Test
    void negativeControlRecoveryThatSkipsAHalfPublishedTransactionIsCaught() {
        Transaction.negativeControl(Transaction.Fault.RECOVERY_SKIPS_COMMITTED);
        assertThat(violations(Durability.DURABLE)).anyMatch(v -> v.contains("mixed"));
    }

    @Test
    void negativeControlRecoveryThatTrustsTempsWithoutTheirChecksumsIsCaught() {
        Transaction.negativeControl(Transaction.Fault.RECOVERY_SKIPS_CHECKSUMS);
        assertThat(violations(Durability.DURABLE)).anyMatch(v -> v.contains("garbage"));
    }

    private static List<String> violations(Durability level) {
        CrashTester.Report r = CrashTester.of(TransactionCrashTest::setup, root -> commit(root, level))
                .run(allOrNothing(true));
        List<String> v = new ArrayList<>();
        for (CrashTester.Violation x : r.violations()) {
            v.add(x.toString());
        }
        return v;
    }

    /**
     * A committed transaction that a crash left half published (a's temp renamed, c's not, b not
     * deleted): its recovery crashed at every operation, then recovered again, must end all NEW.
     */
    @Test
    void everyCrashOfARecoveryIsRecoveredByTheNext() {
        CrashTester.Report r = CrashTester.of(TransactionCrashTest::halfPublished,
                root -> AtomicFiles.recover(root.resolve("journal"))).run((root, point) -> {
                    AtomicFiles.recover(root.resolve("journal"));
                    String state = state(root);
                    if (!state.equals("NEW")) {
                        throw new AssertionError("a committed transaction after a crashed recovery: " + state);
                    }
                    checkJournalEmpty(root);
                    assertThat(names(root.resolve("data"))).containsExactly("a");
                    assertThat(names(root.resolve("other"))).containsExactly("c");
                });
        r.assertNoViolations();
        assertThat(r.operations()).isGreaterThan(5);
    }

    /** The state a crash between the first and the second rename of {@link #commit} leaves. */
    static void halfPublished(Path root) throws Exception {
        setup(root);
        Path data = root.resolve("data");
        Path other = root.resolve("other");
        Path tempA = data.resolve("a.tmp." + UUID.randomUUID());
        Path tempC = other.resolve("c.tmp." + UUID.randomUUID());
        Files.write(tempA, NEW_A);
        Files.write(tempC, NEW_C);
        String keyA = key(tempA, NEW_A);
        String inodeB = inode(data.resolve("b"));
        CRC32C crc = new CRC32C();
        byte[] header = JournalRecord.header(UUID.randomUUID());
        crc.update(header);
        byte[] ea = JournalRecord.entry(entry(JournalRecord.WRITE, data, "a", tempA.getFileName().toString()));
        crc.update(ea);
        byte[] ec = JournalRecord.entry(entry(JournalRecord.WRITE, other, "c", tempC.getFileName().toString()));
        crc.update(ec);
        byte[] eb = JournalRecord.entry(entry(JournalRecord.DELETE, data, "b", inodeB));
        crc.update(eb);
        byte[] footer = JournalRecord.footer(crc, List.of(keyA, key(tempC, NEW_C), "delete"));
        Files.write(root.resolve("journal/t.tx"), concat(header, ea, ec, eb, footer));
        Files.move(tempA, data.resolve("a"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static JournalRecord.Entry entry(byte op, Path dir, String name, String subject) throws Exception {
        return new JournalRecord.Entry(op, dir.toString().getBytes(StandardCharsets.UTF_8), inode(dir),
                name.getBytes(StandardCharsets.UTF_8), subject.getBytes(StandardCharsets.UTF_8));
    }

    static String key(Path p, byte[] data) throws Exception {
        CRC32C c = new CRC32C();
        c.update(data);
        return new ContentKey(inode(p), data.length, c.getValue()).toString();
    }

    static String inode(Path p) throws Exception {
        return new FileBinding.Stat(FileBinding.Kind.OTHER,
                Files.readAttributes(p, BasicFileAttributes.class).fileKey(), null, -1, null, null).inode();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void theModelSeesTheCommitAsAllNewWhenNothingIsLost() throws Exception {
        CrashTester.of(TransactionCrashTest::setup, root -> commit(root, Durability.DURABLE))
                .withModes(dev.durafile.testing.CrashMode.KEEP_ALL)
                .withDirectoryModes(dev.durafile.testing.DirectoryMode.KEEP_ALL)
                .run((root, point) -> {
                    if (point.returned()) {
                        assertThat(state(root)).isEqualTo("NEW");
                    }
                }).assertNoViolations();
    }

    static boolean returned(CrashPoint p) {
        return p.returned();
    }
}
