package dev.durafile.internal;

import dev.durafile.FileTransaction;
import dev.durafile.WriteOptions;
import java.nio.file.Path;

/**
 * A child JVM that dies (halt, as a kill leaves it: no shutdown hooks) in the middle of publishing a
 * committed transaction: {@code KilledCommit JOURNAL A B C} writes "new a" to A and "new b" to B in one
 * transaction, deletes C, and halts with status 137 right after A is published.
 */
public final class KilledCommit {
    private KilledCommit() {
    }

    public static void main(String[] args) throws Exception {
        ForwardingBinding binding = new ForwardingBinding(Backends.load("jna"));
        Path a = Path.of(args[1]);
        binding.afterRename = name -> {
            if (name.equals(a.getFileName().toString())) {
                Runtime.getRuntime().halt(137);
            }
        };
        try (FileTransaction tx = new Engine(binding).transaction(Path.of(args[0]), WriteOptions.defaults())) {
            tx.writeString(a, "new a");
            tx.writeString(Path.of(args[2]), "new b");
            tx.delete(Path.of(args[3]));
            tx.commit();
        }
    }
}
