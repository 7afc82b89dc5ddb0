package dev.durafile.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removal of a directory and everything in it, without ever following a symbolic link out of it. */
public final class Trees {
    private Trees() {
    }

    /**
     * Removes the entry {@code name} of {@code dir} and, if it is a directory (not a link to one),
     * everything in it. Each directory is opened relative to the one above it, never through a
     * symbolic link (a directory swapped for a link meanwhile fails the removal, and nothing the link
     * leads to is touched), and each entry is removed relative to its directory. Where the file system
     * offers no {@link SecureDirectoryStream} (java.nio has one on Linux's default file system), the
     * entries are removed by path, deepest first, links not followed. An absent entry is not an error.
     *
     * @param dir the directory holding the tree
     * @param name the tree's name in {@code dir} (one element)
     * @throws IOException if an entry cannot be removed; what was removed before stays removed
     */
    public static void delete(Path dir, Path name) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            if (ds instanceof SecureDirectoryStream) {
                deleteIn((SecureDirectoryStream<Path>) ds, name);
                return;
            }
        }
        Path root = dir.resolve(name);
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteIn(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        boolean directory;
        try {
            directory = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().isDirectory();
        } catch (NoSuchFileException e) {
            return;
        }
        if (!directory) {
            deleteQuietly(() -> parent.deleteFile(name));
            return;
        }
        try (SecureDirectoryStream<Path> child = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> names = new ArrayList<>();
            for (Path p : child) {
                names.add(p.getFileName());
            }
            for (Path n : names) {
                deleteIn(child, n);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        deleteQuietly(() -> parent.deleteDirectory(name));
    }

    /** A removal relative to an open directory. */
    @FunctionalInterface
    private interface Removal {
        void run() throws IOException;
    }

    private static void deleteQuietly(Removal r) throws IOException {
        try {
            r.run();
        } catch (NoSuchFileException e) {
            // removed meanwhile: what was asked for holds
        }
    }
}
