package dev.durafile.internal;

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
     * @param tempName a name for which {@link #isTempName(String)} is true
     * @return its prefix: the target's file name, or the shortened start of it when the target's name
     *     was too long for the whole temp name to fit in NAME_MAX
     * @throws IllegalArgumentException if {@code tempName} is not a temp name
     */
    public static String targetNameOf(String tempName) {
        if (!isTempName(tempName)) {
            throw new IllegalArgumentException("not a durafile temp file name: " + tempName);
        }
        return tempName.substring(0, tempName.length() - SUFFIX_LENGTH);
    }

    /**
     * @param targetName a target's file name
     * @return the prefix that the temp files of writes to {@code targetName} carry, so that a temp
     *     {@code t} belongs to it when {@code targetNameOf(t).equals(prefixFor(targetName))}
     */
    public static String prefixFor(String targetName) {
        return targetNameOf(TempNames.forTarget(targetName));
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
