package dev.durafile.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Reusable objects (native scratch memory, staging buffers) shared by all threads: {@link #take()}
 * hands one to exactly one caller until it is {@link #give given} back, without a lock and without
 * allocating, so a call from a new or a virtual thread costs what one from a reused thread does. At
 * most {@code size} objects are kept; one taken from an empty pool is made new, and one given back to
 * a full pool is dropped for the garbage collector.
 */
final class Pool<T> {
    private final AtomicReferenceArray<T> slots;
    private final int mask;
    private final Supplier<T> factory;

    /**
     * @param size how many objects are kept: a power of two
     * @param factory makes an object when none is free
     */
    Pool(int size, Supplier<T> factory) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("pool size must be a power of two: " + size);
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.factory = factory;
    }

    /** @return where this thread starts looking: threads that run at once mostly use slots of their own */
    private int start() {
        return (int) Thread.currentThread().getId() & mask;
    }

    /** @return an object no other caller holds, until it is given back */
    T take() {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            // a plain read first: a new thread's own slot is usually empty, and an atomic swap of every
            // empty slot on the way to a full one would cost more than the write it serves
            T t = slots.get(slot) == null ? null : slots.getAndSet(slot, null);
            if (t != null) {
                return t;
            }
        }
        return factory.get();
    }

    /** Gives {@code t} back; the caller must not use it again. */
    void give(T t) {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, t)) {
                return;
            }
        }
    }
}
