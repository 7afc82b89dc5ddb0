package dev.durafile.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Where the benchmarks write, and what. Durability benchmarks write under {@value #DISK_ENV} (default
 * {@value #DISK_DEFAULT}), which must be on a real disk: tmpfs is refused, because its fsync does
 * nothing. The call-overhead benchmark writes under {@value #TMPFS_ENV} (default {@value #TMPFS_DEFAULT}),
 * which must be tmpfs, so that no disk time hides the cost of a call. Environment variables, not
 * system properties, because JMH's forked JVMs inherit the environment.
 */
final class BenchDirs {
    /** The flag every fork needs for the panama backend (accepted by JDK 17 too). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    static final String DISK_ENV = "DURAFILE_BENCH_DIR";
    static final String DISK_DEFAULT = "/var/tmp/durafile-bench";
    static final String TMPFS_ENV = "DURAFILE_BENCH_TMPFS";
    static final String TMPFS_DEFAULT = "/dev/shm/durafile-bench";

    private BenchDirs() {
    }

    /** @return a new, empty directory on the benchmark disk */
    static Path onDisk(String label) throws IOException {
        Path dir = create(DISK_ENV, DISK_DEFAULT, label);
        if (isTmpfs(dir)) {
            delete(dir);
            throw new IllegalStateException(DISK_ENV + " is on tmpfs, where fsync does nothing; "
                    + "point it at a directory on a real disk");
        }
        return dir;
    }

    /** @return a new, empty directory on tmpfs */
    static Path onTmpfs(String label) throws IOException {
        Path dir = create(TMPFS_ENV, TMPFS_DEFAULT, label);
        if (!isTmpfs(dir)) {
            delete(dir);
            throw new IllegalStateException(TMPFS_ENV + " (" + dir.getParent() + ") is not on tmpfs");
        }
        return dir;
    }

    private static Path create(String env, String fallback, String label) throws IOException {
        String base = System.getenv(env);
        Path parent = Paths.get(base == null || base.isEmpty() ? fallback : base).toAbsolutePath();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, label + "-");
    }

    private static boolean isTmpfs(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return store.type().equals("tmpfs");
    }

    /** Deletes {@code dir} and everything in it. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** @return {@code size} reproducible, incompressible bytes */
    static byte[] content(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }
}
