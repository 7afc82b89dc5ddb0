package dev.durafile.internal;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One entry name of a directory as the kernel sees it: bytes, not characters. A {@link Path} read from
 * a directory listing keeps its name's bytes, which its {@code toString()} form may not (invalid UTF-8
 * decodes to U+FFFD, and under {@code LANG=C} every non-ASCII byte does), so a name rebuilt from that
 * string would name another file or none. A Name holds the exact bytes, taken from the Path itself, and
 * a one-element Path with exactly those bytes for java.nio, made the first time it is asked for (a
 * native write needs only the bytes); {@link #toString()} is for messages only. Immutable.
 */
public final class Name {
    /** The JDK's file-name encoding: how it turns a Unix path's bytes into a String and back. */
    private static final Charset JNU = jnuCharset();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The name's bytes followed by a NUL, ready for a system call. */
    private final byte[] z;
    private final FileSystem fs;
    /**
     * The name as a Path of {@link #fs}, or null until {@link #path()} first makes it. Racing threads
     * may each make one; they are equal, and a Path is safe to publish without a lock.
     */
    private Path path;

    /** @param z the name's bytes followed by a NUL; kept, not copied */
    private Name(byte[] z, FileSystem fs, Path path) {
        this.z = z;
        this.fs = fs;
        this.path = path;
    }

    private static Charset jnuCharset() {
        String jnu = System.getProperty("sun.jnu.encoding");
        try {
            return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * @param fileName a path of one element (a file name, not "/" or empty)
     * @return its name with the path's own bytes
     */
    public static Name of(Path fileName) {
        // one name, which may end in '/' (a symbolic link's text can, and readSymbolicLink keeps it)
        if (fileName.getNameCount() != 1 || fileName.isAbsolute()) {
            throw new IllegalArgumentException("not a file name: " + fileName);
        }
        return new Name(cString(fileName), fileName.getFileSystem(), fileName);
    }

    /**
     * @param name a file name of the default file system, as the JDK would encode it
     * @return it as a Name
     */
    public static Name of(String name) {
        return of(FileSystems.getDefault(), name);
    }

    /**
     * @param fs the file system the name belongs to
     * @param name a name made by durafile itself, or read back by a binding
     * @return it as a Name, encoded as the JDK encodes file names
     */
    static Name of(FileSystem fs, String name) {
        return of(fs.getPath(name));
    }

    /** @return the name's bytes followed by a NUL, for a system call; shared: do not modify */
    byte[] cString() {
        return z;
    }

    /** @return a copy of the name's bytes (no NUL) */
    byte[] bytes() {
        return Arrays.copyOf(z, length());
    }

    /**
     * @param fs the file system the name belongs to
     * @param bytes the name's bytes, as a journal record kept them
     * @return the Name with exactly these bytes
     */
    static Name of(FileSystem fs, byte[] bytes) {
        for (byte b : bytes) {
            if (b == '/' || b == 0) {
                throw new IllegalArgumentException("not a file name: it holds a '/' or a NUL");
            }
        }
        if (bytes.length == 0 || Arrays.equals(bytes, new byte[] {'.'}) || Arrays.equals(bytes, new byte[] {'.', '.'})) {
            throw new IllegalArgumentException("not a file name: empty, '.' or '..'");
        }
        return new Name(Arrays.copyOf(bytes, bytes.length + 1), fs, null);
    }

    /** @return its length in bytes */
    int length() {
        return z.length - 1;
    }

    /** @return true if this name is {@code .} or {@code ..}, which name a directory, never a file in it */
    boolean isDotOrDotDot() {
        return z[0] == '.' && (z[1] == 0 || z[1] == '.' && z[2] == 0);
    }

    /** @return true if this name's bytes start with all of {@code prefix}'s */
    boolean startsWith(Name prefix) {
        int n = prefix.length();
        return n <= length() && Arrays.equals(z, 0, n, prefix.z, 0, n);
    }

    /** @return the JDK's file-name encoding ({@code sun.jnu.encoding}): how it decodes names and arguments */
    public static Charset fileNameCharset() {
        return JNU;
    }

    /** @return a relative Path of one element with exactly this name's bytes */
    public Path path() {
        Path p = path;
        if (p == null) {
            p = toPath(fs, bytes());
            path = p;
        }
        return p;
    }

    /** @return this name followed by {@code suffix} (ASCII) */
    public Name plus(String suffix) {
        return plus(suffix.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return this name followed by the bytes {@code tail} (no '/' and no NUL among them) */
    Name plus(byte[] tail) {
        int n = length();
        byte[] b = Arrays.copyOf(z, n + tail.length + 1);
        System.arraycopy(tail, 0, b, n, tail.length);
        b[b.length - 1] = 0;
        return new Name(b, fs, null);
    }

    /**
     * @param maxBytes the longest prefix wanted
     * @return this name cut to at most {@code maxBytes} bytes, never inside a UTF-8 sequence
     */
    Name prefix(int maxBytes) {
        if (length() <= maxBytes) {
            return this;
        }
        int end = maxBytes;
        for (int back = 0; back < 3 && end > 0 && (z[end] & 0xC0) == 0x80; back++) {
            end--;
        }
        byte[] b = Arrays.copyOf(z, end + 1);
        b[end] = 0;
        return new Name(b, fs, null);
    }

    /**
     * @return the bytes of {@code p} as the JDK keeps them. Fast where its String form is ASCII or
     *     encodes back to the same path; otherwise read from its {@code file:} URI, the one public form
     *     that carries a Unix path's raw bytes
     */
    public static byte[] bytes(Path p) {
        String s = p.toString();
        if (isAscii(s)) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        return encoded(p, s);
    }

    /**
     * @return the bytes of {@code p} as {@link #bytes(Path)} gives them, followed by a NUL: for a system
     *     call, in one array
     */
    static byte[] cString(Path p) {
        String s = p.toString();
        if (isAscii(s)) {
            return asciiCString(s, 0, s.length());
        }
        byte[] b = encoded(p, s);
        return Arrays.copyOf(b, b.length + 1);
    }

    /**
     * @param file an absolute path
     * @return {@code Name.of(file.getFileName())}, or null if {@code file} names no file: the root, or a
     *     path that ends in '/' (one made from a {@code file:} URI can keep one), which names a directory
     *     if anything. Read from {@code file}'s own String form where that is ASCII (a Path keeps it once
     *     made), so no Path is made for the name
     */
    static Name fileNameOf(Path file) {
        String s = file.toString();
        int slash = s.lastIndexOf('/');
        if (slash == s.length() - 1) {
            return null;
        }
        if (slash < 0 || !splitsAsText(file, s)) {
            Path name = file.getFileName();
            return name == null ? null : of(name);
        }
        return new Name(asciiCString(s, slash + 1, s.length()), file.getFileSystem(), null);
    }

    /**
     * @param file an absolute path with a {@link #fileNameOf file name}
     * @return {@link #cString(Path) cString}{@code (file.getParent())}, read from {@code file}'s own
     *     String form where that is ASCII (a Path keeps it once made), so no parent Path is made for it
     */
    static byte[] parentCString(Path file) {
        String s = file.toString();
        int slash = s.lastIndexOf('/');
        if (slash < 0 || slash == s.length() - 1 || !splitsAsText(file, s)) {
            return cString(file.getParent());
        }
        // the default file system's paths have no repeated '/', and this one does not end in one: the
        // parent ends before the last
        return asciiCString(s, 0, Math.max(slash, 1));
    }

    /**
     * @return true if {@code file}'s String form {@code s} holds exactly its bytes and splits as the
     *     JDK splits it: ASCII, of the default file system
     */
    private static boolean splitsAsText(Path file, String s) {
        return file.getFileSystem() == FileSystems.getDefault() && isAscii(s);
    }

    /** @return the ASCII characters {@code s[from, to)} as bytes, followed by a NUL */
    private static byte[] asciiCString(String s, int from, int to) {
        byte[] z = new byte[to - from + 1];
        for (int i = from; i < to; i++) {
            z[i - from] = (byte) s.charAt(i);
        }
        return z;
    }

    /** @return the bytes of {@code p}, whose String form {@code s} is not ASCII */
    private static byte[] encoded(Path p, String s) {
        if (p.getFileSystem() != FileSystems.getDefault()) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (p.getFileSystem().getPath(s).equals(p)) {
                return s.getBytes(JNU);
            }
        } catch (InvalidPathException e) {
            // not representable as a String here: read the bytes from the URI
        }
        boolean absolute = p.isAbsolute();
        String raw = (absolute ? p : p.getFileSystem().getPath("/").resolve(p)).toUri().getRawPath();
        byte[] decoded = percentDecode(raw);
        int from = absolute ? 0 : 1;
        int to = decoded.length > 1 && decoded[decoded.length - 1] == '/' ? decoded.length - 1 : decoded.length;
        return Arrays.copyOfRange(decoded, from, to);
    }

    /**
     * @param fs the file system
     * @param b a path's bytes (no NUL)
     * @return the Path with exactly these bytes, absolute if they start with '/'
     */
    public static Path toPath(FileSystem fs, byte[] b) {
        if (isAscii(b)) {
            return fs.getPath(new String(b, StandardCharsets.ISO_8859_1));
        }
        if (fs != FileSystems.getDefault()) {
            return fs.getPath(new String(b, StandardCharsets.UTF_8));
        }
        String s = new String(b, JNU);
        if (Arrays.equals(s.getBytes(JNU), b)) {
            try {
                return fs.getPath(s);
            } catch (InvalidPathException e) {
                // fall through to the URI, which takes any bytes
            }
        }
        if (b.length > 0 && b[0] == '/') {
            return fromUri(b, 0, b.length);
        }
        // a relative path is joined name by name: relativize() would collapse "a/../b" to "b", which
        // the kernel does not do after a symbolic link
        Path p = null;
        for (int start = 0; start < b.length;) {
            int end = start;
            while (end < b.length && b[end] != '/') {
                end++;
            }
            if (end > start) {
                Path name = fromUri(b, start, end).getFileName();
                p = p == null ? name : p.resolve(name);
            }
            start = end + 1;
        }
        return p != null ? p : fs.getPath("");
    }

    /** @return the absolute Path {@code "/" + b[from, to)} (a leading '/' in b is kept as it is) */
    private static Path fromUri(byte[] b, int from, int to) {
        StringBuilder uri = new StringBuilder((to - from) * 3 + 8).append(b[from] == '/' ? "file://" : "file:///");
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                uri.append((char) c);
            } else {
                uri.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return Path.of(URI.create(uri.toString()));
    }

    private static byte[] percentDecode(String raw) {
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out[n++] = (byte) Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Name && Arrays.equals(z, ((Name) o).z);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(z);
    }

    /** @return the name as the JDK shows it (bytes it cannot decode shown as U+FFFD); for messages only */
    @Override
    public String toString() {
        return path().toString();
    }
}
