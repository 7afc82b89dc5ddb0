package dev.durafile.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.UUID;

/**
 * Names of temp files: {@code <target-name>.tmp.<uuid>} in the target's directory. When the target's
 * name is so long that the temp name would pass NAME_MAX (255 bytes), the prefix is shortened; the
 * {@code .tmp.<uuid>} suffix always stays whole, so the janitor still recognises it.
 */
public final class TempNames {
    /** The infix between the target's name and the UUID. */
    public static final String INFIX = ".tmp.";
    /** Linux NAME_MAX: the longest file name, in bytes. */
    static final int NAME_MAX = 255;
    private static final int SUFFIX_BYTES = INFIX.length() + 36;

    private TempNames() {
    }

    /**
     * @param name the file name to check
     * @param target the target as the caller named it, for the message
     * @throws FileSystemException if {@code name} is longer than NAME_MAX
     */
    static void checkLength(String name, String target) throws FileSystemException {
        int length = name.getBytes(StandardCharsets.UTF_8).length;
        if (length > NAME_MAX) {
            throw Failures.of("write", target, "file name " + (name.length() > 40 ? name.substring(0, 40)
                    + "..." : name) + " is " + length + " bytes, longer than NAME_MAX " + NAME_MAX + " (ENAMETOOLONG)");
        }
    }

    /**
     * @param name the target's file name, at most NAME_MAX bytes
     * @return a fresh temp name for it
     */
    static String forTarget(String name) {
        String suffix = INFIX + UUID.randomUUID();
        if (name.getBytes(StandardCharsets.UTF_8).length + SUFFIX_BYTES <= NAME_MAX) {
            return name + suffix;
        }
        return prefixWithin(name, NAME_MAX - SUFFIX_BYTES) + suffix;
    }

    /** @return the longest prefix of {@code s}, whole code points only, of at most {@code maxBytes} UTF-8 bytes */
    private static String prefixWithin(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }
}
