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
}
