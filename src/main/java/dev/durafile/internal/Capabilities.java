package dev.durafile.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a file system was found to refuse, cached by device id so that a refused feature is not tried
 * (and failed) again on every write. Only refusals with a correct fallback are cached: RENAME_NOREPLACE
 * (hard link instead) and O_TMPFILE (named temp instead). A device id reused by a later mount can
 * inherit a stale refusal; that only selects the slower fallback, never an incorrect path.
 */
final class Capabilities {
    private static final ConcurrentHashMap<Long, Capabilities> BY_DEVICE = new ConcurrentHashMap<>();

    volatile boolean noReplaceRefused;
    volatile boolean tmpFileRefused;

    /** @return the cache entry for the file system holding {@code dir} (a fresh one if its device is unknown) */
    static Capabilities of(Path dir) {
        long device = deviceOf(dir);
        return device < 0 ? new Capabilities() : BY_DEVICE.computeIfAbsent(device, d -> new Capabilities());
    }

    /** @return the device id of {@code dir}'s file system, or -1 where the file system has no "unix" view */
    static long deviceOf(Path dir) {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return -1;
        }
        try {
            return ((Number) Files.getAttribute(dir, "unix:dev")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }
}
