package dev.durafile.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.durafile.ChildJvm;
import dev.durafile.SymlinkPolicy;
import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import dev.durafile.json.CounterChild.Counter;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonFilesTest {
    private static final String OLD = "{\n  \"count\" : 41\n}";

    @TempDir
    Path dir;

    record Point(String name, int x, List<Integer> tags) {
    }

    /** Serializes a megabyte, then fails: some bytes reach the temp file before the failure. */
    @JsonPropertyOrder({"big", "broken"})
    static final class Exploding {
        public String getBig() {
            return "x".repeat(1 << 20);
        }

        public String getBroken() {
            throw new IllegalStateException("getter exploded");
        }
    }

    @Test
    void writesIndentedJsonAndReadsItBack() throws IOException {
        Path file = dir.resolve("point.json");
        JsonFiles.write(file, new Point("a", 1, List.of(2, 3)));
        assertThat(Files.readString(file)).isEqualTo("{\n  \"name\" : \"a\",\n  \"x\" : 1,\n  \"tags\" : [ 2, 3 ]\n}");
        assertThat(JsonFiles.read(file, Point.class)).isEqualTo(new Point("a", 1, List.of(2, 3)));
        assertThat(TestSupport.names(dir)).containsExactly("point.json");
    }

    @Test
    void writesWithGivenMapperAndOptionsReplacingOldContent() throws IOException {
        Path file = dir.resolve("counter.json");
        Files.writeString(file, OLD);
        WriteOptions ownerOnly = WriteOptions.builder().permissions(PosixFilePermissions.fromString("rw-------")).build();
        JsonFiles.write(file, new Counter(42), new ObjectMapper(), ownerOnly);
        assertThat(Files.readString(file)).isEqualTo("{\"count\":42}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(JsonFiles.read(file, Counter.class, new ObjectMapper())).isEqualTo(new Counter(42));
        assertThat(TestSupport.names(dir)).containsExactly("counter.json");
    }

    @Test
    void failingSerializerPublishesNothingAndLeavesNoTemp() throws IOException {
        Path existing = dir.resolve("existing.json");
        Files.writeString(existing, OLD);
        assertThatThrownBy(() -> JsonFiles.write(existing, new Exploding()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(existing + ": cannot serialize " + Exploding.class.getName())
                .hasCauseInstanceOf(JsonProcessingException.class)
                .hasRootCauseMessage("getter exploded");
        Path fresh = dir.resolve("fresh.json");
        assertThatThrownBy(() -> JsonFiles.write(fresh, new Exploding())).hasMessageStartingWith(fresh.toString());
        assertThat(Files.readString(existing)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("existing.json");
    }

    @Test
    void nullValueIsRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> JsonFiles.write(dir.resolve("n.json"), null)).isInstanceOf(NullPointerException.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void readingMissingFileThrowsNoSuchFile() {
        Path file = dir.resolve("missing.json");
        assertThatThrownBy(() -> JsonFiles.read(file, Counter.class))
                .isInstanceOf(NoSuchFileException.class).hasMessage(file.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   \n",
        "\u0000\u0000\u0000\u0000",
        "{\n  \"count\" : 4",
        "{\n  \"count\" : 41\n",
        "{\"count\":41}{\"count\":42}",
        "{\"count\":41} garbage",
        "{\"count\":\"many\"}",
        "[41]",
        "\"41\" \"42\""
    })
    void corruptContentIsAnIOExceptionNamingTheFile(String content) throws IOException {
        Path file = dir.resolve("counter.json");
        Files.writeString(file, content);
        assertThatThrownBy(() -> JsonFiles.read(file, Counter.class))
                .isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": not a valid JSON " + Counter.class.getName() + ": ")
                .hasCauseInstanceOf(JsonProcessingException.class);
    }

    @Test
    void literalNullIsAnIOExceptionNamingTheFile() throws IOException {
        Path file = dir.resolve("counter.json");
        Files.writeString(file, " null\n");
        assertThatThrownBy(() -> JsonFiles.read(file, Counter.class))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage(file + ": holds JSON null, not a " + Counter.class.getName());
    }

    @Test
    void updateCreatesFromInitialValueAndKeepsAnEmptyLockFile() throws IOException {
        Path file = dir.resolve("counter.json");
        assertThat(JsonFiles.update(file, Counter.class, () -> new Counter(10), Counter::next)).isEqualTo(new Counter(11));
        assertThat(JsonFiles.update(file, Counter.class, Counter::next)).isEqualTo(new Counter(12));
        assertThat(Files.readString(file)).isEqualTo("{\n  \"count\" : 12\n}");
        assertThat(TestSupport.names(dir)).containsExactly("counter.json", "counter.json.lock");
        assertThat(Files.size(dir.resolve("counter.json.lock"))).isZero();
        // other users cannot open it, so none of them can hold a lock on it and stall the updates
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("counter.json.lock")))).endsWith("---");
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void updateWithoutInitialValueNeedsAnExistingFile() {
        Path file = dir.resolve("counter.json");
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                .isInstanceOf(NoSuchFileException.class).hasMessage(file.toString());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void updateInMissingDirectoryThrowsNoSuchFile() {
        Path file = dir.resolve("absent").resolve("counter.json");
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, () -> new Counter(0), Counter::next))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(dir).isEmptyDirectory();
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void failingOperatorChangesNothingAndReleasesTheLocks() throws IOException {
        Path file = dir.resolve("counter.json");
        Files.writeString(file, OLD);
        IllegalStateException failure = new IllegalStateException("operator failed");
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, c -> {
            throw failure;
        })).isSameAs(failure);
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, c -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("operator returned null for " + file);
        assertThat(Files.readString(file)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("counter.json", "counter.json.lock");
        assertThat(JsonFiles.update(file, Counter.class, Counter::next)).isEqualTo(new Counter(42));
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void corruptFileIsNeverOverwrittenByUpdate() throws IOException {
        Path file = dir.resolve("counter.json");
        Files.writeString(file, "{\"count\":4");
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, () -> new Counter(0), Counter::next))
                .isExactlyInstanceOf(IOException.class).hasMessageStartingWith(file + ": not a valid JSON");
        assertThat(Files.readString(file)).isEqualTo("{\"count\":4");
    }

    @Test
    void eightThreadsIncrementExactly2000Times() throws Exception {
        Path file = dir.resolve("counter.json");
        List<Long> seen = runConcurrently(8, 250, () -> file);
        assertThat(JsonFiles.read(file, Counter.class)).isEqualTo(new Counter(2000));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 2000).boxed().toList());
        assertThat(TestSupport.names(dir)).containsExactly("counter.json", "counter.json.lock");
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void pathsThroughDirectorySymlinksShareTheLocks() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        List<Path> viaEither = List.of(real.resolve("counter.json"), link.resolve("counter.json"),
                dir.resolve("real/../link/./counter.json"));
        List<Long> seen = runConcurrently(6, 100, roundRobin(viaEither));
        assertThat(JsonFiles.read(real.resolve("counter.json"), Counter.class)).isEqualTo(new Counter(600));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 600).boxed().toList());
        assertThat(TestSupport.names(real)).containsExactly("counter.json", "counter.json.lock");
    }

    @Test
    void dotDotAfterASymlinkIsResolvedAsTheKernelDoesSoBothSpellingsShareTheLock() throws Exception {
        // link -> a/b, so link/.. is a (the kernel's answer), not the directory holding link (normalize's)
        Path a = Files.createDirectories(dir.resolve("a/b")).getParent();
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a/b"));
        List<Path> spellings = List.of(a.resolve("counter.json"), dir.resolve("link/../counter.json"));
        List<Long> seen = runConcurrently(6, 50, roundRobin(spellings));
        assertThat(JsonFiles.read(a.resolve("counter.json"), Counter.class)).isEqualTo(new Counter(300));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
        assertThat(TestSupport.names(a)).containsExactly("b", "counter.json", "counter.json.lock");
        assertThat(TestSupport.names(dir)).containsExactly("a", "link");
    }

    @Test
    void aBindMountOfTheDirectorySharesTheLockAndDoesNotOverlap() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestSupport.isRoot(), "a bind mount needs root");
        Path a = Files.createDirectory(dir.resolve("a"));
        Path bind = Files.createDirectory(dir.resolve("bind"));
        TestSupport.run("mount", "--bind", a.toString(), bind.toString());
        try {
            List<Long> seen = runConcurrently(6, 50, roundRobin(List.of(a.resolve("counter.json"),
                    bind.resolve("counter.json"))));
            assertThat(JsonFiles.read(a.resolve("counter.json"), Counter.class)).isEqualTo(new Counter(300));
            assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
            assertThat(TestSupport.names(a)).containsExactly("counter.json", "counter.json.lock");
        } finally {
            TestSupport.run("umount", bind.toString());
        }
    }

    @Test
    void aSymlinkedFileSharesTheLockOfItsTarget() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("counter.json"), Path.of("real/counter.json"));
        List<Long> seen = runConcurrently(6, 50, roundRobin(List.of(real.resolve("counter.json"),
                dir.resolve("counter.json"))));
        assertThat(JsonFiles.read(real.resolve("counter.json"), Counter.class)).isEqualTo(new Counter(300));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
        assertThat(TestSupport.names(real)).containsExactly("counter.json", "counter.json.lock");
        assertThat(Files.isSymbolicLink(dir.resolve("counter.json"))).isTrue();
    }

    /** @return the spellings handed to successive threads in turn */
    private static Callable<Path> roundRobin(List<Path> spellings) {
        int[] next = {0};
        return () -> {
            synchronized (next) {
                return spellings.get(next[0]++ % spellings.size());
            }
        };
    }

    /** Runs {@code threads} threads, each making {@code times} increments of the file it is handed. */
    private static List<Long> runConcurrently(int threads, int times, Callable<Path> fileForThread) throws Exception {
        ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Path file = fileForThread.call();
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < times; i++) {
                        seen.add(JsonFiles.update(file, Counter.class, () -> new Counter(0), Counter::next).count());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(seen);
    }

    @Test
    void twoProcessesIncrementExactly1000Times() throws Exception {
        Path file = dir.resolve("counter.json");
        List<List<Long>> perChild = new ArrayList<>();
        try (ChildJvm a = ChildJvm.start(dir.resolve("a.err"), CounterChild.class, file.toString(), "500");
                ChildJvm b = ChildJvm.start(dir.resolve("b.err"), CounterChild.class, file.toString(), "500")) {
            a.awaitLine("ready", 30_000);
            b.awaitLine("ready", 30_000);
            a.send("go");
            b.send("go");
            for (ChildJvm child : List.of(a, b)) {
                String done = child.awaitLine("done", 60_000);
                assertThat(child.awaitExit(10_000)).as(child.stderr()).isZero();
                perChild.add(Arrays.stream(done.substring("done ".length()).split(" "))
                        .map(Long::valueOf).collect(Collectors.toList()));
            }
        }
        assertThat(JsonFiles.read(file, Counter.class)).isEqualTo(new Counter(1000));
        List<Long> all = new ArrayList<>(perChild.get(0));
        all.addAll(perChild.get(1));
        assertThat(all).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
        // the updates interleaved, so the file lock (not luck of timing) kept them apart
        assertThat(perChild.get(0).get(0)).isLessThan(perChild.get(1).get(499));
        assertThat(perChild.get(1).get(0)).isLessThan(perChild.get(0).get(499));
        assertThat(TestSupport.temps(dir)).isEmpty();
    }

    @Test
    void aSymlinkPlantedAsTheLockFileIsNeverFollowed() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, OLD);
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path victim = Files.writeString(elsewhere.resolve("victim"), "victim's");
        Path lock = Files.createSymbolicLink(dir.resolve("state.json.lock"), victim);
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(lock + ": open lock file failed: it is a symbolic link, which is never followed (someone"
                        + " who can write this directory put it there)");
        Files.delete(lock);
        Files.createSymbolicLink(lock, elsewhere.resolve("created"));
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("symbolic link");
        assertThat(TestSupport.names(elsewhere)).containsExactly("victim");
        assertThat(Files.readString(victim)).isEqualTo("victim's");
        assertThat(Files.readString(file)).isEqualTo(OLD);
        Files.delete(lock);
        TestSupport.run("mkfifo", lock.toString());
        assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(lock + ": open lock file failed: it is not a regular file (a directory, FIFO, device or"
                        + " socket)");
        assertThat(Files.readString(file)).isEqualTo(OLD);
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void aFailedNestedUpdateLeavesTheOuterOneHoldingItsLockBetweenProcesses() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, OLD);
        Path lock = dir.resolve("state.json.lock");
        // python's lockf is the fcntl record lock FileChannel.lock takes; -n: fail at once if held
        String probe = "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                + " print('free')\nexcept OSError:\n print('held')\n";
        List<String> seen = new ArrayList<>();
        Counter written = JsonFiles.update(file, Counter.class, c -> {
            try {
                seen.add(TestSupport.run("python3", "-c", probe, lock.toString()).trim());
                assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                        .isInstanceOf(OverlappingFileLockException.class);
                seen.add(TestSupport.run("python3", "-c", probe, lock.toString()).trim());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return c.next();
        });
        assertThat(seen).containsExactly("held", "held");
        assertThat(written).isEqualTo(new Counter(42));
        assertThat(JsonFiles.read(file, Counter.class)).isEqualTo(new Counter(42));
        assertThat(TestSupport.run("python3", "-c", probe, lock.toString()).trim()).isEqualTo("free");
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void replaceNeverReadsThroughASymlinkAndNothingIsCreatedForAFileThatCannotBeUpdated() throws Exception {
        Path secret = Files.writeString(Files.createDirectory(dir.resolve("secret")).resolve("root.json"),
                "{\"count\" : 7}");
        Path data = Files.createDirectory(dir.resolve("data"));
        Path link = Files.createSymbolicLink(data.resolve("state.json"), secret);
        WriteOptions replace = WriteOptions.builder().symlinkPolicy(SymlinkPolicy.REPLACE).build();
        ObjectMapper mapper = new ObjectMapper();
        assertThatThrownBy(() -> JsonFiles.update(link, Counter.class, () -> new Counter(0), Counter::next, mapper,
                replace)).isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(link + ": update failed: it is a symbolic link, which SymlinkPolicy.REPLACE never reads"
                        + " through");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(TestSupport.names(data)).containsExactly("state.json");
        assertThat(Files.readString(secret)).isEqualTo("{\"count\" : 7}");

        Path fifo = data.resolve("fifo.json");
        TestSupport.run("mkfifo", fifo.toString());
        assertThatThrownBy(() -> JsonFiles.update(fifo, Counter.class, Counter::next))
                .isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(fifo + ": update failed: it is not a regular file (a FIFO, device or socket)");
        assertThatThrownBy(() -> JsonFiles.read(fifo, Counter.class))
                .isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(fifo + ": read failed: it is not a regular file (a FIFO, device or socket)");
        Path sub = Files.createDirectory(data.resolve("sub"));
        assertThatThrownBy(() -> JsonFiles.update(sub, Counter.class, Counter::next))
                .isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(sub + ": update failed: it is not a regular file (a directory)");
        assertThatThrownBy(() -> JsonFiles.update(Path.of(""), Counter.class, Counter::next))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TestSupport.names(data)).containsExactly("fifo.json", "state.json", "sub");
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }

    @Test
    void aLockFileWithASecondHardLinkIsRefused() throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), OLD);
        Path b = Files.writeString(dir.resolve("b.json"), OLD);
        Path lock = Files.createFile(dir.resolve("a.json.lock"));
        Files.createLink(dir.resolve("b.json.lock"), lock);
        for (Path file : List.of(a, b)) {
            assertThatThrownBy(() -> JsonFiles.update(file, Counter.class, Counter::next))
                    .isExactlyInstanceOf(FileSystemException.class)
                    .hasMessage(file + ".lock: open lock file failed: it has 2 hard links, and a lock file must have"
                            + " one name only (someone who can write this directory made the others)");
            assertThat(Files.readString(file)).isEqualTo(OLD);
        }
        assertThat(JsonFiles.lockedFileCount()).isZero();
    }
}
