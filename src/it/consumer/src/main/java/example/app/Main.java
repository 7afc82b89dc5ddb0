package example.app;

import dev.durafile.AtomicFiles;
import dev.durafile.json.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a file and a JSON document with durafile into the directory given, reads both back and
 * checks them byte for byte and the directory for leftovers; prints {@code backend=NAME} and
 * {@code module=NAME} and exits 0, or prints what is wrong and exits 1.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        String backend = AtomicFiles.backendName();
        byte[] data = ("written by " + backend + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("state.txt");
        AtomicFiles.write(file, data);
        AtomicFiles.write(file, data);
        byte[] back = Files.readAllBytes(file);
        Path json = dir.resolve("state.json");
        Map<String, Object> doc = Map.of("backend", backend, "sizes", List.of(1, 2, 3));
        JsonFiles.write(json, doc);
        Map<?, ?> read = JsonFiles.read(json, Map.class);
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        if (!Arrays.equals(data, back)) {
            fail("state.txt reads back as " + new String(back, StandardCharsets.UTF_8));
        }
        if (!doc.equals(read)) {
            fail("state.json reads back as " + read);
        }
        if (!names.equals(List.of("state.json", "state.txt"))) {
            fail("the directory holds " + names);
        }
        System.out.println("backend=" + backend);
        System.out.println("module=" + AtomicFiles.class.getModule().getName());
    }

    private static void fail(String why) {
        System.out.println("FAIL: " + why);
        System.exit(1);
    }
}
