package dev.durafile.internal;

import java.nio.file.FileSystemException;
import java.security.SecureRandom;
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
    /** A default SecureRandom, as {@link UUID#randomUUID()} uses; thread-safe. */
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] HEX_DIGITS = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private TempNames() {
    }

    /**
     * @param name the file name to check
     * @param target the target as the caller named it, for the message
     * @throws FileSystemException if {@code name} is longer than NAME_MAX
     */
    static void checkLength(Name name, String target) throws FileSystemException {
        if (name.length() > NAME_MAX) {
            String text = name.toString();
            throw Failures.of("write", target, "file name " + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                    + " is " + name.length() + " bytes, longer than NAME_MAX " + NAME_MAX + " (ENAMETOOLONG)");
        }
    }

    /**
     * @param name the target's file name, at most NAME_MAX bytes
     * @return a fresh temp name for it: its bytes (cut short enough, never inside a UTF-8 sequence)
     *     followed by the suffix, whose UUID is a version 4 UUID's canonical text (122 bits from
     *     {@link SecureRandom}, as {@link UUID#randomUUID()} makes them, without its objects)
     */
    static Name forTarget(Name name) {
        Scratch s = Scratch.POOL.take();
        try {
            byte[] random = s.random;
            RANDOM.nextBytes(random);
            random[6] = (byte) (random[6] & 0x0f | 0x40);
            random[8] = (byte) (random[8] & 0x3f | 0x80);
            byte[] suffix = s.suffix;
            int at = INFIX.length();
            // the canonical text, 8-4-4-4-12 lowercase hexadecimal digits, as UUID.toString() writes it
            for (int digit = 0; digit < 32; digit++) {
                if (digit == 8 || digit == 12 || digit == 16 || digit == 20) {
                    suffix[at++] = '-';
                }
                int b = random[digit >> 1];
                suffix[at++] = HEX_DIGITS[(digit & 1) == 0 ? b >> 4 & 0xf : b & 0xf];
            }
            return prefixOf(name).plus(suffix);
        } finally {
            Scratch.POOL.give(s);
        }
    }

    /** The arrays one name is made in, reused through {@link #POOL}: a name allocates only itself. */
    private static final class Scratch {
        static final Pool<Scratch> POOL = new Pool<>(16, Scratch::new);

        final byte[] random = new byte[16];
        /** {@code .tmp.} and room for the UUID's text. */
        final byte[] suffix = new byte[SUFFIX_BYTES];

        Scratch() {
            for (int i = 0; i < INFIX.length(); i++) {
                suffix[i] = (byte) INFIX.charAt(i);
            }
        }
    }

    /** @return the start of every temp name of {@code name}: all of it, or as much as fits */
    static Name prefixOf(Name name) {
        return name.prefix(NAME_MAX - SUFFIX_BYTES);
    }
}
