package dev.durafile.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The invariants of CRASH-TESTING.md, checked on a target after a crash, byte for byte. */
final class Verdict {
    private Verdict() {
    }

    /**
     * @param target the file after the crash
     * @param previous the version it held, complete and durable, before the crashed write(s) began
     * @param acked the highest version a write of which had returned before the crash (or -1)
     * @param durable whether returned writes were DURABLE (then a crash may not lose them)
     * @param highest the highest version the crashed writer may have been writing
     * @return null if the invariants hold, else what is wrong
     */
    static String check(Path target, long previous, long acked, boolean durable, long highest) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(target);
        } catch (NoSuchFileException e) {
            return "target missing";
        }
        long v = Versions.versionOf(bytes);
        if (v < 0) {
            return "target is no complete version: " + describe(bytes);
        }
        long floor = durable ? Math.max(previous, acked) : previous;
        if (v < floor) {
            return "target rolled back to version " + v + " although version " + floor + " was "
                    + (floor == acked ? "acknowledged as durable" : "durable before");
        }
        if (v > highest) {
            return "target holds version " + v + " that was never written";
        }
        return null;
    }

    private static String describe(byte[] bytes) {
        int zeros = 0;
        for (byte b : bytes) {
            zeros += b == 0 ? 1 : 0;
        }
        return bytes.length + " bytes" + (bytes.length == 0 ? " (empty)" : zeros > 0 ? ", " + zeros + " zero bytes" : "")
                + ", starts with '" + new String(bytes, 0, Math.min(24, bytes.length),
                        java.nio.charset.StandardCharsets.US_ASCII).replace('\0', '0') + "'";
    }
}
