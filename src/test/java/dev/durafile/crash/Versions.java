package dev.durafile.crash;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versioned documents the crash tests write: version {@code v}'s bytes are fully determined by
 * {@code v}, so a reader can tell byte for byte whether a file is one complete version, and which.
 * Sizes cycle from a few bytes to 4 MiB.
 */
final class Versions {
    private static final int[] PAD = {0, 1, 100, 4096, 65_536, 1 << 20, (4 << 20) - 64};
    private static final Pattern HEADER = Pattern.compile("^\\{\"version\":(\\d+),\"pad\":\"");

    private Versions() {
    }

    static byte[] content(long v) {
        int pad = PAD[(int) (v % PAD.length)];
        StringBuilder sb = new StringBuilder(pad + 40).append("{\"version\":").append(v).append(",\"pad\":\"");
        for (int i = 0; i < pad; i++) {
            sb.append((char) ('a' + (v + i) % 26));
        }
        return sb.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @return the version {@code bytes} is, exactly and completely, or -1 if it is none (empty, zeroed,
     *     truncated, mixed or garbage)
     */
    static long versionOf(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 40), StandardCharsets.US_ASCII);
        Matcher m = HEADER.matcher(head);
        if (!m.find()) {
            return -1;
        }
        long v = Long.parseLong(m.group(1));
        return java.util.Arrays.equals(bytes, content(v)) ? v : -1;
    }
}
