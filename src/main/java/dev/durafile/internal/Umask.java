package dev.durafile.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's file-mode creation mask, read once from {@code /proc/self/status} (Linux 4.7+), so the
 * protocol can skip the fchmod of a temp file whose creation mode the umask leaves intact. Java code
 * cannot change the umask; native code that changes it after durafile started would make a skipped
 * fchmod leave some permission bits cleared. Where it cannot be read, every exact mode is set by fchmod.
 */
final class Umask {
    /** The umask, or -1 if unknown. */
    private static final int VALUE = read();

    private Umask() {
    }

    private static int read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return true if creating a file with {@code mode} gives it exactly {@code mode} */
    static boolean keeps(int mode) {
        return VALUE >= 0 && (mode & ~0777) == 0 && (mode & VALUE) == 0;
    }
}
