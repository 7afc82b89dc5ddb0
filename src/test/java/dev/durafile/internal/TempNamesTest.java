package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Temp names as the write protocol makes them, byte by byte. */
class TempNamesTest {
    @Test
    void aTempNameIsTheTargetsNameTheInfixAndACanonicalRandomUuid() {
        Name target = Name.of("state.json");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Name temp = TempNames.forTarget(target);
            String text = new String(temp.bytes(), StandardCharsets.US_ASCII);
            assertThat(text).startsWith("state.json.tmp.").hasSize("state.json.tmp.".length() + 36);
            String uuid = text.substring("state.json.tmp.".length());
            UUID parsed = UUID.fromString(uuid);
            assertThat(parsed.toString()).as("canonical lowercase text").isEqualTo(uuid);
            assertThat(parsed.version()).isEqualTo(4);
            assertThat(parsed.variant()).as("the IETF variant, as UUID.randomUUID() makes").isEqualTo(2);
            assertThat(TempPattern.isTempName(text)).isTrue();
            assertThat(TempPattern.isTempOf(temp.path(), Path.of("state.json"))).isTrue();
            assertThat(temp.cString()).hasSize(text.length() + 1).endsWith(0);
            seen.add(uuid);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void aLongNameIsCutSoTheTempNameFitsNameMaxAndKeepsItsWholeSuffix() {
        // "x", 120 two-byte UTF-8 characters and ".json": 246 bytes, as bytes whatever the platform
        // charset; 255 - 41 = 214 bytes of it would fit, but byte 214 starts a character
        byte[] name = ("x" + "\u00e9".repeat(120) + ".json").getBytes(StandardCharsets.UTF_8);
        Name target = Name.of(FileSystems.getDefault(), name);
        Name temp = TempNames.forTarget(target);
        assertThat(temp.length()).isLessThanOrEqualTo(TempNames.NAME_MAX);
        byte[] bytes = temp.bytes();
        int prefix = bytes.length - ".tmp.".length() - 36;
        assertThat(prefix).as("cut before the character that would not fit whole").isEqualTo(213);
        assertThat(java.util.Arrays.copyOf(bytes, prefix)).isEqualTo(java.util.Arrays.copyOf(name, prefix));
        assertThat(TempPattern.isTempOf(temp.path(), target.path())).isTrue();
    }
}
