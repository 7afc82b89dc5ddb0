package dev.durafile.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transaction's temp file as its journal record names it: the inode, the length and the CRC32C of
 * the content written. Recovery publishes a temp only if all three match, so a temp that a power cut
 * left short or zero-filled is never published (the record is synced in the same round as the temps).
 *
 * @param inode the temp's inode number ({@link FileBinding.Stat#inode()})
 * @param length its length in bytes
 * @param crc the CRC32C of its content
 */
record ContentKey(String inode, long length, long crc) {
    private static final Pattern FORM = Pattern.compile("([^/]+)/(\\d+)/([0-9a-f]{1,8})");

    /** @return the form a record keeps: {@code inode/length/crc} (crc in hex) */
    @Override
    public String toString() {
        return inode + "/" + length + "/" + Long.toHexString(crc);
    }

    /** @return the key {@code text} names, or null if it is not one */
    static ContentKey parse(String text) {
        Matcher m = FORM.matcher(text);
        return m.matches() ? new ContentKey(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3), 16))
                : null;
    }
}
