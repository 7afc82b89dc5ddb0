package dev.durafile;

import java.nio.file.Path;

/**
 * What a file system supports of the features durafile can use, as found by
 * {@link AtomicFiles#probe(Path)} trying each one. Immutable.
 */
public final class FileSystemCapabilities {
    private final Path directory;
    private final String type;
    private final String backend;
    private final boolean renameNoReplace;
    private final boolean renameExchange;
    private final boolean tmpFile;
    private final boolean hardLinks;
    private final boolean directorySync;

    /**
     * For durafile's probe only.
     *
     * @param directory the directory probed
     * @param type the file system type, e.g. {@code ext4}
     * @param backend the backend that probed
     * @param renameNoReplace renameat2 RENAME_NOREPLACE works
     * @param renameExchange renameat2 RENAME_EXCHANGE works
     * @param tmpFile O_TMPFILE works
     * @param hardLinks hard links work
     * @param directorySync fsync of a directory works
     */
    public FileSystemCapabilities(Path directory, String type, String backend, boolean renameNoReplace,
            boolean renameExchange, boolean tmpFile, boolean hardLinks, boolean directorySync) {
        this.directory = directory;
        this.type = type;
        this.backend = backend;
        this.renameNoReplace = renameNoReplace;
        this.renameExchange = renameExchange;
        this.tmpFile = tmpFile;
        this.hardLinks = hardLinks;
        this.directorySync = directorySync;
    }

    /** {@return the directory probed} */
    public Path directory() {
        return directory;
    }

    /** {@return the file system type as the JDK reports it, e.g. {@code ext4}, {@code xfs}, {@code tmpfs}} */
    public String type() {
        return type;
    }

    /** {@return the backend that probed; java.nio reports the renameat2 features and O_TMPFILE as absent} */
    public String backend() {
        return backend;
    }

    /** {@return true if {@link AtomicFiles#createNew} can use RENAME_NOREPLACE (else it links and unlinks)} */
    public boolean renameNoReplace() {
        return renameNoReplace;
    }

    /** {@return true if {@link AtomicFiles#exchange} and {@link WriteOptions#keepBackup()} work here} */
    public boolean renameExchange() {
        return renameExchange;
    }

    /** {@return true if {@link TempStrategy#ANONYMOUS} gets unnamed temp files (else it uses named ones)} */
    public boolean tmpFile() {
        return tmpFile;
    }

    /** {@return true if hard links work (the fallback of createNew when RENAME_NOREPLACE does not)} */
    public boolean hardLinks() {
        return hardLinks;
    }

    /** {@return true if a directory can be fsynced (needed for {@link Durability#DURABLE})} */
    public boolean directorySync() {
        return directorySync;
    }

    @Override
    public String toString() {
        return directory + " (" + type + ", " + backend + "): RENAME_NOREPLACE=" + renameNoReplace
                + ", RENAME_EXCHANGE=" + renameExchange + ", O_TMPFILE=" + tmpFile + ", hard links=" + hardLinks
                + ", directory fsync=" + directorySync;
    }
}
