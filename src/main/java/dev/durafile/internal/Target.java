package dev.durafile.internal;

import dev.durafile.SymlinkPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A write's target after symlink resolution: its directory, open, its name in it, and what lstat
 * relative to that directory found there. The directory is the one the write publishes into: every
 * later step acts relative to it, so a path swapped afterwards cannot redirect the write.
 */
final class Target implements Closeable {
    /** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
    private static final int MAX_SYMLINKS = 40;

    /** The target as the caller named it, for messages. */
    final String requested;
    /** The final target's absolute path. */
    final Path path;
    final FileBinding.Directory dir;
    final Name name;
    /** What is at {@link #name} now (a symbolic link is not followed), or null if nothing is. */
    final FileBinding.Stat existing;

    private Target(String requested, Path path, FileBinding.Directory dir, Name name, FileBinding.Stat existing) {
        this.requested = requested;
        this.path = path;
        this.dir = dir;
        this.name = name;
        this.existing = existing;
    }

    /** @return true if anything, a symbolic link included, is at the target's name */
    boolean present() {
        return existing != null;
    }

    /** @return true if a regular file is at the target's name (a symbolic link being replaced does not count) */
    boolean exists() {
        return existing != null && existing.kind == FileBinding.Kind.REGULAR;
    }

    /**
     * Resolves a requested target and opens its directory.
     *
     * @throws IllegalArgumentException if the path is empty
     * @throws java.nio.file.FileSystemException if it names a directory, a special file, the root, a
     *     name longer than NAME_MAX, or a symlink loop
     */
    static Target open(FileBinding binding, Path requested, SymlinkPolicy policy) throws IOException {
        return open(binding, requested, policy, "write");
    }

    /** {@link #open(FileBinding, Path, SymlinkPolicy)} for {@code operation}, which refusals name. */
    static Target open(FileBinding binding, Path requested, SymlinkPolicy policy, String operation)
            throws IOException {
        Objects.requireNonNull(requested, "target");
        String asked = requested.toString();
        if (asked.isEmpty()) {
            throw new IllegalArgumentException("target path is empty");
        }
        Path p = requested.toAbsolutePath();
        for (int hops = 0;; hops++) {
            Name name = Name.fileNameOf(p);
            if (name == null || name.isDotOrDotDot()) {
                throw Failures.of(operation, requested, "not a file path");
            }
            TempNames.checkLength(name, asked);
            FileBinding.Directory dir = binding.openParent(p);
            try {
                FileBinding.Stat s = dir.stat(name);
                check(requested, s, operation);
                if (s == null || s.kind != FileBinding.Kind.SYMLINK || policy != SymlinkPolicy.FOLLOW) {
                    return new Target(asked, p, dir, name, s);
                }
                if (hops == MAX_SYMLINKS) {
                    throw Failures.of("resolve symbolic link", requested, "too many levels of symbolic links (ELOOP)");
                }
                Path link = dir.readLink(name);
                dir.close();
                p = p.resolveSibling(link);
            } catch (IOException | RuntimeException | Error e) {
                Closing.closeAfter(dir, e);
                throw e;
            }
        }
    }

    private static void check(Path requested, FileBinding.Stat s, String operation) throws IOException {
        if (s == null) {
            return;
        }
        if (s.kind == FileBinding.Kind.DIRECTORY) {
            throw Failures.of(operation, requested, "target is a directory (EISDIR)");
        }
        if (s.kind == FileBinding.Kind.OTHER) {
            throw Failures.of(operation, requested, "target is not a regular file (a device, FIFO or socket)");
        }
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
