package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Child-process main for {@link FileNamesTest}, run under a chosen {@code LANG}: {@code <backend> <dir>}
 * takes every entry of {@code dir} from a directory listing (so each {@link Path} holds its name's own
 * bytes, which its String form may not) and acts on it by the number its name starts with
 * ({@code t<n>-...}): 1 a plain write, 2 a write keeping a backup, 3 an ANONYMOUS write, 4 a copy onto
 * it, 5 and 6 swapped with exchange (not on nio), {@code d7-...} gets {@code sub/deeper} created
 * in it, and 8 is written, and {@code d7-.../more} created, through the links in {@code l9/}. Prints {@code done}, or lets the failure end it.
 */
public final class FileNamesChild {
    private FileNamesChild() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        Engine engine = new Engine(Backends.load(backend));
        Path dir = Path.of(args[1]);
        Map<Character, Path> byNumber = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String text = entry.getFileName().toString();
                byNumber.put(text.charAt(1), entry);
            }
        }
        WriteOptions plain = WriteOptions.defaults();
        engine.write(byNumber.get('1'), bytes("new1"), plain);
        engine.write(byNumber.get('2'), bytes("new2"), WriteOptions.builder().keepBackup(true).build());
        engine.write(byNumber.get('3'), bytes("new3"), WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build());
        engine.copy(dir.resolve("source"), byNumber.get('4'), plain);
        if (!backend.equals("nio")) {
            engine.exchange(byNumber.get('5'), byNumber.get('6'));
        }
        engine.createDirectories(byNumber.get('7').resolve("sub/deeper"));
        // through links whose targets hold such bytes after "..": the kernel's resolution, not a lexical one
        engine.write(byNumber.get('9').resolve("link"), bytes("new8"), plain);
        engine.createDirectories(byNumber.get('9').resolve("dirlink/more"));
        System.out.println("jnu=" + System.getProperty("sun.jnu.encoding") + " done");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
