package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.internal.TempPattern;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFileJanitorTest {
    /** How long ago a crashed write left its orphan: past the 10-minute default. */
    private static final Duration CRASHED = Duration.ofMinutes(11);

    @TempDir
    Path dir;

    private static String temp(String target) {
        return target + ".tmp." + UUID.randomUUID();
    }

    /** Sets the last-modified time of {@code p} itself (not of a link's target) to {@code ago} ago. */
    private static Path age(Path p, Duration ago) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(Instant.now().minus(ago)), null, null);
        return p;
    }

    private static Path orphan(Path dir, String target, byte[] content) throws IOException {
        return age(Files.write(dir.resolve(temp(target)), content), CRASHED);
    }

    /**
     * @return every entry under {@code root} (not following links) by relative path: a file's bytes, a
     *     link's target, or "dir"
     */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.collect(Collectors.toList())) {
                String value = Files.isSymbolicLink(p) ? "link -> " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : Arrays.toString(Files.readAllBytes(p));
                entries.put(root.relativize(p).toString(), value);
            }
        }
        return entries;
    }

    private static String stderrOf(IOAction action) throws IOException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private interface IOAction {
        void run() throws IOException;
    }

    @Test
    void deletesAThousandOrphansAndKeepsEverythingElseByteForByte() throws IOException {
        Path root = Files.createDirectory(dir.resolve("workspace"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        List<Path> dirs = List.of(root, Files.createDirectories(root.resolve("a/b/c")), root.resolve("a"),
                root.resolve("a/b"), Files.createDirectories(root.resolve("jobs/j1")), root.resolve("jobs"));
        List<Path> orphans = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] content = new byte[i % 97];
            Arrays.fill(content, (byte) i);
            orphans.add(orphan(dirs.get(i % dirs.size()), i % 2 == 0 ? ".job.json" : "statistics.json", content));
            bytes += content.length;
        }
        Path a = root.resolve("a");
        Files.writeString(root.resolve("statistics.json"), "{\"complete\":true}");
        Files.writeString(a.resolve(".job.json"), "{\"job\":1}");
        age(Files.writeString(a.resolve("notes.tmp.txt"), "user notes"), CRASHED);
        age(Files.writeString(a.resolve("x.tmp.not-a-uuid"), "not ours"), CRASHED);
        age(Files.writeString(a.resolve(".tmp." + UUID.randomUUID()), "empty prefix"), CRASHED);
        age(Files.writeString(a.resolve("x.tmp." + UUID.randomUUID().toString().toUpperCase()), "upper"), CRASHED);
        age(Files.writeString(a.resolve(temp("x") + ".bak"), "suffixed"), CRASHED);
        age(Files.writeString(a.resolve("x.tmp." + UUID.randomUUID().toString().replace("-", "")), "no dashes"),
                CRASHED);
        Files.writeString(a.resolve(temp("young.json")), "a live write");
        Path tempNamedDir = age(Files.createDirectory(root.resolve("a/b").resolve(temp("dir"))), CRASHED);
        Files.writeString(tempNamedDir.resolve("inside.txt"), "inside");
        Path precious = age(Files.writeString(outside.resolve("precious.json"), "outside the root"), CRASHED);
        age(Files.createSymbolicLink(root.resolve(temp("link")), precious), CRASHED);
        Path outsideOrphan = orphan(outside, "out.json", "not under the root".getBytes(StandardCharsets.UTF_8));
        age(Files.createSymbolicLink(root.resolve("jobs").resolve(temp("dirlink")), outside), CRASHED);
        Map<String, String> kept = tree(root);
        for (Path o : orphans) {
            kept.remove(root.relativize(o).toString());
        }
        Map<String, String> outsideBefore = tree(outside);

        SweepReport report = TempFileJanitor.sweep(root);

        assertThat(report.dryRun()).isFalse();
        assertThat(report.deletedCount()).isEqualTo(1000);
        assertThat(report.deleted()).containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(report.bytesReclaimed()).isEqualTo(bytes);
        assertThat(report.skippedYoung()).isEqualTo(1);
        assertThat(report.failedCount()).isZero();
        assertThat(report.failed()).isEmpty();
        assertThat(report).hasToString("deleted 1000 temp files (" + bytes + " bytes), skipped 1 young, 0 failed");
        assertThat(tree(root)).isEqualTo(kept);
        assertThat(tree(outside)).isEqualTo(outsideBefore);
        assertThat(outsideOrphan).exists();
        assertThat(Files.readString(precious)).isEqualTo("outside the root");
    }

    @Test
    void dryRunDeletesNothingAndListsWhatASweepThenDeletes() throws IOException {
        Path nested = Files.createDirectories(dir.resolve("x/y"));
        List<Path> orphans = List.of(orphan(dir, "a.json", new byte[10]), orphan(nested, "b.json", new byte[5]));
        Files.writeString(nested.resolve(temp("c.json")), "young");
        Map<String, String> before = tree(dir);

        SweepReport dry = TempFileJanitor.sweep(dir, TempFileJanitor.DEFAULT_MIN_AGE, true);

        assertThat(tree(dir)).isEqualTo(before);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.deleted()).containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(dry.bytesReclaimed()).isEqualTo(15);
        assertThat(dry.skippedYoung()).isEqualTo(1);
        assertThat(dry).hasToString("dry run: would delete 2 temp files (15 bytes), skipped 1 young, 0 failed");

        SweepReport real = TempFileJanitor.sweep(dir, TempFileJanitor.DEFAULT_MIN_AGE, false);

        assertThat(real.deleted()).containsExactlyInAnyOrderElementsOf(dry.deleted());
        assertThat(real.bytesReclaimed()).isEqualTo(15);
        for (Path o : orphans) {
            assertThat(o).doesNotExist();
        }
        assertThat(TestSupport.temps(nested)).hasSize(1);
    }

    @Test
    void honoursTheMinimumAge() throws IOException {
        Path nineMinutes = age(Files.writeString(dir.resolve(temp("a")), "9"), Duration.ofMinutes(9));
        Path elevenMinutes = orphan(dir, "b", "11".getBytes(StandardCharsets.UTF_8));
        Path future = Files.writeString(dir.resolve(temp("c")), "clock skew");
        Files.setLastModifiedTime(future, FileTime.from(Instant.now().plus(Duration.ofHours(1))));

        SweepReport hour = TempFileJanitor.sweep(dir, Duration.ofHours(1));
        assertThat(hour.deletedCount()).isZero();
        assertThat(hour.skippedYoung()).isEqualTo(3);

        SweepReport byDefault = TempFileJanitor.sweep(dir);
        assertThat(byDefault.deleted()).containsExactly(elevenMinutes);
        assertThat(byDefault.skippedYoung()).isEqualTo(2);
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder(nineMinutes.getFileName().toString(),
                future.getFileName().toString());

        SweepReport fiveMinutes = TempFileJanitor.sweep(dir, Duration.ofMinutes(5));
        assertThat(fiveMinutes.deleted()).containsExactly(nineMinutes);
        assertThat(TestSupport.names(dir)).containsExactly(future.getFileName().toString());
    }

    @Test
    void undeletableOrphanIsLoggedAndReportedAndTheSweepGoesOn() throws Exception {
        assumeTrue(TestSupport.isRoot(), "root bypasses permission bits; chattr +i needs root");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Path stuck = orphan(locked, "registry.json", "stuck".getBytes(StandardCharsets.UTF_8));
        Path free = Files.createDirectory(dir.resolve("free"));
        Path first = orphan(dir, "a.json", new byte[3]);
        Path second = orphan(free, "b.json", new byte[4]);
        assumeTrue(TestSupport.works("chattr", "+i", locked.toString()), "chattr +i not supported here");
        SweepReport[] report = new SweepReport[1];
        String log;
        try {
            log = stderrOf(() -> report[0] = TempFileJanitor.sweep(dir));
        } finally {
            TestSupport.run("chattr", "-i", locked.toString());
        }

        assertThat(report[0].failed()).containsExactly(new SweepReport.Failure(stuck, "Operation not permitted"));
        assertThat(report[0].failedCount()).isEqualTo(1);
        assertThat(report[0].deleted()).containsExactlyInAnyOrder(first, second);
        assertThat(report[0].bytesReclaimed()).isEqualTo(7);
        assertThat(log).contains("WARN").contains(stuck.toString()).contains("Operation not permitted");
        assertThat(Files.readString(stuck)).isEqualTo("stuck");
        assertThat(TestSupport.names(free)).isEmpty();
    }

    @Test
    void startupAfterFiftyCrashesLeavesACleanWorkspace() throws IOException {
        Path workspace = Files.createDirectory(dir.resolve("claude-code-server-workspace"));
        Path jobs = Files.createDirectory(workspace.resolve("jobs"));
        Map<String, String> expected = new TreeMap<>();
        int crashes = 0;
        for (int job = 0; job < 10; job++) {
            Path jobDir = Files.createDirectory(jobs.resolve("job-" + job));
            String json = "{\"id\":" + job + ",\"status\":\"done\"}";
            AtomicFiles.writeString(jobDir.resolve(".job.json"), json);
            for (int k = 0; k < 4; k++, crashes++) {
                orphan(jobDir, ".job.json", json.substring(0, k * 3).getBytes(StandardCharsets.UTF_8));
            }
        }
        AtomicFiles.writeString(workspace.resolve("statistics.json"), "{\"jobs\":10}");
        AtomicFiles.writeString(workspace.resolve("repositories.json"), "[\"r1\",\"r2\"]");
        for (int k = 0; k < 5; k++, crashes += 2) {
            orphan(workspace, "statistics.json", "{\"jo".getBytes(StandardCharsets.UTF_8));
            age(Files.write(workspace.resolve(temp("repositories.json")), new byte[k]), Duration.ofHours(k + 1));
        }
        assertThat(crashes).isEqualTo(50);
        for (Map.Entry<String, String> e : tree(workspace).entrySet()) {
            if (!e.getKey().contains(".tmp.")) {
                expected.put(e.getKey(), e.getValue());
            }
        }

        SweepReport report = TempFileJanitor.sweep(workspace);

        assertThat(report.deletedCount()).isEqualTo(50);
        assertThat(report.failed()).isEmpty();
        assertThat(tree(workspace)).isEqualTo(expected);
        assertThat(AtomicFiles.readString(jobs.resolve("job-7/.job.json"))).isEqualTo("{\"id\":7,\"status\":\"done\"}");
    }

    @Test
    void doesNotDescendIntoAnotherFileSystem() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a tmpfs needs root");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        TestSupport.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        try {
            Path foreign = orphan(mnt, "other.json", new byte[2]);
            Path local = orphan(dir, "local.json", new byte[1]);

            SweepReport report = TempFileJanitor.sweep(dir);

            assertThat(report.deleted()).containsExactly(local);
            assertThat(foreign).exists();
        } finally {
            TestSupport.run("umount", mnt.toString());
        }
    }

    @Test
    void scheduledJanitorSweepsSurvivesFailuresAndStopsOnClose() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path young = Files.writeString(root.resolve(temp("live.json")), "live");
        Path first = orphan(root, "a.json", new byte[1]);
        TempFileJanitor janitor = TempFileJanitor.start(root, Duration.ofMillis(20), TempFileJanitor.DEFAULT_MIN_AGE);
        try {
            awaitGone(first);
            assertThat(young).hasContent("live");
            Files.delete(young);
            Files.delete(root);
            Thread.sleep(100);
            Files.createDirectory(root);
            awaitGone(orphan(root, "b.json", new byte[1]));
        } finally {
            janitor.close();
        }
        janitor.close();
        Path afterClose = orphan(root, "c.json", new byte[1]);
        Thread.sleep(200);
        assertThat(afterClose).exists();
    }

    private static void awaitGone(Path p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(p).as("swept within 10 s").doesNotExist();
    }

    @Test
    void rejectsBadArguments() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> TempFileJanitor.sweep(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> TempFileJanitor.sweep(file)).isInstanceOf(NotDirectoryException.class);
        assertThatThrownBy(() -> TempFileJanitor.sweep(dir, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TempFileJanitor.sweep(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TempFileJanitor.start(dir, Duration.ZERO, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TempFileJanitor.start(dir.resolve("missing"), Duration.ofSeconds(1),
                Duration.ofMinutes(1))).isInstanceOf(NoSuchFileException.class);
        assertThat(file).hasContent("x");
    }

    @Test
    void followsARootThatIsASymbolicLink() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Path o = orphan(real, "a.json", new byte[4]);

        SweepReport report = TempFileJanitor.sweep(link);

        assertThat(report.deletedCount()).isEqualTo(1);
        assertThat(o).doesNotExist();
        assertThat(link).isSymbolicLink();
    }

    @Test
    void patternMatchesTheNamesWritersReallyUse() throws IOException {
        String longName = "n".repeat(255);
        for (String name : List.of(".job.json", "statistics.json", longName, "é".repeat(127))) {
            Path target = dir.resolve(name);
            try (AtomicOutputStream out = AtomicFiles.newOutputStream(target, WriteOptions.defaults())) {
                List<String> temps = TestSupport.temps(dir);
                assertThat(temps).hasSize(1);
                String tempName = temps.get(0);
                assertThat(TempPattern.isTempName(tempName)).isTrue();
                assertThat(TempPattern.isTempOf(Path.of(tempName), target.getFileName())).isTrue();
                assertThat(TempPattern.isTempOf(Path.of(tempName), Path.of("x" + name))).isFalse();
                assertThat(tempName.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
                out.write(1);
            }
        }
        String uuid = "0123abcd-0000-4000-8000-00000000cafe";
        assertThat(TempPattern.isTempOf(Path.of(".job.json.tmp." + uuid), Path.of(".job.json"))).isTrue();
        assertThat(TempPattern.isTempOf(Path.of(".job.js.tmp." + uuid), Path.of(".job.json"))).isFalse();
        assertThat(TempPattern.isTempOf(Path.of("n".repeat(255 - 41) + ".tmp." + uuid), Path.of(longName))).isTrue();
        assertThat(TempPattern.isTempOf(Path.of("n".repeat(255 - 42) + ".tmp." + uuid), Path.of(longName))).isFalse();
        // 127 two-byte characters: 254 bytes, cut to 214 bytes = 107 whole characters
        assertThat(TempPattern.isTempOf(Path.of("é".repeat(107) + ".tmp." + uuid), Path.of("é".repeat(127)))).isTrue();
    }

    @Test
    void patternRejectsLookAlikes() {
        String uuid = UUID.randomUUID().toString();
        assertThat(TempPattern.isTempName("a.tmp." + uuid)).isTrue();
        assertThat(TempPattern.isTempName("a.tmp." + uuid + ".tmp." + uuid)).isTrue();
        assertThat(TempPattern.isTempOf(Path.of("a.tmp." + uuid + ".tmp." + uuid), Path.of("a.tmp." + uuid))).isTrue();
        String hexOnly = "00000000-0000-0000-0000-000000000000.tmp.abcdef01-2345-6789-abcd-ef0123456789";
        assertThat(TempPattern.isTempName(hexOnly)).isTrue();
        for (String name : List.of(".tmp." + uuid, "notes.tmp.txt", "x.tmp.not-a-uuid",
                "x.tmp." + uuid.toUpperCase(), "x.tmp." + uuid + "0", "x.tmp." + uuid.substring(1),
                "x.tmq." + uuid, "x.tmp." + uuid.replace('-', '_'), "x.tmp.g" + uuid.substring(1), "", "x")) {
            assertThat(TempPattern.isTempName(name)).as(name).isFalse();
        }
        assertThat(TempPattern.isTempOf(Path.of("notes.tmp.txt"), Path.of("notes"))).isFalse();
    }

    @Test
    void isTempFileTestsTheLastNameOnly() {
        String uuid = UUID.randomUUID().toString();
        assertThat(TempFileJanitor.isTempFile(Path.of("/srv/jobs/.job.json.tmp." + uuid))).isTrue();
        assertThat(TempFileJanitor.isTempFile(Path.of("job.json.tmp." + uuid))).isTrue();
        assertThat(TempFileJanitor.isTempFile(Path.of("/srv/a.tmp." + uuid + "/job.json"))).as("a temp-named directory above")
                .isFalse();
        assertThat(TempFileJanitor.isTempFile(Path.of("/srv/.tmp." + uuid))).as("no name before .tmp.").isFalse();
        assertThat(TempFileJanitor.isTempFile(Path.of("/srv/x.tmp." + uuid.toUpperCase()))).isFalse();
        assertThat(TempFileJanitor.isTempFile(Path.of("/"))).as("no file name at all").isFalse();
    }
}
