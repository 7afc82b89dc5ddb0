package dev.durafile;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}: the body of a streaming write.
 *
 * @param <T> the type consumed
 */
@FunctionalInterface
public interface IOConsumer<T> {
    /**
     * Consumes the value.
     *
     * @param value the value
     * @throws IOException if the body fails; the write is then abandoned and nothing is published
     */
    void accept(T value) throws IOException;
}
