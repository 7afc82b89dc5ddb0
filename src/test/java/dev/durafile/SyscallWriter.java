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
 * so one level's directory fsync cannot be mistaken for another's).
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
    }
}
