package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public choice of backend: {@link Backend#chosen()}, {@link Backend#named(String)} and
 * {@link WriteOptions.Builder#backend(Backend)}, which must send a write (and a transaction) through the
 * named backend whatever the JVM chose; the Flight Recorder events name the backend that did the work.
 */
class BackendTest {
    @TempDir
    Path dir;

    @Test
    void namedGivesOneInstancePerNameAndChosenIsWhatAtomicFilesUses() {
        Backend nio = Backend.named("nio");

        assertThat(Backend.named("nio")).isSameAs(nio);
        assertThat(Backend.named(" NIO ")).as("spelt as the property may be").isSameAs(nio);
        assertThat(nio.name()).isEqualTo("nio");
        assertThat(nio).hasToString("nio");
        assertThat(nio.reason()).isEqualTo("named by the caller");
        assertThat(nio.warning()).isEmpty();
        assertThat(Backend.chosen()).isSameAs(Backend.chosen());
        assertThat(Backend.chosen().name()).isEqualTo(AtomicFiles.backendName()).isIn("panama", "jna");
        assertThat(Backend.chosen().reason()).isNotBlank();
    }

    @Test
    void anUnknownNameFailsNamingTheKnownOnes() {
        assertThatThrownBy(() -> Backend.named("zfs"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'zfs'")
                .hasMessageContaining("panama, jna or nio");
        assertThatThrownBy(() -> Backend.named(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBackendIsPartOfTheOptionsValue() {
        WriteOptions viaNio = WriteOptions.builder().backend(Backend.named("nio")).build();

        assertThat(viaNio.backend()).containsSame(Backend.named("nio"));
        assertThat(WriteOptions.defaults().backend()).isEmpty();
        assertThat(viaNio).isNotEqualTo(WriteOptions.defaults());
        assertThat(viaNio.toBuilder().build()).isEqualTo(viaNio).hasSameHashCodeAs(viaNio);
        assertThat(viaNio.toBuilder().backend(null).build()).isEqualTo(WriteOptions.defaults());
        assertThat(viaNio.toString()).contains("backend=nio");
        assertThat(WriteOptions.defaults().toString()).contains("backend=chosen");
    }

    @Test
    void writesAndTransactionsGoThroughTheBackendTheirOptionsName() throws IOException {
        // the tests' JVM chooses panama or jna, so a write that ignored its options would record that one
        assertThat(Backend.chosen().name()).isNotEqualTo("nio");
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Path c = dir.resolve("c.json");
        WriteOptions viaNio = WriteOptions.builder().backend(Backend.named("nio")).build();
        WriteOptions viaJna = WriteOptions.builder().backend(Backend.named("jna")).build();

        List<RecordedEvent> events = TestSupport.durafileEvents(dir.resolve("events.jfr"), () -> {
            AtomicFiles.write(a, bytes("via nio"), viaNio);
            AtomicFiles.writeString(b, "via jna", StandardCharsets.UTF_8, viaJna);
            try (FileTransaction tx = AtomicFiles.transaction(dir.resolve("journal"), viaNio)) {
                tx.write(c, bytes("in a transaction via nio"));
                tx.commit();
            }
        });

        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("via nio"));
        assertThat(Files.readAllBytes(b)).isEqualTo(bytes("via jna"));
        assertThat(Files.readAllBytes(c)).isEqualTo(bytes("in a transaction via nio"));
        assertThat(events).extracting(e -> e.getEventType().getName() + " " + e.getString("backend"))
                .containsExactly("dev.durafile.Write nio", "dev.durafile.Write jna", "dev.durafile.Transaction nio");
    }

    @Test
    void aLiveTransactionThroughOneBackendIsLeftAloneByARecoveryThroughAnother() throws IOException {
        Path journal = dir.resolve("journal");
        Path a = Files.write(dir.resolve("a.json"), bytes("old"));
        WriteOptions viaNio = WriteOptions.builder().backend(Backend.named("nio")).build();

        try (FileTransaction tx = AtomicFiles.transaction(journal, viaNio)) {
            tx.write(a, bytes("new"));
            RecoveryReport r = AtomicFiles.recover(journal);

            assertThat(r).as("through " + Backend.chosen()).isEqualTo(new RecoveryReport(0, 0, 1, List.of(), List.of()));
            tx.commit();
        }
        assertThat(Files.readAllBytes(a)).isEqualTo(bytes("new"));
        assertThat(AtomicFiles.recover(journal)).isEqualTo(new RecoveryReport(0, 0, 0, List.of(), List.of()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
