package dev.durafile.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The three files a crash test's transaction writes for one TARGET, in two directories, and its
 * journal: {@code d/job.json}, {@code d/job.json.stats}, {@code other/job.json.copy} and
 * {@code journal}, all beside {@code d}.
 */
final class TxFiles {
    private TxFiles() {
    }

    static List<Path> of(Path target) {
        String n = target.getFileName().toString();
        return List.of(target, target.resolveSibling(n + ".stats"),
                target.getParent().resolveSibling("other").resolve(n + ".copy"));
    }

    static Path journal(Path target) {
        return target.getParent().resolveSibling("journal");
    }

    /**
     * Empties the directories (temps and records of earlier runs included), then writes version
     * {@code v} to all three files, plainly.
     */
    static void setUp(Path target, long v) throws IOException {
        for (Path d : List.of(target.getParent(), of(target).get(2).getParent(), journal(target))) {
            if (Files.isDirectory(d)) {
                for (String n : dev.durafile.TestSupport.names(d)) {
                    Files.delete(d.resolve(n));
                }
            }
        }
        for (Path f : of(target)) {
            Files.createDirectories(f.getParent());
            Files.write(f, Versions.content(v));
        }
        Files.createDirectories(journal(target));
        Files.setPosixFilePermissions(journal(target), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * @param acked the highest version a commit of which returned before the crash (or -1)
     * @param highest the highest version the crashed writer may have been writing
     * @return null if all three hold one complete version, at least {@code acked} and at most
     *     {@code highest}, else what is wrong
     */
    static String check(Path target, long acked, long highest) throws IOException {
        long first = -3;
        StringBuilder seen = new StringBuilder();
        boolean mixed = false;
        for (Path f : of(target)) {
            long v;
            try {
                v = Versions.versionOf(Files.readAllBytes(f));
            } catch (NoSuchFileException e) {
                v = -2;
            }
            seen.append(seen.length() == 0 ? "" : ", ").append(f.getFileName()).append(' ')
                    .append(v == -2 ? "missing" : v == -1 ? "no complete version" : "v" + v);
            if (v < 0) {
                return "a file is incomplete: " + seen;
            }
            mixed |= first != -3 && v != first;
            first = first == -3 ? v : first;
        }
        if (mixed) {
            return "mixed: " + seen;
        }
        if (first < acked) {
            return "rolled back to v" + first + " although v" + acked + " was acknowledged";
        }
        if (first > highest) {
            return "holds v" + first + ", never written";
        }
        return null;
    }
}
