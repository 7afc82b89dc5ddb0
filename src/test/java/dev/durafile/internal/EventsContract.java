package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.durafile.AtomicOutputStream;
import dev.durafile.Durability;
import dev.durafile.FileTransaction;
import dev.durafile.TempFileJanitor;
import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * durafile's JFR events, read back from a recording file: every field of a write's event, a failed and
 * a discarded write, a transaction's and a sweep's, and nothing begun while nothing records.
 */
abstract class EventsContract {
    private static final byte[] DATA = "{\"state\": \"new, complete\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    abstract String backend();

    private Engine engine() {
        return new Engine(Backends.load(backend()));
    }

    /** @return the durafile events {@code action} produced, in the order they ended */
    private List<RecordedEvent> record(TestSupport.Recorded action) throws IOException {
        return TestSupport.durafileEvents(dir.resolve("events.jfr"), action);
    }

    @Test
    void aDurableWriteRecordsItsTargetSizeLevelBackendStepsAndOutcome() throws IOException {
        Path target = Files.write(dir.resolve("state.json"), "old".getBytes(StandardCharsets.UTF_8));
        List<RecordedEvent> events = record(() -> engine().write(target, ByteBuffer.wrap(DATA), WriteOptions.defaults()));
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getEventType().getName()).isEqualTo("dev.durafile.Write");
        assertThat(e.getString("target")).isEqualTo(target.toString());
        assertThat(e.getLong("bytes")).isEqualTo(DATA.length);
        assertThat(e.getString("durability")).isEqualTo("DURABLE");
        assertThat(e.getString("backend")).isEqualTo(backend());
        assertThat(e.getString("outcome")).isEqualTo("published");
        assertThat(e.getString("failure")).isNull();
        Duration steps = Duration.ZERO;
        for (String step : List.of("write", "fileSync", "rename", "directorySync")) {
            Duration d = e.getDuration(step);
            assertThat(d).as(step).isPositive();
            steps = steps.plus(d);
        }
        assertThat(e.getDuration()).as("the whole write, its steps and resolving the target").isGreaterThan(steps);
        assertThat(Files.readAllBytes(target)).isEqualTo(DATA);
    }

    @Test
    void aWriteIntoAMissingDirectoryRecordsItsFailureAndTheTargetAsTheCallerNamedIt() throws IOException {
        Path target = dir.resolve("missing/state.json");
        List<RecordedEvent> events = record(() -> assertThatThrownBy(
                () -> engine().write(target, ByteBuffer.wrap(DATA), WriteOptions.defaults()))
                .isInstanceOf(NoSuchFileException.class));
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getString("target")).isEqualTo(target.toString());
        assertThat(e.getString("outcome")).isEqualTo("failed");
        assertThat(e.getString("failure")).startsWith("NoSuchFileException: ").contains(target.toString());
        assertThat(e.getLong("bytes")).isZero();
    }

    @Test
    void aStreamClosedWithoutCommitRecordsADiscardedWriteOfWhatReachedItsTemp() throws IOException {
        Path target = dir.resolve("stream.json");
        List<RecordedEvent> events = record(() -> {
            try (AtomicOutputStream out = engine().newOutputStream(target,
                    WriteOptions.builder().durability(Durability.ATOMIC).build())) {
                out.write(DATA);
                out.flush();
                out.write(DATA);
            }
        });
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getString("outcome")).isEqualTo("discarded");
        assertThat(e.getString("durability")).isEqualTo("ATOMIC");
        assertThat(e.getLong("bytes")).as("what reached the temp file: the flushed part").isEqualTo(DATA.length);
        assertThat(e.getDuration("rename")).isZero();
        assertThat(Files.exists(target)).isFalse();
    }

    @Test
    void aTransactionRecordsOneEventForItsCommitAndNoneForItsWrites() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Engine engine = engine();
        List<RecordedEvent> events = record(() -> {
            try (FileTransaction tx = engine.transaction(dir.resolve("journal"), WriteOptions.defaults())) {
                tx.write(a, DATA);
                tx.write(b, DATA);
                tx.commit();
            }
        });
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getEventType().getName()).isEqualTo("dev.durafile.Transaction");
        assertThat(e.getString("journal")).isEqualTo(dir.resolve("journal").toString());
        assertThat(e.getInt("changes")).isEqualTo(2);
        assertThat(e.getString("durability")).isEqualTo("DURABLE");
        assertThat(e.getString("backend")).isEqualTo(backend());
        assertThat(e.getString("outcome")).isEqualTo("committed");
        assertThat(Files.readAllBytes(a)).isEqualTo(DATA);
        assertThat(Files.readAllBytes(b)).isEqualTo(DATA);
    }

    @Test
    void aSweepRecordsWhatItDeletedAndWhatItLeft() throws IOException {
        Path old = Files.write(dir.resolve("x.json.tmp." + UUID.randomUUID()), DATA);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Files.write(dir.resolve("y.json.tmp." + UUID.randomUUID()), DATA);
        List<RecordedEvent> events = record(() -> TempFileJanitor.sweep(dir));
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getEventType().getName()).isEqualTo("dev.durafile.Sweep");
        assertThat(e.getString("root")).isEqualTo(dir.toString());
        assertThat(e.getBoolean("dryRun")).isFalse();
        assertThat(e.getInt("deleted")).isEqualTo(1);
        assertThat(e.getLong("bytesReclaimed")).isPositive();
        assertThat(e.getInt("skippedYoung")).isEqualTo(1);
        assertThat(e.getInt("failed")).isZero();
        assertThat(Files.exists(old)).isFalse();
    }

    @Test
    void nothingIsBegunWhileNothingRecords() {
        assertThat(Events.beginWrite()).isNull();
        assertThat(Events.beginTransaction()).isNull();
        assertThat(Events.beginSweep()).isNull();
    }
}
