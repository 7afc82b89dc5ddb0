package dev.durafile.crash;

import dev.durafile.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process sharing a journal: recovers it over and over until the file {@code args[1]} exists, then
 * prints {@code DONE <recoveries>}; any failure is printed as {@code FAIL <exception>} and ends it.
 */
public final class RecoverLoopChild {
    private RecoverLoopChild() {
    }

    public static void main(String[] args) throws IOException {
        Path journal = Path.of(args[0]);
        Path stop = Path.of(args[1]);
        System.out.println("READY");
        long n = 0;
        try {
            while (!Files.exists(stop)) {
                AtomicFiles.recover(journal);
                n++;
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("FAIL " + e);
            System.exit(1);
        }
        System.out.println("DONE " + n);
    }
}
