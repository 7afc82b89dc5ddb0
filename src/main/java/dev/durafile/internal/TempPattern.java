package dev.durafile.internal;

import java.nio.file.Path;

/**
 * Recognises the names of durafile's temp files, {@code <prefix>.tmp.<uuid>} (see {@link TempNames}):
 * a non-empty prefix, the infix {@link TempNames#INFIX}, and a canonical UUID of 36 characters
 * ({@code 8-4-4-4-12} lowercase hexadecimal digits). Anything else, such as {@code notes.tmp.txt},
 * {@code x.tmp.not-a-uuid}, an uppercase UUID or {@code .tmp.<uuid>} with nothing before it, is not
 * a temp name.
 */
public final class TempPattern {
    private static final int UUID_LENGTH = 36;
    private static final int SUFFIX_LENGTH = TempNames.INFIX.length() + UUID_LENGTH;

    private TempPattern() {
    }

    /**
     * @param name a file name (not a path)
     * @return true if {@code name} is exactly {@code <non-empty prefix>.tmp.<canonical lowercase uuid>}
     */
    public static boolean isTempName(String name) {
        int prefixLength = name.length() - SUFFIX_LENGTH;
        return prefixLength > 0 && name.startsWith(TempNames.INFIX, prefixLength)
                && isCanonicalUuid(name, prefixLength + TempNames.INFIX.length());
    }

    /**
     * @param temp a file name (not a path)
     * @param target a target's file name
     * @return true if {@code temp} is a temp name of a write to {@code target}: its bytes before the
     *     {@code .tmp.<uuid>} suffix are the target's name's bytes, or their shortened start when the
     *     target's name was too long for the whole temp name to fit in NAME_MAX. Compared as bytes, so
     *     two names that differ only in bytes that are not valid UTF-8 are told apart
     */
    public static boolean isTempOf(Path temp, Path target) {
        if (!isTempName(temp.toString())) {
            return false;
        }
        Name t = Name.of(temp);
        Name prefix = TempNames.prefixOf(Name.of(target));
        return t.length() - SUFFIX_LENGTH == prefix.length() && t.startsWith(prefix);
    }

    private static boolean isCanonicalUuid(String s, int start) {
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = s.charAt(start + i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
