package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.durafile.SnapshotDirectory;
import dev.durafile.TestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot directories: a generation published whole, byte for byte; old ones pruned as asked; bad
 * input refused with nothing published; readers in threads and in another process that resolve the
 * link once never see two generations or a missing file during 1000 publishes; and a SIGKILL at every
 * system call of a publish leaves the previous or the new generation current, complete, with nothing
 * the next publish does not remove.
 */
class SnapshotDirectoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotDirectoryTest.class);

    @TempDir
    Path dir;

    private Path link;

    @BeforeEach
    void privateParent() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        link = dir.resolve("config");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> generations() throws IOException {
        List<String> g = new ArrayList<>();
        for (String n : TestSupport.names(dir)) {
            if (n.startsWith(".config.gen-")) {
                g.add(n);
            }
        }
        return g;
    }

    @Test
    void eachPublishIsTheWholeNewGenerationByteForByte() throws Exception {
        SnapshotDirectory s = SnapshotDirectory.open(link);
        Path first = s.publish(Map.of("app.json", bytes("{\"v\":1}"), "ca.pem", bytes("cert 1")));
        assertThat(s.current()).isEqualTo(first);
        assertThat(Files.readSymbolicLink(link)).isEqualTo(first.getFileName());
        Path source = Files.write(dir.resolveSibling(dir.getFileName() + "-source.pem"), bytes("cert 2"));
        Path second = s.publish(files -> {
            files.write("app.json", out -> out.write(bytes("{\"v\":2}")));
            files.copy("certs/ca.pem", source);
        });
        assertThat(s.current()).isEqualTo(second);
        assertThat(Files.readAllBytes(link.resolve("app.json"))).isEqualTo(bytes("{\"v\":2}"));
        assertThat(Files.readAllBytes(link.resolve("certs/ca.pem"))).isEqualTo(bytes("cert 2"));
        assertThat(link.resolve("ca.pem")).doesNotExist();
        assertThat(Files.readAllBytes(first.resolve("ca.pem"))).as("the previous generation is kept")
                .isEqualTo(bytes("cert 1"));
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder(".config.lock", "config",
                first.getFileName().toString(), second.getFileName().toString());
        Files.delete(source);
    }

    @Test
    void oldGenerationsArePrunedToTheCurrentAndTheKeptOnes() throws Exception {
        SnapshotDirectory s = SnapshotDirectory.open(link).keep(2, Duration.ZERO);
        List<Path> published = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            published.add(s.publish(Map.of("n", bytes("gen " + i))));
        }
        assertThat(generations()).containsExactly(published.get(3).getFileName().toString(),
                published.get(4).getFileName().toString(), published.get(5).getFileName().toString());
        SnapshotDirectory graceful = SnapshotDirectory.open(link).keep(1, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            graceful.publish(Map.of("n", bytes("more " + i)));
        }
        assertThat(generations()).as("replaced within the grace period: kept").hasSize(6);
    }

    @Test
    void aPublishThatFailsLeavesThePreviousGenerationCurrentAndNothingElse() throws Exception {
        SnapshotDirectory s = SnapshotDirectory.open(link);
        Path first = s.publish(Map.of("a", bytes("one")));
        List<String> before = TestSupport.names(dir);
        assertThatThrownBy(() -> s.publish(files -> {
            files.write("a", bytes("two"));
            throw new IOException("the body failed");
        })).hasMessage("the body failed");
        assertThatThrownBy(() -> s.publish(Map.of("../escape", bytes("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../escape");
        assertThatThrownBy(() -> s.publish(files -> {
            files.write("a", bytes("x"));
            files.write("a", bytes("y"));
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("written twice in one generation: a");
        for (String bad : List.of("/abs", "", "a//b", "./a")) {
            assertThatThrownBy(() -> s.publish(Map.of(bad, bytes("x")))).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(s.current()).isEqualTo(first);
        assertThat(TestSupport.names(dir)).isEqualTo(before);
        assertThat(dir.resolveSibling("escape")).doesNotExist();
    }

    @Test
    void aLinkThatIsADirectoryOrADirectoryOthersCanWriteIsRefused() throws Exception {
        Files.createDirectory(link);
        assertThatThrownBy(() -> SnapshotDirectory.open(link)).isInstanceOf(FileSystemException.class)
                .hasMessageContaining(link + ": open snapshot directory failed: it is not a symbolic link");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> SnapshotDirectory.open(shared.resolve("config")))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("writable by its group or others");
    }

    @Test
    void readersThatResolveTheLinkOnceNeverSeeAMixOrAMissingFileDuring1000Publishes() throws Exception {
        SnapshotDirectory s = SnapshotDirectory.open(link);
        s.publish(Map.of("a.txt", bytes("0"), "b.txt", bytes("0")));
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<String> failures = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread r = new Thread(() -> {
                while (!done.get()) {
                    try {
                        Path gen = link.toRealPath();
                        String a = Files.readString(gen.resolve("a.txt"));
                        String b = Files.readString(gen.resolve("b.txt"));
                        if (!a.equals(b)) {
                            throw new AssertionError("mixed generations: " + a + " and " + b);
                        }
                        reads.incrementAndGet();
                    } catch (IOException | AssertionError e) {
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            });
            r.start();
            readers.add(r);
        }
        Process other = new ProcessBuilder("python3", "-c", String.join("\n",
                "import os, sys, time",
                "link, reads, bad = sys.argv[1], 0, []",
                "while not os.path.exists(link + '.stop'):",
                "    try:",
                "        g = os.path.realpath(link)",
                "        a = open(os.path.join(g, 'a.txt')).read()",
                "        b = open(os.path.join(g, 'b.txt')).read()",
                "        reads += 1",
                "        if a != b: bad.append('mixed ' + a + ' ' + b)",
                "    except OSError as e: bad.append(str(e))",
                "print(reads, len(bad), bad[:3])"), link.toString()).redirectErrorStream(true).start();
        for (int i = 1; i <= 1000; i++) {
            s.publish(Map.of("a.txt", bytes(Integer.toString(i)), "b.txt", bytes(Integer.toString(i))));
        }
        done.set(true);
        for (Thread r : readers) {
            r.join();
        }
        Files.createFile(dir.resolve("config.stop"));
        String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(other.waitFor()).as(out).isZero();
        LOG.info("1000 publishes: {} reads in threads, other process (reads, failures): {}", reads.get(), out);
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(out).matches("[1-9]\\d* 0 \\[\\]");
        assertThat(Files.readString(link.resolve("a.txt"))).isEqualTo("1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void aKillAtEverySystemCallOfAPublishLeavesOneWholeGenerationAndTheNextPublishCleansUp(String backend)
            throws Exception {
        List<String> violations = killEverywhere(dir, "snapshot", List.of("-Ddurafile.backend=" + backend), false);
        assertThat(violations).isEmpty();
    }

    @Test
    void negativeControlRewritingTheCurrentGenerationInPlaceIsCaught() throws Exception {
        assertThat(killEverywhere(dir, "naive-snapshot", List.of("-Ddurafile.backend=jna"), true))
                .anyMatch(v -> v.contains("not one whole version"));
    }

    /**
     * @param dir a directory of this user's alone, holding the link {@code config}
     * @param flags the child JVM's flags (the backend)
     * @param writesOnly kill only at the writes (where the negative control's damage happens)
     * @return the violations of a publish by {@code writer} killed at each of its system calls
     */
    static List<String> killEverywhere(Path dir, String writer, List<String> flags, boolean writesOnly)
            throws Exception {
        InjectedCrash.assumeStrace();
        Path link = dir.resolve("config");
        SnapshotDirectory s = SnapshotDirectory.open(link).keep(1, Duration.ZERO);
        reset(dir, s);
        List<InjectedCrash.Point> points = InjectedCrash.enumerateAsIs(dir, writer, link, flags);
        if (writesOnly) {
            points.removeIf(p -> p.syscall == null || !p.syscall.equals("write"));
        }
        List<String> violations = new ArrayList<>();
        for (InjectedCrash.Point p : points) {
            reset(dir, s);
            InjectedCrash.Outcome o = InjectedCrash.run(dir, writer, link, 1, p, flags);
            String v = whole(s.current(), o.acked ? 1 : 0);
            if (v == null && !writesOnly) {
                Path next = s.publish(Map.of("a.json", Versions.content(2), "b.json", Versions.content(2),
                        "certs/c.pem", Versions.content(2)));
                List<String> left = new ArrayList<>(TestSupport.names(dir));
                left.removeIf(n -> n.equals("config") || n.equals(".config.lock") || n.startsWith("strace")
                        || n.startsWith("child.") || n.equals(next.getFileName().toString()));
                if (left.size() > 1) {
                    v = "after the next publish, more than the one kept generation is left: " + left;
                }
            }
            if (v != null) {
                violations.add(p + ": " + v);
            }
        }
        LOG.info("{} {}: {} kill points, {} violations", writer, flags, points.size(), violations.size());
        assertThat(points.size()).isGreaterThan(3);
        return violations;
    }

    /** Leaves only generation 0, current. */
    private static void reset(Path dir, SnapshotDirectory s) throws IOException {
        for (String n : TestSupport.names(dir)) {
            if (n.startsWith(".config") || n.startsWith("config")) {
                Path p = dir.resolve(n);
                try (var all = Files.walk(p)) {
                    for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(x);
                    }
                }
            }
        }
        s.publish(Map.of("a.json", Versions.content(0), "b.json", Versions.content(0),
                "certs/c.pem", Versions.content(0)));
    }

    /** @return null if {@code gen} holds the three files of one version, at least {@code atLeast} */
    static String whole(Path gen, long atLeast) throws IOException {
        long first = -1;
        for (String n : List.of("a.json", "b.json", "certs/c.pem")) {
            Path f = gen.resolve(n);
            if (!Files.exists(f)) {
                return n + " missing in the current generation";
            }
            long v = Versions.versionOf(Files.readAllBytes(f));
            if (v < 0 || first >= 0 && v != first) {
                return "the current generation is not one whole version (" + n + ": " + v + ")";
            }
            first = v;
        }
        return first < atLeast ? "rolled back to version " + first : null;
    }
}
