package dev.durafile.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The format of a transaction's record in its journal directory, {@code <txid>.tx}. Version 1, all
 * integers big-endian:
 *
 * <pre>
 * header   "DFTX" u8:version=1 u8[16]:txid
 * entry*   u8:op ('W' write, 'D' delete) u32:length body[length] u32:crc32c(op, length, body)
 *          write:  bytes:directory bytes:directory-identity bytes:name bytes:temp-name
 *          delete: bytes:directory bytes:directory-identity bytes:name bytes:file-identity
 * footer   u32:count bytes:temp-identity[count] u32:length-of-the-two u32:crc32c(every byte before it) "DFTC"
 * bytes    u16:length, then that many bytes (paths and names as the kernel sees them)
 * </pre>
 *
 * <p>Entries are appended, unsynced, as the transaction gains them, each before its temp file exists;
 * the footer is the commit: the transaction is committed once a record ending in a valid footer is
 * durable. A record is read as one of {@link Status}: a record without footer is open (a torn last
 * entry or header, as a crash or power cut leaves, ends it); a footer whose checksum fails, a footer
 * after a bad header, a bad entry under a valid footer, or another version is corrupt and never
 * applied.
 */
final class JournalRecord {
    static final String SUFFIX = ".tx";
    private static final byte[] MAGIC = {'D', 'F', 'T', 'X'};
    private static final byte[] FOOTER_MAGIC = {'D', 'F', 'T', 'C'};
    static final int VERSION = 1;
    static final int HEADER_BYTES = MAGIC.length + 1 + 16;
    private static final int FOOTER_FIXED_BYTES = 12;
    static final byte WRITE = 'W';
    static final byte DELETE = 'D';

    /** What a record on disk is. */
    enum Status {
        /** No complete header: created, nothing of it made durable; nothing to do but remove it. */
        EMPTY,
        /** Entries but no commit: the transaction never committed. */
        OPEN,
        /** Committed: every entry is to be published. */
        COMMITTED,
        /** Unreadable as a record of this version: never applied, kept aside for a person to look at. */
        CORRUPT
    }

    /** One change of a transaction. */
    static final class Entry {
        final byte op;
        /** The absolute path of the target's directory, as the kernel sees it. */
        final byte[] directory;
        /** The directory's identity ({@link FileBinding.Stat#key}), checked before acting in it. */
        final String directoryKey;
        final byte[] name;
        /** For a write, the temp file's name; for a delete, the identity of the file to delete. */
        final byte[] subject;

        Entry(byte op, byte[] directory, String directoryKey, byte[] name, byte[] subject) {
            this.op = op;
            this.directory = directory;
            this.directoryKey = directoryKey;
            this.name = name;
            this.subject = subject;
        }

        /** @return the identity of the file a delete removes */
        String fileKey() {
            return new String(subject, StandardCharsets.UTF_8);
        }
    }

    /** A record read back. */
    static final class Parsed {
        final Status status;
        final List<Entry> entries;
        /** For a committed record, the identity of each write's temp (empty for deletes). */
        final List<String> tempKeys;
        /** Why a record is corrupt, or what ended an open one early; null if nothing did. */
        final String problem;

        Parsed(Status status, List<Entry> entries, List<String> tempKeys, String problem) {
            this.status = status;
            this.entries = entries;
            this.tempKeys = tempKeys;
            this.problem = problem;
        }
    }

    private JournalRecord() {
    }

    static byte[] header(UUID txid) {
        return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put((byte) VERSION)
                .putLong(txid.getMostSignificantBits()).putLong(txid.getLeastSignificantBits()).array();
    }

    static byte[] entry(Entry e) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, e.directory);
        field(body, e.directoryKey.getBytes(StandardCharsets.UTF_8));
        field(body, e.name);
        field(body, e.subject);
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + b.length + 4).put(e.op).putInt(b.length).put(b);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        return out.putInt((int) crc.getValue()).array();
    }

    /**
     * @param running the checksum of every byte of the record so far; the footer's bytes are added to it
     * @param tempKeys the identity of each entry's temp, in entry order ("" for a delete)
     * @return the footer, which commits the record once durable
     */
    static byte[] footer(CRC32C running, List<String> tempKeys) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(tempKeys.size()).array());
        for (String k : tempKeys) {
            field(body, k.getBytes(StandardCharsets.UTF_8));
        }
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(b.length + FOOTER_FIXED_BYTES).put(b).putInt(b.length);
        running.update(out.array(), 0, out.position());
        return out.putInt((int) running.getValue()).put(FOOTER_MAGIC).array();
    }

    private static void field(ByteArrayOutputStream out, byte[] b) {
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("field of " + b.length + " bytes does not fit a journal record");
        }
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    /** @return the record {@code content} read as {@link Parsed} */
    static Parsed parse(byte[] content) {
        int len = content.length;
        boolean magic = len >= HEADER_BYTES && Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
        if (magic && content[MAGIC.length] != VERSION) {
            // perhaps a later durafile's committed record: never discarded
            return corrupt("record version " + (content[MAGIC.length] & 0xFF) + "; this durafile reads version "
                    + VERSION);
        }
        boolean footer = len >= HEADER_BYTES + FOOTER_FIXED_BYTES + 4
                && Arrays.equals(content, len - 4, len, FOOTER_MAGIC, 0, 4);
        if (!footer) {
            // never committed: a commit's footer is synced before anything is published
            if (!magic) {
                return new Parsed(allZero(content, 0, len) || isPrefix(content) ? Status.EMPTY : Status.OPEN,
                        List.of(), List.of(), len == 0 ? null : "a torn header");
            }
            List<Entry> entries = new ArrayList<>();
            String torn = entries(content, HEADER_BYTES, len, entries);
            return new Parsed(Status.OPEN, entries, List.of(), torn);
        }
        if (!magic) {
            return corrupt("a commit footer after a header that is not a durafile journal record's");
        }
        ByteBuffer b = ByteBuffer.wrap(content);
        int bodyLength = b.getInt(len - 12);
        int crcStored = b.getInt(len - 8);
        CRC32C crc = new CRC32C();
        crc.update(content, 0, len - 8);
        if ((int) crc.getValue() != crcStored) {
            return corrupt("the commit footer's checksum does not match the record");
        }
        int bodyStart = len - FOOTER_FIXED_BYTES - bodyLength;
        if (bodyLength < 4 || bodyStart < HEADER_BYTES) {
            return corrupt("the commit footer's length is impossible");
        }
        List<Entry> entries = new ArrayList<>();
        String bad = entries(content, HEADER_BYTES, bodyStart, entries);
        if (bad != null) {
            return corrupt("a committed entry is unreadable: " + bad);
        }
        int count = b.getInt(bodyStart);
        if (count != entries.size()) {
            return corrupt("the commit footer counts " + count + " entries, the record has " + entries.size());
        }
        List<String> keys = new ArrayList<>(count);
        int pos = bodyStart + 4;
        for (int i = 0; i < count; i++) {
            if (pos + 2 > len - FOOTER_FIXED_BYTES) {
                return corrupt("the commit footer is short");
            }
            int n = ((content[pos] & 0xFF) << 8) | (content[pos + 1] & 0xFF);
            pos += 2;
            if (pos + n > len - FOOTER_FIXED_BYTES) {
                return corrupt("the commit footer is short");
            }
            keys.add(new String(content, pos, n, StandardCharsets.UTF_8));
            pos += n;
        }
        return new Parsed(Status.COMMITTED, Collections.unmodifiableList(entries), keys, null);
    }

    /**
     * Reads entries from {@code content[from, to)} into {@code out}.
     *
     * @return null if they filled the range exactly, else what ended them early
     */
    private static String entries(byte[] content, int from, int to, List<Entry> out) {
        ByteBuffer b = ByteBuffer.wrap(content, 0, to);
        int pos = from;
        while (pos < to) {
            if (to - pos < 9) {
                return "a torn entry at byte " + pos;
            }
            byte op = content[pos];
            int length = b.getInt(pos + 1);
            if (op != WRITE && op != DELETE || length < 0 || length > to - pos - 9) {
                return "a torn entry at byte " + pos;
            }
            CRC32C crc = new CRC32C();
            crc.update(content, pos, 5 + length);
            if ((int) crc.getValue() != b.getInt(pos + 5 + length)) {
                return "an entry whose checksum fails at byte " + pos;
            }
            Entry e = decode(op, content, pos + 5, pos + 5 + length);
            if (e == null) {
                return "a malformed entry at byte " + pos;
            }
            out.add(e);
            pos += 9 + length;
        }
        return null;
    }

    private static Entry decode(byte op, byte[] content, int from, int to) {
        byte[][] fields = new byte[4][];
        int pos = from;
        for (int i = 0; i < fields.length; i++) {
            if (pos + 2 > to) {
                return null;
            }
            int n = ((content[pos] & 0xFF) << 8) | (content[pos + 1] & 0xFF);
            pos += 2;
            if (pos + n > to) {
                return null;
            }
            fields[i] = Arrays.copyOfRange(content, pos, pos + n);
            pos += n;
        }
        if (pos != to || fields[0].length == 0 || fields[0][0] != '/' || !isName(fields[2])
                || op == WRITE && !isName(fields[3])) {
            return null;
        }
        return new Entry(op, fields[0], new String(fields[1], StandardCharsets.UTF_8), fields[2], fields[3]);
    }

    /** @return true if {@code b} can be one directory entry's name */
    private static boolean isName(byte[] b) {
        if (b.length == 0 || b.length == 1 && b[0] == '.' || b.length == 2 && b[0] == '.' && b[1] == '.') {
            return false;
        }
        for (byte c : b) {
            if (c == '/' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static Parsed corrupt(String why) {
        return new Parsed(Status.CORRUPT, List.of(), List.of(), why);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return true if {@code b} is the start of a header (its magic, as far as it goes) */
    private static boolean isPrefix(byte[] b) {
        int n = Math.min(b.length, MAGIC.length);
        return Arrays.equals(b, 0, n, MAGIC, 0, n);
    }
}
