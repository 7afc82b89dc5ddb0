package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-process main for {@link UnprivilegedTest}, run as an unprivileged user:
 * {@code <backend> <dir> <name>...} replaces each {@code dir/name} with {@code new} and prints
 * {@code <name> ok} or {@code <name> failed: <exception>}.
 */
public final class UnprivilegedChild {
    private UnprivilegedChild() {
    }

    public static void main(String[] args) {
        Engine engine = new Engine(Backends.load(args[0]));
        Path dir = Path.of(args[1]);
        for (int i = 2; i < args.length; i++) {
            try {
                engine.write(dir.resolve(args[i]), ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)),
                        WriteOptions.defaults());
                System.out.println(args[i] + " ok");
            } catch (Exception e) {
                System.out.println(args[i] + " failed: " + e);
            }
        }
    }
}
