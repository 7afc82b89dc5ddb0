package dev.durafile.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Paths of a {@link CrashFileSystem} and the {@link Files} API on them. */
class CrashPathTest {
    private final CrashFileSystem fs = CrashFileSystem.create();
    private final Path root = fs.root();

    @Test
    void pathsParseAndCompose() {
        Path p = fs.getPath("/a", "b", "", "c.txt");
        assertThat(p).hasToString("/a/b/c.txt");
        assertThat(p.isAbsolute()).isTrue();
        assertThat(p.getRoot()).isEqualTo(root);
        assertThat(p.getFileName()).hasToString("c.txt");
        assertThat(p.getParent()).isEqualTo(fs.getPath("/a/b"));
        assertThat(p.getNameCount()).isEqualTo(3);
        assertThat(p.getName(1)).hasToString("b");
        assertThat(p.subpath(1, 3)).hasToString("b/c.txt");
        assertThat(p.resolveSibling("d")).hasToString("/a/b/d");
        assertThat(p.startsWith("/a")).isTrue();
        assertThat(p.startsWith("a")).isFalse();
        assertThat(p.endsWith("b/c.txt")).isTrue();
        assertThat(p.endsWith("/a/b/c.txt")).isTrue();
        List<String> names = new ArrayList<>();
        p.forEach(n -> names.add(n.toString()));
        assertThat(names).containsExactly("a", "b", "c.txt");

        Path rel = fs.getPath("x//y/");
        assertThat(rel).hasToString("x/y");
        assertThat(rel.isAbsolute()).isFalse();
        assertThat(rel.getRoot()).isNull();
        assertThat(rel.toAbsolutePath()).hasToString("/x/y");
        assertThat(rel.getParent()).hasToString("x");
        assertThat(rel.getParent().getParent()).isNull();
        assertThat(root.getFileName()).isNull();
        assertThat(root.getParent()).isNull();
        assertThat(root.resolve(rel)).hasToString("/x/y");
        assertThat(rel.resolve(p)).isEqualTo(p);
    }

    @Test
    void emptyPathIsRelativeWithOneEmptyName() {
        Path empty = fs.getPath("");
        assertThat(empty).hasToString("");
        assertThat(empty.getNameCount()).isEqualTo(1);
        assertThat(empty.getFileName()).isEqualTo(empty);
        assertThat(empty.toAbsolutePath()).isEqualTo(root);
        assertThat(empty.resolve("a")).hasToString("a");
        assertThat(fs.getPath("a").resolve(empty)).hasToString("a");
    }

    @Test
    void normalizeRelativizeAndCompare() {
        assertThat(fs.getPath("/a/./b/../c/..")).extracting(Path::normalize).hasToString("/a");
        assertThat(fs.getPath("/../x").normalize()).hasToString("/x");
        assertThat(fs.getPath("../a/../../b").normalize()).hasToString("../../b");
        Path a = fs.getPath("/a/b/c");
        Path b = fs.getPath("/a/d");
        assertThat(a.relativize(b)).hasToString("../../d");
        assertThat(a.resolve(a.relativize(b)).normalize()).isEqualTo(b);
        assertThat(a.relativize(a)).hasToString("");
        assertThatThrownBy(() -> a.relativize(fs.getPath("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(fs.getPath("/a").compareTo(fs.getPath("/b"))).isNegative();
        assertThat(fs.getPath("/a/b")).isEqualTo(fs.getPath("/a", "b")).hasSameHashCodeAs(fs.getPath("/a/b"));
    }

    @Test
    void pathsOfTwoFileSystemsNeverMix() {
        CrashFileSystem other = CrashFileSystem.create();
        assertThat(other.getPath("/a")).isNotEqualTo(fs.getPath("/a"));
        assertThatThrownBy(() -> root.resolve(other.getPath("a"))).isInstanceOf(ProviderMismatchException.class);
    }

    @Test
    void uriRoundTrips() {
        Path p = fs.getPath("/dir/a b.txt");
        assertThat(p.toUri().getScheme()).isEqualTo("durafile-crash");
        assertThat(fs.provider().getPath(p.toUri())).isEqualTo(p);
        assertThat(fs.provider().getFileSystem(p.toUri())).isSameAs(fs);
    }

    @Test
    void filesApiWorks() throws IOException {
        Path dir = Files.createDirectories(root.resolve("a/b"));
        Path f = Files.writeString(dir.resolve("f.txt"), "hello", StandardCharsets.UTF_8);
        assertThat(Files.readString(f)).isEqualTo("hello");
        Files.writeString(f, " world", StandardOpenOption.APPEND);
        assertThat(Files.readAllLines(f)).containsExactly("hello world");
        assertThat(Files.size(f)).isEqualTo(11);
        assertThat(Files.exists(f)).isTrue();
        assertThat(Files.notExists(dir.resolve("nope"))).isTrue();
        assertThat(Files.isDirectory(dir)).isTrue();
        assertThat(Files.isRegularFile(f)).isTrue();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("g.txt"))) {
            w.write("line");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(Path::toString)).containsExactly("/a/b/f.txt", "/a/b/g.txt");
        }
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.count()).isEqualTo(5);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "g*")) {
            assertThat(s).extracting(Path::toString).containsExactly("/a/b/g.txt");
        }
        Files.copy(f, dir.resolve("copy"));
        assertThat(Files.readString(dir.resolve("copy"))).isEqualTo("hello world");
        Files.move(dir.resolve("copy"), dir.resolve("g.txt"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(dir.resolve("g.txt"))).isEqualTo("hello world");
        assertThat(Files.isHidden(dir.resolve(".x"))).isTrue();
        assertThat(Files.getFileStore(f).type()).isEqualTo("crashfs");
        assertThat(f.toRealPath()).isEqualTo(f);
        Files.delete(dir.resolve("g.txt"));
        assertThat(Files.deleteIfExists(dir.resolve("g.txt"))).isFalse();
    }

    @Test
    void channelsReadWriteSeekAndTruncate() throws IOException {
        Path f = root.resolve("f");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII)));
            assertThat(ch.position()).isEqualTo(6);
            ch.write(ByteBuffer.wrap(new byte[] {'Z'}), 9);
            assertThat(ch.size()).isEqualTo(10);
            ch.position(1);
            ByteBuffer buf = ByteBuffer.allocate(20);
            assertThat(ch.read(buf)).isEqualTo(9);
            assertThat(new String(buf.array(), 0, 9, StandardCharsets.ISO_8859_1)).isEqualTo("bcdef\0\0\0Z");
            assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            ch.truncate(3);
            assertThat(ch.size()).isEqualTo(3);
            assertThat(ch.position()).isEqualTo(3);
        }
        assertThat(Files.readString(f)).isEqualTo("abc");
    }

    @Test
    void attributesAndPermissions() throws IOException {
        Path f = Files.createFile(root.resolve("f"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r-----"));
        Files.setAttribute(f, "posix:permissions", PosixFilePermissions.fromString("rw-r-----"));
        PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class);
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-r-----");
        assertThat(a.isRegularFile()).isTrue();
        assertThat(a.isSymbolicLink()).isFalse();
        Map<String, Object> m = Files.readAttributes(f, "posix:*");
        assertThat(m).containsKeys("size", "permissions", "owner", "group", "lastModifiedTime", "fileKey");
        assertThat(Files.readAttributes(f, "size,isDirectory")).containsOnlyKeys("size", "isDirectory");
        assertThat(fs.supportedFileAttributeViews()).containsExactlyInAnyOrder("basic", "posix");
        assertThatThrownBy(() -> Files.readAttributes(f, "unix:*")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void errorsAreTheJdkTypes() throws IOException {
        Path dir = Files.createDirectory(root.resolve("d"));
        Path f = Files.write(dir.resolve("f"), new byte[] {1});
        assertThatThrownBy(() -> Files.write(root.resolve("missing/f"), new byte[0]))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Files.write(f.resolve("under-a-file"), new byte[0]))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("Not a directory");
        assertThatThrownBy(() -> Files.write(dir, new byte[0]))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("Is a directory");
        assertThatThrownBy(() -> Files.createDirectory(dir)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> Files.delete(dir)).isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> Files.move(root.resolve("nope"), root.resolve("x")))
                .isInstanceOf(NoSuchFileException.class);
        Files.write(root.resolve("g"), new byte[] {2});
        assertThatThrownBy(() -> Files.move(root.resolve("g"), f)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> Files.move(dir, dir.resolve("inside"))).isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.createLink(root.resolve("dirlink"), dir))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("Operation not permitted");
        assertThatThrownBy(() -> Files.createSymbolicLink(root.resolve("s"), f))
                .isInstanceOf(UnsupportedOperationException.class);
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(Path::toString).collect(Collectors.toList())).containsExactly("/d", "/g");
        }
    }
}
