package dev.durafile.cli;

import dev.durafile.AtomicFiles;
import dev.durafile.FileTransaction;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The two ways the crash demo writes its job file, or its several files. */
enum Writer {
    /**
     * One file: in place, as {@code File.WriteAllText} and
     * {@link Files#write(Path, byte[], java.nio.file.OpenOption...)} do. Several: one atomic write per
     * file, one after the other (each file whole, the set not).
     */
    NAIVE {
        @Override
        void write(List<Path> files, byte[] data, WriteOptions options, Path journal) throws IOException {
            if (files.size() == 1) {
                Files.write(files.get(0), data);
                return;
            }
            for (Path f : files) {
                AtomicFiles.write(f, data, options);
            }
        }
    },
    /**
     * Through durafile: one file by an atomic write (temp file, sync, rename, directory sync, as
     * {@code options} say); several in one transaction.
     */
    DURAFILE {
        @Override
        void write(List<Path> files, byte[] data, WriteOptions options, Path journal) throws IOException {
            if (files.size() == 1) {
                AtomicFiles.write(files.get(0), data, options);
                return;
            }
            try (FileTransaction tx = AtomicFiles.transaction(journal, options)) {
                for (Path f : files) {
                    tx.write(f, data);
                }
                tx.commit();
            }
        }
    };

    /**
     * Replaces the content of each of {@code files} with {@code data}.
     *
     * @param options the durability of a durafile write (the naive single-file writer has none)
     * @param journal the transaction journal of several files
     */
    abstract void write(List<Path> files, byte[] data, WriteOptions options, Path journal) throws IOException;

    /** @return the name in lower case, as on the command line and in reports */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code naive} or {@code durafile}
     * @return that writer
     * @throws IllegalArgumentException for any other text
     */
    static Writer of(String label) {
        for (Writer w : values()) {
            if (w.label().equals(label)) {
                return w;
            }
        }
        throw new IllegalArgumentException("expected naive or durafile");
    }
}
