package dev.durafile.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link CrashFileSystem}: Unix syntax, {@code /} as the only root and separator, purely
 * lexical operations. The empty path {@code ""} is relative, has one (empty) name and resolves to the root.
 */
final class CrashPath implements Path {
    private final CrashFileSystem fs;
    private final boolean absolute;
    /** The names; none is empty, except for the empty path, which is relative and has no names here. */
    private final List<String> names;

    private CrashPath(CrashFileSystem fs, boolean absolute, List<String> names) {
        this.fs = fs;
        this.absolute = absolute;
        this.names = names;
    }

    static CrashPath root(CrashFileSystem fs) {
        return new CrashPath(fs, true, List.of());
    }

    /** Parses {@code first} and {@code more} joined by {@code /}, as {@link java.nio.file.FileSystem#getPath} does. */
    static CrashPath parse(CrashFileSystem fs, String first, String... more) {
        StringBuilder joined = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) {
                if (joined.length() > 0) {
                    joined.append('/');
                }
                joined.append(m);
            }
        }
        String s = joined.toString();
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidPathException(s, "Nul character not allowed", nul);
        }
        List<String> names = new ArrayList<>();
        for (String n : s.split("/")) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return new CrashPath(fs, s.startsWith("/"), List.copyOf(names));
    }

    private CrashPath with(boolean abs, List<String> newNames) {
        return new CrashPath(fs, abs, List.copyOf(newNames));
    }

    private boolean isEmptyPath() {
        return !absolute && names.isEmpty();
    }

    /** {@return the names of this path, for lookups (the empty path has none)} */
    List<String> names() {
        return names;
    }

    static CrashPath cast(Path p) {
        if (!(p instanceof CrashPath)) {
            throw new ProviderMismatchException("not a path of a CrashFileSystem: " + p);
        }
        return (CrashPath) p;
    }

    private CrashPath sameFs(Path p) {
        CrashPath c = cast(p);
        if (c.fs != fs) {
            throw new ProviderMismatchException("path of another CrashFileSystem: " + p);
        }
        return c;
    }

    @Override
    public CrashFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    @Override
    public Path getRoot() {
        return absolute ? root(fs) : null;
    }

    @Override
    public Path getFileName() {
        if (isEmptyPath()) {
            return this;
        }
        return names.isEmpty() ? null : with(false, List.of(names.get(names.size() - 1)));
    }

    @Override
    public Path getParent() {
        if (names.isEmpty() || names.size() == 1 && !absolute) {
            return null;
        }
        return with(absolute, names.subList(0, names.size() - 1));
    }

    @Override
    public int getNameCount() {
        return isEmptyPath() ? 1 : names.size();
    }

    @Override
    public Path getName(int index) {
        return subpath(index, index + 1);
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (isEmptyPath() && beginIndex == 0 && endIndex == 1) {
            return this;
        }
        if (beginIndex < 0 || endIndex > names.size() || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of " + this);
        }
        return with(false, names.subList(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(other instanceof CrashPath) || ((CrashPath) other).fs != fs) {
            return false;
        }
        CrashPath o = (CrashPath) other;
        if (o.isEmptyPath()) {
            return isEmptyPath();
        }
        return o.absolute == absolute && o.names.size() <= names.size()
                && names.subList(0, o.names.size()).equals(o.names);
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(other instanceof CrashPath) || ((CrashPath) other).fs != fs) {
            return false;
        }
        CrashPath o = (CrashPath) other;
        if (o.absolute) {
            return equals(o);
        }
        if (o.isEmptyPath()) {
            return isEmptyPath();
        }
        return o.names.size() <= names.size()
                && names.subList(names.size() - o.names.size(), names.size()).equals(o.names);
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals(".")) {
                continue;
            }
            if (n.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (absolute) {
                    continue;
                }
            }
            out.add(n);
        }
        return with(absolute, out);
    }

    @Override
    public Path resolve(Path other) {
        CrashPath o = sameFs(other);
        if (o.absolute || isEmptyPath()) {
            return o;
        }
        if (o.isEmptyPath()) {
            return this;
        }
        List<String> joined = new ArrayList<>(names);
        joined.addAll(o.names);
        return with(absolute, joined);
    }

    @Override
    public Path resolve(String other) {
        return resolve(parse(fs, other));
    }

    @Override
    public Path relativize(Path other) {
        CrashPath o = sameFs(other);
        if (o.absolute != absolute) {
            throw new IllegalArgumentException("cannot relativize " + other + " against " + this
                    + ": one is absolute, the other is not");
        }
        int common = 0;
        while (common < names.size() && common < o.names.size() && names.get(common).equals(o.names.get(common))) {
            common++;
        }
        List<String> out = new ArrayList<>(Collections.nCopies(names.size() - common, ".."));
        out.addAll(o.names.subList(common, o.names.size()));
        return with(false, out);
    }

    @Override
    public URI toUri() {
        try {
            String p = toAbsolutePath().toString();
            return new URI(fs.provider().getScheme(), fs.id(), p, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot make a URI of " + this, e);
        }
    }

    @Override
    public CrashPath toAbsolutePath() {
        return absolute ? this : (CrashPath) root(fs).resolve(this);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return fs.kernel().realPath(this);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("CrashFileSystem has no watch service");
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(sameFs(other).toString());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CrashPath)) {
            return false;
        }
        CrashPath p = (CrashPath) o;
        return p.fs == fs && p.absolute == absolute && p.names.equals(names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(fs), absolute, names);
    }

    @Override
    public String toString() {
        return (absolute ? "/" : "") + String.join("/", names);
    }
}
