package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pool behind the native backends' scratch memory and staging buffers. */
class PoolTest {
    /** An object that knows whether someone holds it. */
    private static final class Held {
        final AtomicBoolean taken = new AtomicBoolean();
    }

    @Test
    void neverHandsOneObjectToTwoHoldersAtOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Pool<Held> pool = new Pool<>(4, () -> {
            made.incrementAndGet();
            return new Held();
        });
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        Held h = pool.take();
                        if (!h.taken.compareAndSet(false, true)) {
                            failure.set("an object another thread holds was handed out again");
                        }
                        h.taken.set(false);
                        pool.give(h);
                    }
                } catch (InterruptedException e) {
                    failure.set(e.toString());
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(made.get()).as("objects made for 8 threads sharing a pool of 4: at most one per thread at once,"
                + " and those the full pool dropped").isLessThanOrEqualTo(8 + 4);
    }

    @Test
    void reusesWhatWasGivenBackFromAnyThreadAndDropsWhatDoesNotFit() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Pool<Object> pool = new Pool<>(2, () -> {
            made.incrementAndGet();
            return new Object();
        });
        Object first = pool.take();
        pool.give(first);
        Seen seen = new Seen();
        Thread other = new Thread(() -> seen.add(pool.take()));
        other.start();
        other.join();
        assertThat(seen.objects).containsExactly(first);
        Object a = pool.take();
        Object b = pool.take();
        Object c = pool.take();
        assertThat(made.get()).isEqualTo(4);
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertThat(List.of(pool.take(), pool.take())).containsExactlyInAnyOrder(a, b);
        assertThat(pool.take()).isNotIn(a, b, c);
    }

    @Test
    void refusesASizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new Pool<>(3, Object::new)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }

    /** What another thread took. */
    private static final class Seen {
        final java.util.Set<Object> objects = ConcurrentHashMap.newKeySet();

        void add(Object o) {
            objects.add(o);
        }
    }
}
