package dev.durafile.crash;

import dev.durafile.Durability;
import dev.durafile.FileTransaction;
import dev.durafile.SnapshotDirectory;
import dev.durafile.WriteOptions;
import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The child process of the crash tests. {@code loop WRITER TARGET FIRST_VERSION} rewrites TARGET with
 * versions FIRST_VERSION, FIRST_VERSION+1, ... forever, printing {@code ACK v} after each write returned.
 * {@code once WRITER TARGET VERSION} prints {@code READY <thread id>}, waits for a line on standard input, writes
 * VERSION once and prints {@code ACK VERSION}.
 *
 * <p>WRITER is {@code durafile:<backend>:<level>} or one of the deliberately broken writers of the
 * negative controls: {@code no-temp-fsync} (renames an unsynced temp, then syncs the directory),
 * {@code in-place} (truncates the target and writes into it, then fsyncs) and {@code exchange-backup}
 * (keeps a backup by exchanging a staged file with the target). {@code durafile:<backend>:<level>:backup}
 * writes with {@link WriteOptions.Builder#keepBackup}. {@code tx:<backend>:<level>} commits the version
 * to TARGET's three files ({@link TxFiles}) in one transaction; {@code naive-multi} writes them with
 * three separate atomic writes (each file crash-proof, the three together not); {@code recover:<backend>}
 * recovers TARGET's journal (the version is ignored); {@code snapshot} publishes a generation of three
 * files to the snapshot directory whose link is TARGET (backend by {@code -Ddurafile.backend}),
 * {@code naive-snapshot} rewrites the current generation's files in place instead, and
 * {@code unsynced-snapshot} switches the link to a generation whose files were never synced.
 */
public final class CrashWriter {
    private static final int IN_PLACE_CHUNK = 8192;

    private CrashWriter() {
    }

    interface Writer {
        void write(Path target, byte[] data) throws IOException;
    }

    static Writer writer(String spec) {
        if (spec.startsWith("durafile:")) {
            String[] p = spec.split(":");
            Engine engine = new Engine(Backends.load(p[1]));
            WriteOptions options = WriteOptions.builder().durability(Durability.valueOf(p[2]))
                    .keepBackup(p.length > 3 && p[3].equals("backup")).build();
            return (target, data) -> engine.write(target, ByteBuffer.wrap(data), options);
        }
        if (spec.startsWith("tx:")) {
            String[] p = spec.split(":");
            Engine engine = new Engine(Backends.load(p[1]));
            WriteOptions options = WriteOptions.builder().durability(Durability.valueOf(p[2])).build();
            return (target, data) -> {
                try (FileTransaction tx = engine.transaction(TxFiles.journal(target), options)) {
                    for (Path f : TxFiles.of(target)) {
                        tx.write(f, data);
                    }
                    tx.commit();
                }
            };
        }
        if (spec.equals("snapshot")) {
            return (target, data) -> {
                SnapshotDirectory link = SnapshotDirectory.open(target);
                link.publish(Map.of("a.json", data, "b.json", data, "certs/c.pem", data));
            };
        }
        if (spec.equals("naive-snapshot")) {
            return (target, data) -> {
                Path current = SnapshotDirectory.open(target).current();
                for (String n : List.of("a.json", "b.json", "certs/c.pem")) {
                    Files.write(current.resolve(n), data);
                }
            };
        }
        if (spec.startsWith("recover:")) {
            Engine engine = new Engine(Backends.load(spec.substring("recover:".length())));
            return (target, data) -> engine.recover(TxFiles.journal(target));
        }
        switch (spec) {
            case "naive-multi":
                return (target, data) -> {
                    Engine engine = new Engine(Backends.load("jna"));
                    for (Path f : TxFiles.of(target)) {
                        engine.write(f, ByteBuffer.wrap(data), WriteOptions.defaults());
                    }
                };
            case "no-temp-fsync":
                return CrashWriter::noTempFsync;
            case "unsynced-snapshot":
                return CrashWriter::unsyncedSnapshot;
            case "in-place":
                return CrashWriter::inPlace;
            case "exchange-backup":
                return CrashWriter::exchangeBackup;
            default:
                throw new IllegalArgumentException("unknown writer " + spec);
        }
    }

    private static void noTempFsync(Path target, byte[] data) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp." + UUID.randomUUID());
        Files.write(temp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * Publishes a generation the way that loses it: its files are written and never synced, the link is
     * switched by a rename and only the link's directory is synced.
     */
    private static void unsyncedSnapshot(Path link, byte[] data) throws IOException {
        String gen = "." + link.getFileName() + ".gen-naive-" + UUID.randomUUID();
        Path dir = Files.createDirectories(link.resolveSibling(gen).resolve("certs")).getParent();
        for (String n : List.of("a.json", "b.json", "certs/c.pem")) {
            Files.write(dir.resolve(n), data);
        }
        Path temp = link.resolveSibling(link.getFileName() + ".tmp." + UUID.randomUUID());
        Files.createSymbolicLink(temp, Path.of(gen));
        Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel parent = FileChannel.open(link.getParent(), StandardOpenOption.READ)) {
            parent.force(true);
        }
    }

    /**
     * Keeps a backup the way that loses it: the new content is staged under a temp name and exchanged
     * with the target, so for a moment the previous version exists only under that temp name (with its
     * old mtime), before it is renamed to {@code <name>.bak}.
     */
    private static void exchangeBackup(Path target, byte[] data) throws IOException {
        Engine engine = new Engine(Backends.load("jna"));
        Path staged = target.resolveSibling(target.getFileName() + ".tmp." + UUID.randomUUID());
        engine.createNew(staged, ByteBuffer.wrap(data), WriteOptions.defaults());
        engine.exchange(staged, target);
        Files.move(staged, target.resolveSibling(target.getFileName() + ".bak"), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes the way {@code Files.write} and most stream writers do, into the target itself: truncates
     * it, writes 8 KiB at a time, then fsyncs. Until its last write the target is incomplete.
     */
    private static void inPlace(Path target, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int off = 0; off < data.length; off += IN_PLACE_CHUNK) {
                ByteBuffer b = ByteBuffer.wrap(data, off, Math.min(IN_PLACE_CHUNK, data.length - off));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            ch.force(true);
        }
    }

    /**
     * Writes once to a scratch copy of TARGET's layout, so that the traced write loads no classes (whose
     * reads would be crash points of no interest) and makes only its own system calls.
     */
    private static void warmUp(String spec, Writer writer, String target, byte[] data) throws IOException {
        Path scratch = Files.createTempDirectory("crash-warm-up");
        try {
            Path t = scratch.resolve("d").resolve(Path.of(target).getFileName());
            TxFiles.setUp(t, 0);
            if (spec.endsWith("snapshot")) {
                Files.delete(t);
                SnapshotDirectory.open(t).publish(Map.of("a.json", data, "b.json", data, "certs/c.pem", data));
            }
            writer.write(t, data);
        } finally {
            // a transaction's clean-up runs on after its commit returned: try again until it is done
            for (int attempt = 0; attempt < 100 && Files.exists(scratch); attempt++) {
                try (java.util.stream.Stream<Path> all = Files.walk(scratch)) {
                    for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    sleep();
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Writer writer = writer(args[1]);
        Path target = Path.of(args[2]);
        long version = Long.parseLong(args[3]);
        if (args[0].equals("loop")) {
            for (long v = version;; v++) {
                writer.write(target, Versions.content(v));
                System.out.println("ACK " + v);
                System.out.flush();
            }
        }
        byte[] data = Versions.content(version);
        warmUp(args[1], writer, args[2], data);
        // this thread's kernel id, so that strace can attach to the writing thread alone
        System.out.println("READY " + Path.of("/proc/thread-self").toRealPath().getFileName());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        writer.write(target, data);
        System.out.println("ACK " + version);
        System.out.flush();
    }
}
