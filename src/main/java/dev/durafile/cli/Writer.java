package dev.durafile.cli;

import dev.durafile.AtomicFiles;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The two ways the crash demo writes its job file. */
enum Writer {
    /** In place, as {@code File.WriteAllText} and {@link Files#write(Path, byte[], java.nio.file.OpenOption...)} do. */
    NAIVE {
        @Override
        void write(Path file, byte[] data, WriteOptions options) throws IOException {
            Files.write(file, data);
        }
    },
    /** Through durafile: temp file, sync, rename, directory sync, as {@code options} say. */
    DURAFILE {
        @Override
        void write(Path file, byte[] data, WriteOptions options) throws IOException {
            AtomicFiles.write(file, data, options);
        }
    };

    /**
     * Replaces the content of {@code file} with {@code data}.
     *
     * @param options the durability of a durafile write (the naive writer has none)
     */
    abstract void write(Path file, byte[] data, WriteOptions options) throws IOException;

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
