package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every backend must meet; one subclass per backend. Every assertion is on the bytes
 * and the directory listing, never just "no exception".
 */
abstract class AtomicFilesContract {
    static final byte[] OLD = "old content, complete".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new content, also complete and longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** @return the backend under test, as {@code Backends.load} names it */
    abstract String backend();

    Engine engine() {
        return new Engine(Backends.load(backend()));
    }

    private void write(Path target, byte[] data) throws IOException {
        engine().write(target, ByteBuffer.wrap(data), WriteOptions.defaults());
    }

    private void write(Path target, byte[] data, WriteOptions options) throws IOException {
        engine().write(target, ByteBuffer.wrap(data), options);
    }

    @Test
    void reportsItsBackend() {
        assertThat(engine().backendName()).isEqualTo(backend());
    }

    @Test
    void createsNewFileWithExactBytesAndLeavesNoTemp() throws IOException {
        Path target = dir.resolve("job.json");
        write(target, NEW);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("job.json");
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void replacesExistingFileAtEveryLevel(Durability level) throws IOException {
        Path target = dir.resolve("state.bin");
        Files.write(target, OLD);
        write(target, NEW, WriteOptions.builder().durability(level).build());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("state.bin");
    }

    @Test
    void writesEmptyContent() throws IOException {
        Path target = dir.resolve("empty");
        Files.write(target, OLD);
        write(target, new byte[0]);
        assertThat(Files.exists(target)).isTrue();
        assertThat(Files.size(target)).isZero();
        assertThat(TestSupport.names(dir)).containsExactly("empty");
    }

    @Test
    void writes16MiBByteForByte() throws IOException {
        byte[] big = new byte[16 * 1024 * 1024 + 7];
        new Random(42).nextBytes(big);
        Path target = dir.resolve("big.bin");
        Files.write(target, OLD);
        write(target, big);
        assertThat(Files.readAllBytes(target)).isEqualTo(big);
        assertThat(TestSupport.temps(dir)).isEmpty();
    }

    @Test
    void writesDirectBufferFromItsPosition() throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(NEW.length + 5);
        direct.put(new byte[5]).put(NEW).flip().position(5);
        Path target = dir.resolve("direct");
        engine().write(target, direct, WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(direct.hasRemaining()).isFalse();
    }

    @Test
    void streamingBodyPublishesOnReturnEvenIfItClosesTheStream() throws IOException {
        Path target = dir.resolve("stream.txt");
        Files.write(target, OLD);
        engine().write(target, WriteOptions.defaults(), out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                for (int i = 0; i < 10_000; i++) {
                    w.write("line " + i + "\n");
                }
            }
        });
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertThat(Files.readString(target)).isEqualTo(expected.toString());
        assertThat(TestSupport.names(dir)).containsExactly("stream.txt");
    }

    @Test
    void streamingBodyThatThrowsPublishesNothing() throws IOException {
        Path target = dir.resolve("stream.txt");
        Files.write(target, OLD);
        assertThatThrownBy(() -> engine().write(target, WriteOptions.defaults(), out -> {
            out.write(new byte[100_000]);
            throw new IOException("serializer failed");
        })).isInstanceOf(IOException.class).hasMessage("serializer failed");
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("stream.txt");
    }

    @Test
    void outputStreamPublishesOnlyOnCommit() throws IOException {
        Path target = dir.resolve("out.bin");
        Files.write(target, OLD);
        try (AtomicOutputStream out = engine().newOutputStream(target, WriteOptions.defaults())) {
            out.write(NEW, 0, 3);
            out.write(NEW[3]);
            out.write(NEW, 4, NEW.length - 4);
            out.flush();
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(TestSupport.temps(dir)).hasSize(1);
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("out.bin");
    }

    @Test
    void outputStreamClosedWithoutCommitDiscards() throws IOException {
        Path target = dir.resolve("out.bin");
        Files.write(target, OLD);
        try (AtomicOutputStream out = engine().newOutputStream(target, WriteOptions.defaults())) {
            out.write(NEW);
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("out.bin");
        Path absent = dir.resolve("never");
        engine().newOutputStream(absent, WriteOptions.defaults()).close();
        assertThat(TestSupport.names(dir)).containsExactly("out.bin");
    }

    @Test
    void outputStreamRefusesUseAfterCommit() throws IOException {
        Path target = dir.resolve("out.bin");
        AtomicOutputStream out = engine().newOutputStream(target, WriteOptions.defaults());
        out.write(NEW);
        out.commit();
        assertThatThrownBy(out::commit).isInstanceOf(IOException.class).hasMessageContaining("published");
        assertThatThrownBy(() -> out.write(OLD)).isInstanceOf(FileSystemException.class)
                .hasMessage(target + ": write failed: this write was already published");
        assertThatThrownBy(() -> out.write('x')).isInstanceOf(IOException.class).hasMessageContaining("published");
        assertThatThrownBy(out::flush).isInstanceOf(IOException.class).hasMessageContaining("published");
        out.close();
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);

        AtomicOutputStream discarded = engine().newOutputStream(target, WriteOptions.defaults());
        discarded.close();
        assertThatThrownBy(() -> discarded.write(OLD)).isInstanceOf(IOException.class).hasMessageContaining("discarded");
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("out.bin");
    }

    @Test
    void copiesCompleteFileWithSourcePermissions() throws IOException {
        byte[] data = new byte[3 * 64 * 1024 + 11];
        new Random(7).nextBytes(data);
        Path source = dir.resolve("session.md");
        Files.write(source, data);
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectory(dir.resolve("repo"));
        Path target = dir.resolve("repo/session.md");
        engine().copy(source, target, WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
        assertThat(TestSupport.names(dir.resolve("repo"))).containsExactly("session.md");
    }

    @Test
    void copyOfMissingSourceNamesTheSourceAndLeavesTargetIntact() throws IOException {
        Path target = dir.resolve("dst");
        Files.write(target, OLD);
        Path source = dir.resolve("no-such-source");
        assertThatThrownBy(() -> engine().copy(source, target, WriteOptions.defaults()))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(source.toString())
                .satisfies(e -> {
                    assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString());
                    assertThat(((FileSystemException) e).getReason())
                            .isEqualTo("open source " + source + " failed: No such file or directory (ENOENT)");
                });
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("dst");
    }

    @Test
    void preservesModeOfReplacedFileDespiteUmask() throws IOException {
        Path target = dir.resolve("config");
        Files.write(target, OLD);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
        write(target, NEW);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-rw-rw-");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r-----"));
        write(target, OLD);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("r--r-----");
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
    }

    @Test
    void appliesExplicitPermissionsExactly() throws IOException {
        Path target = dir.resolve("secret");
        Files.write(target, OLD);
        write(target, NEW, WriteOptions.builder()
                .permissions(PosixFilePermissions.fromString("rw-------")).build());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        Path fresh = dir.resolve("shared");
        write(fresh, NEW, WriteOptions.builder()
                .permissions(PosixFilePermissions.fromString("rw-rw-rw-")).build());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-rw-rw-");
    }

    @Test
    void newFileGetsUmaskDefault() throws IOException {
        Path reference = Files.createFile(dir.resolve("reference"));
        Path target = dir.resolve("fresh");
        write(target, NEW);
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    @Test
    void keepsOwnerAndGroupWhenRoot() throws IOException {
        assumeTrue(TestSupport.isRoot(), "needs root to chown the original to another user");
        Path target = dir.resolve("owned");
        Files.write(target, OLD);
        Files.setAttribute(target, "unix:uid", 4321);
        Files.setAttribute(target, "unix:gid", 4322);
        write(target, NEW);
        assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(4321);
        assertThat(Files.getAttribute(target, "unix:gid")).isEqualTo(4322);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
    }

    @Test
    void followsSymlinkChainToFinalTarget() throws IOException {
        Files.createDirectory(dir.resolve("real"));
        Path real = dir.resolve("real/data.json");
        Files.write(real, OLD);
        Path middle = Files.createSymbolicLink(dir.resolve("middle"), Path.of("real/data.json"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), middle.getFileName());
        write(link, NEW);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(middle)).isTrue();
        assertThat(Files.readAllBytes(real)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir.resolve("real"))).containsExactly("data.json");
        assertThat(TestSupport.names(dir)).containsExactly("link", "middle", "real");
    }

    @Test
    void followsDanglingSymlinkAndCreatesItsTarget() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("created-by-write"));
        write(link, NEW);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("created-by-write"))).isEqualTo(NEW);
    }

    @Test
    void replacePolicyReplacesTheLinkItself() throws IOException {
        Path real = dir.resolve("real");
        Files.write(real, OLD);
        Path link = Files.createSymbolicLink(dir.resolve("link"), real.getFileName());
        write(link, NEW, WriteOptions.builder().symlinkPolicy(SymlinkPolicy.REPLACE).build());
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readAllBytes(link)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(real)).isEqualTo(OLD);
    }

    @Test
    void symlinkLoopIsAClearError() throws IOException {
        Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
        assertThatThrownBy(() -> write(dir.resolve("a"), NEW))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("ELOOP");
        assertThat(TestSupport.names(dir)).containsExactly("a", "b");
    }

    @Test
    void nameAtNameMaxWorksAndLongerIsRefused() throws IOException {
        String longest = "n".repeat(250) + ".json";
        Path target = dir.resolve(longest);
        write(target, OLD);
        write(target, NEW);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly(longest);

        String multibyte = "é".repeat(127);
        write(dir.resolve(multibyte), NEW);
        assertThat(Files.readAllBytes(dir.resolve(multibyte))).isEqualTo(NEW);

        Path tooLong = dir.resolve("x".repeat(256));
        assertThatThrownBy(() -> write(tooLong, NEW))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("NAME_MAX");
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder(longest, multibyte);
    }

    @Test
    void missingParentIsNoSuchFileNamingTheDirectory() {
        Path missing = dir.resolve("no-such-dir");
        assertThatThrownBy(() -> write(missing.resolve("f"), NEW))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("open directory")
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(missing.resolve("f").toString()));
    }

    @Test
    void directoryAsTargetIsRefusedAndLeftIntact() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.write(sub.resolve("inside"), OLD);
        assertThatThrownBy(() -> write(sub, NEW))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(sub + ": write failed: target is a directory (EISDIR)");
        assertThat(Files.readAllBytes(sub.resolve("inside"))).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("sub");
    }

    /**
     * A path made from a {@code file:} URI can keep a trailing '/', which names a directory if anything:
     * refused before anything is opened, the file or directory there left as it was.
     */
    @Test
    void aPathEndingInASlashIsRefusedAndLeftIntact() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.write(sub.resolve("inside"), OLD);
        Path file = Files.write(dir.resolve("file"), OLD);
        for (String name : List.of("sub", "file")) {
            Path slashed = Path.of(URI.create(dir.toUri() + name + "//"));
            assertThat(slashed.toString()).isEqualTo(dir.resolve(name) + "/");
            assertThatThrownBy(() -> write(slashed, NEW))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessage(slashed + ": write failed: not a file path");
        }
        assertThat(Files.readAllBytes(sub.resolve("inside"))).isEqualTo(OLD);
        assertThat(Files.readAllBytes(file)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactlyInAnyOrder("sub", "file");
    }

    /** The same with a name that is not ASCII, which takes the JDK's own getFileName(). */
    @Test
    void aNonAsciiPathEndingInASlashIsRefusedAndLeftIntact() throws IOException {
        Path cafe = Files.write(Path.of(URI.create(dir.toUri() + "caf%C3%A9")), OLD);
        Path slashed = Path.of(URI.create(dir.toUri() + "caf%C3%A9//"));
        assertThatThrownBy(() -> write(slashed, NEW))
                .isInstanceOf(FileSystemException.class)
                .hasMessageEndingWith(": write failed: not a file path");
        assertThat(Files.readAllBytes(cafe)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).hasSize(1);
    }

    @Test
    void aFifoAsTargetIsRefusedUnopenedWithOneOperationNamed() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestSupport.run("mkfifo", fifo.toString());
        assertThatThrownBy(() -> write(fifo, NEW))
                .isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(fifo + ": write failed: target is not a regular file (a device, FIFO or socket)");
        assertThat(TestSupport.names(dir)).containsExactly("fifo");
    }

    @Test
    void nullAndEmptyArgumentsAreRejected() {
        assertThatThrownBy(() -> engine().write(null, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> engine().write(dir.resolve("x"), null, WriteOptions.defaults()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("data");
        assertThatThrownBy(() -> engine().write(dir.resolve("x"), ByteBuffer.wrap(NEW), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
        assertThatThrownBy(() -> write(Path.of(""), NEW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void relativePathResolvesAgainstWorkingDirectory() throws IOException {
        Path relative = Path.of("target", "contract-relative-" + backend() + ".txt");
        try {
            write(relative, NEW);
            assertThat(Files.readAllBytes(relative.toAbsolutePath())).isEqualTo(NEW);
        } finally {
            Files.deleteIfExists(relative);
        }
    }

    @Test
    void immutableDirectoryGivesAccessDeniedAndKeepsOriginal() throws Exception {
        assumeTrue(TestSupport.isRoot(), "root bypasses permission bits; chattr +i needs root");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Path target = locked.resolve("registry.json");
        Files.write(target, OLD);
        assumeTrue(TestSupport.works("chattr", "+i", locked.toString()), "chattr +i not supported here");
        try {
            assertThatThrownBy(() -> write(target, NEW))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(locked.toString());
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(TestSupport.names(locked)).containsExactly("registry.json");
        } finally {
            TestSupport.run("chattr", "-i", locked.toString());
        }
    }

    @Test
    void diskFullSurfacesEnospcKeepsOriginalAndLeavesNoTemp() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a tiny tmpfs needs root");
        Path mnt = Files.createDirectory(dir.resolve("tiny"));
        TestSupport.run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            Path target = mnt.resolve("statistics.json");
            Files.write(target, OLD);
            byte[] tooBig = new byte[1024 * 1024];
            assertThatThrownBy(() -> write(target, tooBig))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining(mnt.toString())
                    .hasMessageContaining("write")
                    .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                    .hasMessageContaining("statistics.json.tmp.")
                    .hasMessageContaining("No space left on device (ENOSPC)");
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(TestSupport.names(mnt)).containsExactly("statistics.json");
            // the space is really free again: a write that fits succeeds
            write(target, NEW);
            assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        } finally {
            TestSupport.run("umount", mnt.toString());
        }
    }

    @Test
    void aReadOnlyFileSystemNamesTheTargetAndTheTempItCouldNotCreate() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a read-only tmpfs needs root");
        Path mnt = Files.createDirectory(dir.resolve("ro"));
        TestSupport.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        try {
            Path target = mnt.resolve("t.txt");
            Files.write(target, OLD);
            TestSupport.run("mount", "-o", "remount,ro", mnt.toString());
            assertThatThrownBy(() -> write(target, NEW))
                    .isInstanceOf(FileSystemException.class)
                    .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                    .satisfies(e -> assertThat(((FileSystemException) e).getReason())
                            .startsWith("create temp file " + target + ".tmp.")
                            .contains(" failed: Read-only file system"));
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(TestSupport.names(mnt)).containsExactly("t.txt");
        } finally {
            TestSupport.run("umount", mnt.toString());
        }
    }

    @Test
    void aFailedCloseOfTheTempNamesTheTargetAndLeavesItIntact() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a FUSE file system needs root");
        assumeTrue(TestSupport.works("/usr/bin/python3", "-c", "import importlib.util, sys; sys.exit(0 if"
                + " importlib.util.find_spec('fuse') or importlib.util.find_spec('fusepy') else 1)"),
                "python3-fusepy is not installed");
        Path source = Files.createDirectory(dir.resolve("fuse-src"));
        Path mnt = Files.createDirectory(dir.resolve("fuse-mnt"));
        Process fs = new ProcessBuilder("/usr/bin/python3", "src/test/fuse/failing_close_fs.py", source.toString(),
                mnt.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("fuse.log").toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.readString(Path.of("/proc/self/mounts")).contains(mnt.toString()); i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(Path.of("/proc/self/mounts"))).as("FUSE mounted").contains(mnt.toString());
            Path target = mnt.resolve("registry.json");
            Files.write(target, OLD);
            for (Durability level : Durability.values()) {
                assertThatThrownBy(() -> write(target, NEW, WriteOptions.builder().durability(level).build()))
                        .isInstanceOf(FileSystemException.class)
                        .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                        .satisfies(e -> assertThat(((FileSystemException) e).getReason())
                                .startsWith("close " + target + ".tmp.")
                                .contains(" failed: Input/output error"));
                assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
                assertThat(TestSupport.names(mnt)).containsExactly("registry.json");
            }
        } finally {
            TestSupport.works("umount", mnt.toString());
            fs.destroy();
            fs.waitFor();
        }
    }

    @Test
    void aCopyFromAFifoIsRefusedInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestSupport.run("mkfifo", fifo.toString());
        Path target = dir.resolve("copy");
        java.util.concurrent.CompletableFuture<Throwable> copied = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                engine().copy(fifo, target, WriteOptions.defaults());
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(copied.get(10, TimeUnit.SECONDS)).isInstanceOf(FileSystemException.class)
                .hasMessage(target + ": open source " + fifo + " failed: it is not a regular file (a FIFO, device or"
                        + " socket)");
        assertThat(TestSupport.names(dir)).containsExactly("fifo");
    }

    @Test
    void exchangeNamesBothEntriesAsTheCallerPassedThem() {
        Path a = Path.of("target", "no-such-entry-a");
        Path b = Path.of("target", "no-such-entry-b");
        assertThatThrownBy(() -> engine().exchange(a, b)).isInstanceOf(FileSystemException.class)
                .satisfies(e -> {
                    assertThat(((FileSystemException) e).getFile()).isEqualTo(a.toString());
                    assertThat(((FileSystemException) e).getOtherFile()).isEqualTo(b.toString());
                });
    }

    @Test
    void everyRefusedWriteNamesTheTargetAsTheCallerPassedIt() throws IOException {
        Files.write(dir.resolve("exists"), OLD);
        Files.createDirectory(dir.resolve("sub"));
        List<Path> targets = List.of(dir.resolve("exists"), dir.resolve("sub"), dir.resolve("missing/f"),
                dir.resolve("n".repeat(256)), Path.of("target", "no-such-directory", "relative.json"));
        for (Path target : targets) {
            for (IOConsumer<Path> call : List.<IOConsumer<Path>>of(
                    t -> engine().createNew(t, ByteBuffer.wrap(NEW), WriteOptions.defaults()),
                    t -> engine().copy(dir.resolve("absent-source"), t, WriteOptions.defaults()))) {
                assertThatThrownBy(() -> call.accept(target)).isInstanceOf(FileSystemException.class)
                        .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()));
            }
            if (!target.endsWith("exists")) {
                assertThatThrownBy(() -> write(target, NEW)).isInstanceOf(FileSystemException.class)
                        .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()));
            }
        }
        assertThat(Files.readAllBytes(dir.resolve("exists"))).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("exists", "sub");
    }

    @Test
    void invalidTextIsRejectedBeforeAnythingIsWritten() throws IOException {
        Path target = dir.resolve("text");
        Files.write(target, OLD);
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "bad \uD800 surrogate"))
                .isInstanceOf(CharacterCodingException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("text");
    }

    @Test
    void hundredConcurrentWritersLeaveExactlyOnePayload() throws Exception {
        Path target = dir.resolve("statistics.json");
        Set<String> payloads = new HashSet<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            StringBuilder sb = new StringBuilder("{\"writer\":").append(i).append(",\"samples\":[");
            for (int j = 0; j < 200 + i * 37; j++) {
                sb.append(j == 0 ? "" : ",").append(i * 100_000 + j);
            }
            String json = sb.append("]}").toString();
            payloads.add(json);
            bodies.add(json.getBytes(StandardCharsets.UTF_8));
        }
        Engine engine = engine();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (byte[] body : bodies) {
                futures.add(pool.submit(() -> {
                    start.await();
                    engine.write(target, ByteBuffer.wrap(body), WriteOptions.defaults());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(payloads).contains(Files.readString(target));
        assertThat(TestSupport.names(dir)).containsExactly("statistics.json");
    }

    @Test
    void dotDotInTargetPathIsResolved() throws IOException {
        Path target = dir.resolve("a").resolve("..").resolve("dotdot.txt");
        Files.createDirectory(dir.resolve("a"));
        write(target, NEW);
        assertThat(Files.readAllBytes(dir.resolve("dotdot.txt"))).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("a", "dotdot.txt");
    }
    boolean nativeBackend() {
        return !backend().equals("nio");
    }

    @Test
    void createNewCreatesAbsentFileAndRefusesPresentOne() throws IOException {
        Path target = dir.resolve("lock.json");
        engine().createNew(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThatThrownBy(() -> engine().createNew(target, ByteBuffer.wrap(OLD), WriteOptions.defaults()))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(target.toString());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("lock.json");
    }

    @Test
    void createNewRefusesAnExistingSymlinkWhenReplacingLinks() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("nowhere"));
        assertThatThrownBy(() -> engine().createNew(link, ByteBuffer.wrap(NEW),
                WriteOptions.builder().symlinkPolicy(SymlinkPolicy.REPLACE).build()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(TestSupport.names(dir)).containsExactly("link");
    }

    @Test
    void concurrentCreateNewHasExactlyOneWinner() throws Exception {
        Path target = dir.resolve("leader");
        Engine engine = engine();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] body = ("writer " + i).getBytes(StandardCharsets.UTF_8);
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        engine.createNew(target, ByteBuffer.wrap(body), WriteOptions.defaults());
                        return 1;
                    } catch (FileAlreadyExistsException e) {
                        return 0;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Integer> f : futures) {
                winners += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.readString(target)).matches("writer \\d+");
        assertThat(TestSupport.names(dir)).containsExactly("leader");
    }

    @Test
    void exchangeSwapsFilesAndDirectoriesOrSaysWhyNot() throws IOException {
        Path a = dir.resolve("a");
        Path b = Files.createDirectory(dir.resolve("sub")).resolve("b");
        Files.write(a, OLD);
        Files.write(b, NEW);
        if (!nativeBackend()) {
            assertThatThrownBy(() -> engine().exchange(a, b))
                    .isInstanceOf(AtomicMoveNotSupportedException.class).hasMessageContaining("EXCHANGE");
            assertThat(Files.readAllBytes(a)).isEqualTo(OLD);
            return;
        }
        engine().exchange(a, b);
        assertThat(Files.readAllBytes(a)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(b)).isEqualTo(OLD);
        Path live = Files.createDirectory(dir.resolve("live"));
        Path staged = Files.createDirectory(dir.resolve("staged"));
        Files.write(live.resolve("f"), OLD);
        Files.write(staged.resolve("f"), NEW);
        Files.write(staged.resolve("g"), NEW);
        engine().exchange(live, staged);
        assertThat(TestSupport.names(live)).containsExactly("f", "g");
        assertThat(Files.readAllBytes(live.resolve("f"))).isEqualTo(NEW);
        assertThat(Files.readAllBytes(staged.resolve("f"))).isEqualTo(OLD);
        assertThatThrownBy(() -> engine().exchange(a, dir.resolve("missing")))
                .isInstanceOf(NoSuchFileException.class);
        Path inside = Files.createDirectory(live.resolve("sub"));
        assertThatThrownBy(() -> engine().exchange(live, inside))
                .isExactlyInstanceOf(FileSystemException.class)
                .hasMessage(live + " -> " + inside + ": exchange failed: a directory cannot be swapped with a file or"
                        + " directory inside it (EINVAL)");
        assertThat(TestSupport.names(live)).containsExactly("f", "g", "sub");
    }

    @Test
    void keepBackupKeepsThePreviousVersion() throws IOException {
        Path target = dir.resolve("repositories.json");
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        write(target, OLD, backup);
        assertThat(TestSupport.names(dir)).containsExactly("repositories.json");
        write(target, NEW, backup);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(dir.resolve("repositories.json.bak"))).isEqualTo(OLD);
        byte[] third = "third".getBytes(StandardCharsets.UTF_8);
        write(target, third, backup);
        assertThat(Files.readAllBytes(target)).isEqualTo(third);
        assertThat(Files.readAllBytes(dir.resolve("repositories.json.bak"))).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("repositories.json", "repositories.json.bak");
    }

    @Test
    void keepBackupThatCannotReplaceTheBackupFailsBeforePublishing() throws IOException {
        Path target = dir.resolve("registry.json");
        Files.write(target, OLD);
        Path bak = Files.createDirectory(dir.resolve("registry.json.bak"));
        Files.write(bak.resolve("inside"), NEW);
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        assertThatThrownBy(() -> write(target, NEW, backup))
                .isInstanceOf(FileSystemException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                .hasMessageContaining("registry.json.bak");
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(Files.readAllBytes(bak.resolve("inside"))).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("registry.json", "registry.json.bak");
    }

    @Test
    void anonymousTempLeavesNoNameWhileWriting() throws IOException {
        Path target = dir.resolve("anon.bin");
        Files.write(target, OLD);
        WriteOptions anonymous = WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build();
        try (AtomicOutputStream out = engine().newOutputStream(target, anonymous)) {
            out.write(NEW);
            out.flush();
            if (nativeBackend()) {
                assertThat(TestSupport.names(dir)).containsExactly("anon.bin");
            } else {
                assertThat(TestSupport.temps(dir)).hasSize(1);
            }
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("anon.bin");
        try (AtomicOutputStream out = engine().newOutputStream(target, anonymous)) {
            out.write(OLD);
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("anon.bin");
    }

    @Test
    void createDirectoriesMakesTheWholeChain() throws IOException {
        Path job = dir.resolve("jobs/2026/job-17");
        assertThat(engine().createDirectories(job)).isEqualTo(job);
        assertThat(Files.isDirectory(job)).isTrue();
        assertThat(engine().createDirectories(job)).isEqualTo(job);
        write(job.resolve(".job.json"), NEW);
        assertThat(Files.readAllBytes(job.resolve(".job.json"))).isEqualTo(NEW);
        Files.write(dir.resolve("file"), OLD);
        assertThatThrownBy(() -> engine().createDirectories(dir.resolve("file/sub")))
                .isInstanceOf(FileSystemException.class);
    }

    /**
     * A symbolic link whose text ends in '/' (as {@code ln -s real/ link} makes) leads to its directory
     * like any other: directories are made through it, and a journal's directory may be one.
     */
    @Test
    void aLinkWhoseTextEndsInASlashLeadsToItsDirectory() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = dir.resolve("link");
        // the JDK's Path would drop the '/': ln keeps it
        TestSupport.run("ln", "-s", "real/", link.toString());
        assertThat(Files.readSymbolicLink(link).toString()).isEqualTo("real/");
        assertThat(engine().createDirectories(link.resolve("x/y"))).isEqualTo(link.resolve("x/y"));
        assertThat(real.resolve("x/y")).isDirectory();
        try (FileTransaction tx = engine().transaction(link.resolve("journal"), WriteOptions.defaults())) {
            tx.write(real.resolve("a"), NEW);
            tx.commit();
        }
        assertThat(Files.readAllBytes(real.resolve("a"))).isEqualTo(NEW);
        assertThat(TestSupport.names(real)).containsExactlyInAnyOrder("a", "journal", "x");
    }

    @Test
    void probeReportsWhatThisFileSystemSupports() throws IOException {
        FileSystemCapabilities caps = engine().probe(dir);
        assertThat(caps.backend()).isEqualTo(backend());
        assertThat(caps.directorySync()).isTrue();
        assertThat(caps.hardLinks()).isTrue();
        boolean ext4 = caps.type().equals("ext4");
        if (nativeBackend() && ext4) {
            assertThat(caps.renameNoReplace()).isTrue();
            assertThat(caps.renameExchange()).isTrue();
            assertThat(caps.tmpFile()).isTrue();
        }
        if (!nativeBackend()) {
            assertThat(caps.renameNoReplace()).isFalse();
            assertThat(caps.renameExchange()).isFalse();
            assertThat(caps.tmpFile()).isFalse();
        }
        assertThat(TestSupport.names(dir)).isEmpty();
    }

    @Test
    void asyncWritesAllLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Path t = dir.resolve("async-" + i);
                byte[] body = ("body " + i).getBytes(StandardCharsets.UTF_8);
                fs.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        engine().write(t, ByteBuffer.wrap(body), WriteOptions.defaults());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, pool));
            }
            java.util.concurrent.CompletableFuture.allOf(fs.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                    .get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(Files.readString(dir.resolve("async-" + i))).isEqualTo("body " + i);
        }
        assertThat(TestSupport.temps(dir)).isEmpty();
    }
}
