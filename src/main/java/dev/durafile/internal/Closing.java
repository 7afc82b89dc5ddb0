package dev.durafile.internal;

import java.io.Closeable;
import java.io.IOException;

/** Closing what a failed step opened, without hiding the failure. */
public final class Closing {
    private Closing() {
    }

    /**
     * Closes {@code c} after {@code cause} was thrown; a failure to close is attached to {@code cause}
     * as suppressed, never thrown in its place.
     */
    public static void closeAfter(Closeable c, Throwable cause) {
        try {
            c.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Closes each of {@code all} in order, every one even if an earlier one fails.
     *
     * @throws IOException the first failure, later ones attached as suppressed
     */
    public static void closeAll(Closeable... all) throws IOException {
        IOException first = null;
        for (Closeable c : all) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * @return {@code first} with {@code next} attached as suppressed, or {@code next} if there is no
     *     first yet (or {@code first} if there is no next)
     */
    public static <T extends Throwable> T add(T first, T next) {
        if (next == null) {
            return first;
        }
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Throws {@code t} as what it is, if not null. */
    public static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException) {
            throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t != null) {
            throw (Error) t;
        }
    }
}
