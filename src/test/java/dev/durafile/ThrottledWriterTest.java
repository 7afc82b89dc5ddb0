package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottledWriterTest {
    private static final Duration LONG = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    /** Serializes strings as UTF-8, recording each call: its value, its start time and its thread. */
    static final class Recorder implements ThrottledWriter.Serializer<Object> {
        final List<String> values = Collections.synchronizedList(new ArrayList<>());
        final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public byte[] serialize(Object snapshot) {
            starts.add(System.nanoTime());
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                values.add(snapshot.toString());
                threads.add(Thread.currentThread().getName());
                return snapshot.toString().getBytes(StandardCharsets.UTF_8);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Test
    void aBurstOfAThousandPublishesCostsAtMostTwoWritesAndTheLastWins() throws IOException {
        Path target = dir.resolve("statistics.json");
        Recorder recorder = new Recorder();
        try (ThrottledWriter<String> writer = ThrottledWriter.create(target, WriteOptions.defaults(), LONG, recorder)) {
            for (int i = 0; i < 1000; i++) {
                writer.publish("{\"n\":" + i + "}");
            }
            writer.flush();

            assertThat(recorder.values).hasSizeBetween(1, 2).endsWith("{\"n\":999}");
            assertThat(target).hasContent("{\"n\":999}");
            assertThat(TestSupport.names(dir)).containsExactly("statistics.json");

            writer.flush();
            assertThat(recorder.values).hasSizeBetween(1, 2);
        }
        assertThat(recorder.values).hasSizeBetween(1, 2);
    }

    @Test
    void closeWritesThePendingSnapshotAndStops() throws IOException {
        Path target = dir.resolve("registry.json");
        Recorder recorder = new Recorder();
        ThrottledWriter<String> writer = ThrottledWriter.create(target, WriteOptions.defaults(), LONG, recorder);
        writer.publish("a");
        writer.flush();
        assertThat(target).hasContent("a");
        writer.publish("b");
        writer.publish("c");
        assertThat(target).hasContent("a");

        writer.close();

        assertThat(target).hasContent("c");
        assertThat(recorder.values).containsExactly("a", "c");
        assertThatThrownBy(() -> writer.publish("d")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::flush).isInstanceOf(IllegalStateException.class);
        writer.close();
        assertThat(target).hasContent("c");
        assertThat(TestSupport.names(dir)).containsExactly("registry.json");
    }

    @Test
    void writesInTheBackgroundAtMostOncePerInterval() throws Exception {
        Path target = dir.resolve("stats.json");
        Recorder recorder = new Recorder();
        Duration interval = Duration.ofMillis(100);
        try (ThrottledWriter<Integer> writer = ThrottledWriter.create(target, WriteOptions.defaults(), interval,
                recorder)) {
            writer.publish(0);
            awaitContent(target, "0");
            for (int i = 1; i <= 30; i++) {
                writer.publish(i);
                Thread.sleep(10);
            }
            awaitContent(target, "30");
            List<Long> starts;
            synchronized (recorder.starts) {
                starts = new ArrayList<>(recorder.starts);
            }
            assertThat(starts).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < starts.size(); i++) {
                assertThat(starts.get(i) - starts.get(i - 1)).isGreaterThanOrEqualTo(interval.toNanos());
            }
        }
        assertThat(recorder.values).last().isEqualTo("30");
    }

    private static void awaitContent(Path target, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline
                && !(Files.exists(target) && Files.readString(target).equals(expected))) {
            Thread.sleep(5);
        }
        assertThat(target).hasContent(expected);
    }

    @Test
    void concurrentPublishersNeverOverlapWritesAndTheLastPublishedWins() throws Exception {
        Path target = dir.resolve("stats.json");
        Recorder recorder = new Recorder();
        Object order = new Object();
        int[] counter = {0};
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ThrottledWriter<Integer> writer = ThrottledWriter.create(target, WriteOptions.defaults(),
                Duration.ofMillis(5), recorder)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> publishers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                publishers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 2000; i++) {
                        synchronized (order) {
                            writer.publish(++counter[0]);
                        }
                        if (i % 100 == 0) {
                            Thread.sleep(1);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : publishers) {
                f.get(30, TimeUnit.SECONDS);
            }
            writer.flush();

            assertThat(target).hasContent("16000");
        } finally {
            pool.shutdownNow();
        }
        assertThat(recorder.maxInFlight).hasValue(1);
        assertThat(recorder.threads).hasSize(1);
        assertThat(recorder.values).hasSizeGreaterThan(1).last().isEqualTo("16000");
        List<Integer> written = recorder.values.stream().map(Integer::valueOf).toList();
        assertThat(written).isSorted().doesNotHaveDuplicates();
        assertThat(TestSupport.names(dir)).containsExactly("stats.json");
    }

    @Test
    void aFailedWriteIsThrownByTheNextFlushOnceAndLaterWritesStillHappen() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path target = sub.resolve("stats.json");
        try (ThrottledWriter<String> writer = ThrottledWriter.create(target, WriteOptions.defaults(), LONG,
                new Recorder())) {
            writer.publish("first");
            writer.flush();
            Files.delete(target);
            Files.delete(sub);

            writer.publish("lost");
            assertThatThrownBy(writer::flush).isInstanceOf(NoSuchFileException.class);
            writer.flush();

            Files.createDirectory(sub);
            writer.publish("again");
            writer.flush();
            assertThat(target).hasContent("again");
        }
    }

    @Test
    void aBackgroundFailureIsThrownByClose() throws Exception {
        Path target = dir.resolve("stats.json");
        CountDownLatch attempted = new CountDownLatch(1);
        ThrottledWriter<String> writer = ThrottledWriter.create(target, WriteOptions.defaults(), LONG, s -> {
            attempted.countDown();
            throw new IOException("cannot serialize " + s);
        });
        Files.writeString(target, "old");
        writer.publish("x");
        assertThat(attempted.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(writer::close).isInstanceOf(IOException.class).hasMessage("cannot serialize x");
        assertThat(target).hasContent("old");
        assertThat(TestSupport.names(dir)).containsExactly("stats.json");
    }

    @Test
    void aSerializerRuntimeExceptionIsWrappedAndThrownByFlush() throws IOException {
        Path target = dir.resolve("stats.json");
        try (ThrottledWriter<String> writer = ThrottledWriter.create(target, s -> {
            throw new IllegalStateException("broken " + s);
        })) {
            writer.publish("y");
            assertThatThrownBy(writer::flush).isInstanceOf(IOException.class)
                    .hasMessageContaining(target.toString())
                    .hasRootCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(target).doesNotExist();
    }

    @Test
    void aSerializerErrorInABackgroundWriteIsThrownByTheNextFlush() throws Exception {
        Path target = dir.resolve("stats.json");
        java.util.concurrent.CountDownLatch serializing = new java.util.concurrent.CountDownLatch(1);
        AssertionError bug = new AssertionError("serializer bug");
        try (ThrottledWriter<String> writer = ThrottledWriter.create(target, s -> {
            serializing.countDown();
            throw bug;
        })) {
            writer.publish("y");
            // the background write has taken the snapshot; the flush queues behind it and finds nothing pending
            assertThat(serializing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(writer::flush).isInstanceOf(IOException.class)
                    .hasMessageContaining(target.toString()).hasCause(bug);
        }
        assertThat(target).doesNotExist();
    }

    @Test
    void rejectsBadArguments() throws IOException {
        Path target = dir.resolve("x");
        assertThatThrownBy(() -> ThrottledWriter.create(target, WriteOptions.defaults(), Duration.ZERO, new Recorder()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThrottledWriter.create(null, new Recorder())).isInstanceOf(NullPointerException.class);
        try (ThrottledWriter<Object> writer = ThrottledWriter.create(target, new Recorder())) {
            assertThatThrownBy(() -> writer.publish(null)).isInstanceOf(NullPointerException.class);
        }
        assertThat(target).doesNotExist();
    }
}
