package dev.durafile.cli;

import java.nio.charset.StandardCharsets;

/**
 * The versions of the crash demo's job-metadata file, a JSON object like
 * {@code {"jobId":"crash-demo","version":7,"status":"running","output":"..."}}. The bytes of a version
 * are a function of its number and the maximum size alone, so a file read back can be checked byte
 * for byte against the version it claims to be. Sizes vary from version to version between an eighth
 * of the maximum and the maximum.
 */
final class JobVersions {
    /** The smallest maximum size: room for the JSON around the output. */
    static final int MIN_MAX_SIZE = 4096;

    private static final byte[] TAIL = "\"}\n".getBytes(StandardCharsets.US_ASCII);

    private JobVersions() {
    }

    /**
     * @param version the version number, not negative
     * @param maxSize the largest size of any version, at least {@link #MIN_MAX_SIZE}
     * @return the complete bytes of that version
     */
    static byte[] bytes(long version, int maxSize) {
        byte[] head = ("{\"jobId\":\"crash-demo\",\"version\":" + version + ",\"status\":\"running\",\"output\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] line = ("job output of version " + version + ". ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size(version, maxSize)];
        int outputLength = out.length - head.length - TAIL.length;
        System.arraycopy(head, 0, out, 0, head.length);
        int filled = Math.min(line.length, outputLength);
        System.arraycopy(line, 0, out, head.length, filled);
        while (filled < outputLength) {
            int n = Math.min(filled, outputLength - filled);
            System.arraycopy(out, head.length, out, head.length + filled, n);
            filled += n;
        }
        System.arraycopy(TAIL, 0, out, out.length - TAIL.length, TAIL.length);
        return out;
    }

    /** @return the size of {@code version}: from {@code maxSize / 8} to {@code maxSize}, scattered by a hash */
    private static int size(long version, int maxSize) {
        int min = maxSize / 8;
        return min + (int) Math.floorMod(mix(version), (long) maxSize - min + 1);
    }

    /** The SplitMix64 finalizer: neighbouring versions get unrelated sizes. */
    private static long mix(long value) {
        long z = (value ^ (value >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
