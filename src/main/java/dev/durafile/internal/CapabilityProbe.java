package dev.durafile.internal;

import dev.durafile.FileSystemCapabilities;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finds out, by trying each one in a directory, which of the features the protocol can use a file
 * system supports, and records the answers in the {@link Capabilities} cache. The probe's files are
 * named like temp files ({@code .durafile-probe.tmp.<uuid>}) and removed before it returns; a crash
 * mid-probe leaves them for the janitor.
 */
final class CapabilityProbe {
    private static final int PROBE_MODE = 0600;

    private CapabilityProbe() {
    }

    static FileSystemCapabilities probe(FileBinding binding, Path dir) throws IOException {
        List<Name> names = new ArrayList<>();
        try (FileBinding.Directory d = binding.openDirectory(dir)) {
            String type = type(d);
            boolean dirSync = directorySync(d);
            boolean tmpFile = tmpFile(d);
            Name a = name(d.path().getFileSystem(), names);
            Name b = name(d.path().getFileSystem(), names);
            Name c = name(d.path().getFileSystem(), names);
            Name linked = name(d.path().getFileSystem(), names);
            try {
                d.createExclusive(a, PROBE_MODE).close();
                d.createExclusive(c, PROBE_MODE).close();
                boolean noReplace = refusedAsUnsupported(() -> d.rename(a, d, b, FileBinding.RenameMode.NOREPLACE));
                Name existing = noReplace ? b : a;
                boolean exchange = refusedAsUnsupported(() -> d.rename(existing, d, c, FileBinding.RenameMode.EXCHANGE));
                boolean hardLinks = refusedAsUnsupported(() -> d.link(existing, linked));
                Capabilities cache = Capabilities.of(d);
                cache.noReplaceRefused = !noReplace;
                cache.exchangeRefused = !exchange;
                cache.tmpFileRefused = !tmpFile;
                return new FileSystemCapabilities(dir, type, binding.name(), noReplace, exchange, tmpFile, hardLinks,
                        dirSync);
            } finally {
                for (Name n : names) {
                    d.delete(n);
                }
            }
        }
    }

    /**
     * @return the file system's type as the mount table names it (e.g. {@code ext4}), or, where that
     *     cannot be read (no {@code /proc/mounts}), as statfs reports it
     */
    private static String type(FileBinding.Directory d) throws IOException {
        try {
            return Files.getFileStore(d.path()).type();
        } catch (IOException | RuntimeException e) {
            return d.fileSystemType();
        }
    }

    private static Name name(FileSystem fs, List<Name> names) {
        Name n = Name.of(fs, ".durafile-probe" + TempNames.INFIX + UUID.randomUUID());
        names.add(n);
        return n;
    }

    private static boolean directorySync(FileBinding.Directory d) {
        try {
            d.sync();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean tmpFile(FileBinding.Directory d) throws IOException {
        FileBinding.OpenFile f = d.createAnonymous(PROBE_MODE);
        if (f == null) {
            return false;
        }
        f.close();
        return true;
    }

    private interface Step {
        void run() throws IOException;
    }

    /** @return true if the step worked, false if it was refused as unsupported; other failures propagate */
    private static boolean refusedAsUnsupported(Step step) throws IOException {
        try {
            step.run();
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            return false;
        }
    }
}
