package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    private static final byte[] CONTENT = {0, 1, 2, (byte) 0xff, '{', '}', 0, '\n'};

    @TempDir
    Path dir;

    private static String temp(String target) {
        return target + ".tmp." + UUID.randomUUID();
    }

    private static Path aged(Path p) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(Instant.now().minus(Duration.ofMinutes(11))), null, null);
        return p;
    }

    private static Path staleTemp(Path dir, String target, String content) throws IOException {
        return aged(Files.writeString(dir.resolve(temp(target)), content));
    }

    /** @return each file in {@code dir} (not recursive) with its content, or "dir" for a directory */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String name : TestSupport.names(dir)) {
            Path p = dir.resolve(name);
            m.put(name, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                    : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        }
        return m;
    }

    @Test
    void readAllBytesReturnsTheTargetExactlyAndNeverATemp() throws IOException {
        Path target = Files.write(dir.resolve("state.bin"), CONTENT);
        Path newer = Files.writeString(dir.resolve(temp("state.bin")), "newer but unpublished");
        Path stale = staleTemp(dir, "state.bin", "stale");
        Map<String, String> before = contents(dir);

        assertThat(AtomicFiles.readAllBytes(target)).isEqualTo(CONTENT);
        assertThat(AtomicFiles.readAllBytes(target, false)).isEqualTo(CONTENT);

        assertThat(contents(dir)).isEqualTo(before);
        assertThat(newer).hasContent("newer but unpublished");
        assertThat(stale).hasContent("stale");
    }

    @Test
    void readStringDecodesUtf8Exactly() throws IOException {
        String text = "grüße ✓ 😀\n{\"a\":1}";
        Path target = dir.resolve("text.json");
        AtomicFiles.writeString(target, text);

        assertThat(AtomicFiles.readString(target)).isEqualTo(text);
        assertThat(AtomicFiles.readString(target, true)).isEqualTo(text);
        assertThat(AtomicFiles.readAllBytes(target)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readStringRejectsMalformedUtf8() throws IOException {
        Path target = Files.write(dir.resolve("bad.txt"), new byte[] {'o', 'k', (byte) 0xc3, '('});

        assertThatThrownBy(() -> AtomicFiles.readString(target)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void removesOnlyTheTargetsOwnStaleTempsWhenAsked() throws IOException {
        Path target = Files.writeString(dir.resolve(".job.json"), "{\"job\":1}");
        Path stale1 = staleTemp(dir, ".job.json", "{\"jo");
        Path stale2 = staleTemp(dir, ".job.json", "");
        Files.writeString(dir.resolve(temp(".job.json")), "young: a live write");
        staleTemp(dir, "other.json", "another target's orphan");
        staleTemp(dir, "x.job.json", "another target's orphan");
        aged(Files.writeString(dir.resolve(".job.json.tmp.txt"), "look-alike"));
        aged(Files.writeString(dir.resolve(".job.json.tmp.not-a-uuid"), "look-alike"));
        aged(Files.writeString(dir.resolve(".job.json.tmp." + UUID.randomUUID().toString().toUpperCase()), "upper"));
        aged(Files.createDirectory(dir.resolve(temp(".job.json"))));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path nested = staleTemp(sub, ".job.json", "other directory");
        Map<String, String> expected = contents(dir);
        expected.remove(stale1.getFileName().toString());
        expected.remove(stale2.getFileName().toString());

        assertThat(AtomicFiles.readString(target)).isEqualTo("{\"job\":1}");
        assertThat(stale1).exists();
        assertThat(stale2).exists();

        assertThat(AtomicFiles.readString(target, true)).isEqualTo("{\"job\":1}");

        assertThat(contents(dir)).isEqualTo(expected);
        assertThat(nested).hasContent("other directory");
    }

    @Test
    void readAllBytesRemovesStaleTempsWhenAsked() throws IOException {
        Path target = Files.write(dir.resolve("data.bin"), CONTENT);
        Path stale = staleTemp(dir, "data.bin", "partial");
        Path unrelated = aged(Files.writeString(dir.resolve("notes.tmp.txt"), "notes"));

        assertThat(AtomicFiles.readAllBytes(target, true)).isEqualTo(CONTENT);

        assertThat(stale).doesNotExist();
        assertThat(unrelated).hasContent("notes");
        assertThat(TestSupport.names(dir)).containsExactly("data.bin", "notes.tmp.txt");
    }

    @Test
    void removesStaleTempsBesideTheFileASymbolicLinkLeadsTo() throws IOException {
        Path realDir = Files.createDirectory(dir.resolve("real"));
        Path real = Files.writeString(realDir.resolve("config.json"), "{}");
        Path linkDir = Files.createDirectory(dir.resolve("links"));
        Path link = Files.createSymbolicLink(linkDir.resolve("current.json"), real);
        Path besideReal = staleTemp(realDir, "config.json", "orphan of a write through the link");
        Path besideLink = staleTemp(linkDir, "current.json", "orphan of a write replacing the link");

        assertThat(AtomicFiles.readString(link, true)).isEqualTo("{}");

        assertThat(TestSupport.names(realDir)).containsExactly("config.json");
        assertThat(TestSupport.names(linkDir)).containsExactly("current.json");
        assertThat(besideReal).doesNotExist();
        assertThat(besideLink).doesNotExist();
        assertThat(link).isSymbolicLink();
    }

    @Test
    void missingTargetIsNoSuchFileAndItsStaleTempsStillGoWhenAsked() throws IOException {
        Path target = dir.resolve("never-published.json");
        Path stale = staleTemp(dir, "never-published.json", "crashed first create");

        assertThatThrownBy(() -> AtomicFiles.readAllBytes(target)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(target.toString());
        assertThatThrownBy(() -> AtomicFiles.readString(target)).isInstanceOf(NoSuchFileException.class);
        assertThat(stale).exists();

        assertThatThrownBy(() -> AtomicFiles.readString(target, true)).isInstanceOf(NoSuchFileException.class);
        assertThat(stale).doesNotExist();
        assertThatThrownBy(() -> AtomicFiles.readAllBytes(dir.resolve("missing/dir/x"), true))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void rejectsNullAndEmptyPaths() {
        assertThatThrownBy(() -> AtomicFiles.readAllBytes(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AtomicFiles.readString(null, true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AtomicFiles.readAllBytes(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
    }
}
