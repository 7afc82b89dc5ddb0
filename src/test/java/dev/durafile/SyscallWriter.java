package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-process writer for {@link SyscallOrderTest}: with backend {@code args[0]}, writes
 * {@code <args[1]>/<level>/data.json} once per durability level (each level in its own directory,
 * so one level's directory fsync cannot be mistaken for another's). With {@code args[2] = features} it
 * also runs createNew, exchange, an ANONYMOUS write and a burst of 16 threads x 8 DURABLE writes into
 * {@code <args[1]>/group}; with {@code dirs}, it creates {@code tree/a/b} as another process would (no
 * fsync), then {@code createDirectories(tree/a/b/c/d)}.
 */
public final class SyscallWriter {
    private SyscallWriter() {
    }

    public static void main(String[] args) throws Exception {
        Engine engine = new Engine(Backends.load(args[0]));
        Path root = Path.of(args[1]);
        for (Durability level : Durability.values()) {
            Path dir = Files.createDirectories(root.resolve(level.name().toLowerCase(java.util.Locale.ROOT)));
            byte[] data = ("{\"level\":\"" + level + "\"}").getBytes(StandardCharsets.UTF_8);
            engine.write(dir.resolve("data.json"), ByteBuffer.wrap(data),
                    WriteOptions.builder().durability(level).build());
        }
        if (args.length > 2 && args[2].equals("features")) {
            features(engine, root);
        }
        if (args.length > 2 && args[2].equals("dirs")) {
            // another process created tree/a/b and made nothing durable
            Files.createDirectories(root.resolve("tree/a/b"));
            engine.createDirectories(root.resolve("tree/a/b/c/d"));
        }
    }

    private static void features(Engine engine, Path root) throws Exception {
        byte[] data = "{}".getBytes(StandardCharsets.UTF_8);
        engine.createNew(root.resolve("created.json"), ByteBuffer.wrap(data), WriteOptions.defaults());
        Files.write(root.resolve("left"), data);
        Files.write(root.resolve("right"), data);
        engine.exchange(root.resolve("left"), root.resolve("right"));
        engine.write(root.resolve("anon.json"), ByteBuffer.wrap(data),
                WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build());
        Path group = Files.createDirectory(root.resolve("group"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 8; i++) {
                    engine.write(group.resolve("f" + id + "-" + i), ByteBuffer.wrap(data), WriteOptions.defaults());
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }
}
