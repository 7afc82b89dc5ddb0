package dev.durafile.internal;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a file system was found to refuse, cached by device id so that a refused feature is not tried
 * (and failed) again on every write. Only refusals with a correct fallback are cached: RENAME_NOREPLACE
 * (hard link instead), RENAME_EXCHANGE for keepBackup (the backup linked before publishing instead)
 * and O_TMPFILE (named temp instead). A device id reused by a later mount can
 * inherit a stale refusal; that only selects the slower fallback, never an incorrect path.
 */
final class Capabilities {
    private static final ConcurrentHashMap<Object, Capabilities> BY_DEVICE = new ConcurrentHashMap<>();

    volatile boolean noReplaceRefused;
    volatile boolean exchangeRefused;
    volatile boolean tmpFileRefused;

    /**
     * @return the cache entry for the file system holding {@code dir} (a fresh one if the binding does
     *     not know its device)
     */
    static Capabilities of(FileBinding.Directory dir) throws IOException {
        Object device = dir.stat().device;
        return device == null ? new Capabilities() : BY_DEVICE.computeIfAbsent(device, d -> new Capabilities());
    }
}
