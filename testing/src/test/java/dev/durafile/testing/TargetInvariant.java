package dev.durafile.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The invariants of CRASH-TESTING.md for one target after a crash, byte for byte: the target holds
 * exactly OLD or NEW (absent or NEW for a first create), never empty, zero-filled, truncated or mixed;
 * NEW once a durable write has returned; nothing but the target and its temp files
 * {@code <name>.tmp.<uuid>} in its directory. Failures name what the target held.
 */
final class TargetInvariant implements CrashTester.Invariant {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final String target;
    private final byte[] old;
    private final byte[] fresh;
    private final boolean durable;

    private TargetInvariant(String target, byte[] old, byte[] fresh, boolean durable) {
        this.target = target;
        this.old = old;
        this.fresh = fresh;
        this.durable = durable;
    }

    /** OLD or NEW; NEW after the action returned. */
    static TargetInvariant durable(String target, byte[] old, byte[] fresh) {
        return new TargetInvariant(target, old, fresh, true);
    }

    /** OLD or NEW, whenever the crash came. */
    static TargetInvariant atomic(String target, byte[] old, byte[] fresh) {
        return new TargetInvariant(target, old, fresh, false);
    }

    /** Absent or NEW; NEW after the action returned. */
    static TargetInvariant durableCreate(String target, byte[] fresh) {
        return new TargetInvariant(target, null, fresh, true);
    }

    @Override
    public void check(Path root, CrashPoint point) throws IOException {
        Path t = root.resolve(target);
        checkDirectory(t);
        boolean mustBeNew = durable && point.returned();
        if (!Files.exists(t)) {
            if (old != null || mustBeNew) {
                throw new AssertionError("target missing" + (mustBeNew ? ": acknowledged write lost" : ""));
            }
            return;
        }
        if (!Files.isRegularFile(t)) {
            throw new AssertionError("target is not a regular file");
        }
        byte[] now = Files.readAllBytes(t);
        if (Arrays.equals(now, fresh)) {
            return;
        }
        if (old != null && Arrays.equals(now, old)) {
            if (mustBeNew) {
                throw new AssertionError("acknowledged write lost: target holds OLD");
            }
            return;
        }
        throw new AssertionError("target is " + describe(now));
    }

    /** Only the target and its temp files may be in its directory (if that exists). */
    private static void checkDirectory(Path t) throws IOException {
        Path dir = t.getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Pattern temp = Pattern.compile(Pattern.quote(t.getFileName().toString()) + "\\.tmp\\." + UUID.pattern());
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> strays = entries.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(t.getFileName().toString()) && !temp.matcher(n).matches())
                    .collect(Collectors.toList());
            if (!strays.isEmpty()) {
                throw new AssertionError("unexpected entries beside the target: " + strays);
            }
        }
    }

    private String describe(byte[] now) {
        if (now.length == 0) {
            return "empty";
        }
        int zeros = 0;
        for (byte b : now) {
            zeros += b == 0 ? 1 : 0;
        }
        if (zeros == now.length) {
            return "zero-filled (" + now.length + " bytes)";
        }
        String kind = zeros > 0 ? "partly zeroed" : "mixed";
        if (isPrefix(now, fresh) || old != null && isPrefix(now, old)) {
            kind = "truncated";
        }
        return kind + " (" + now.length + " bytes, " + zeros + " zero bytes)";
    }

    private static boolean isPrefix(byte[] a, byte[] of) {
        return a.length < of.length && Arrays.equals(a, 0, a.length, of, 0, a.length);
    }

    /** @return {@code n} non-zero bytes following a pattern that {@code salt} makes distinct */
    static byte[] content(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (1 + (i * salt + salt) % 251);
        }
        return b;
    }
}
