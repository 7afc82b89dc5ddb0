package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bytes a Name and a directory's C string hold, against what the JDK's own Path calls give. */
class NameTest {
    /** @return the path of {@code text}'s UTF-8 bytes, whatever the platform's file-name encoding */
    private static Path path(String text) {
        return Name.toPath(FileSystems.getDefault(), text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x", "/a/b", "/a/b/c.json", "//a//b/", "/a/./b", "/a/../b", "/a b/c d", "/caf\u00e9/x",
            "/a/caf\u00e9", "/\u00e9"})
    void aParentsCStringIsTheOneItsOwnPathGives(String text) {
        Path file = path(text);
        byte[] expected = Name.cString(file.getParent());
        assertThat(Name.parentCString(file)).as(text).isEqualTo(expected).endsWith(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x", "/a/b", "/a/b/c.json", "//a//b/", "/a/./b", "/a/..", "/a b/c d", "/caf\u00e9/x",
            "/a/caf\u00e9", "/\u00e9"})
    void aFileNameIsTheOneItsOwnPathGives(String text) {
        Path file = path(text);
        Name name = Name.fileNameOf(file);
        assertThat(name).as(text).isEqualTo(Name.of(file.getFileName()));
        assertThat(name.cString()).endsWith(0).hasSize(name.length() + 1);
        assertThat(name.path()).isEqualTo(file.getFileName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "//"})
    void theRootHasNoFileName(String text) {
        assertThat(Name.fileNameOf(path(text))).isNull();
    }

    /** A Path made from a URI keeps one trailing '/' of two; the JDK's getFileName() would then hold a '/'. */
    @ParameterizedTest
    @ValueSource(strings = {"file:///tmp/d/x//", "file:///tmp/d/caf%C3%A9//", "file:///tmp/d/x%FF//"})
    void aPathEndingInASlashHasNoFileName(String uri) {
        Path file = Path.of(URI.create(uri));
        assertThat(file.toString()).endsWith("/");
        assertThat(Name.fileNameOf(file)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x", "/a/b", "/a/b/c.json"})
    void anAsciiParentIsItsPathsBytesUpToTheLastSlash(String text) {
        String parent = text.substring(0, Math.max(text.lastIndexOf('/'), 1));
        assertThat(Name.parentCString(Path.of(text)))
                .isEqualTo((parent + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "a/b"})
    void onlyAPathOfOneRelativeNameIsAName(String text) {
        assertThatThrownBy(() -> Name.of(FileSystems.getDefault().getPath(text)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a file name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "state.json", ".hidden", "caf\u00e9"})
    void aFileNameKeepsItsBytes(String text) {
        Name name = Name.of(path(text));
        assertThat(name.bytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(name.path()).isEqualTo(path(text));
    }
}
