package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writes to names that are not what their String form says: invalid UTF-8 under {@code LANG=C.UTF-8},
 * any non-ASCII name under {@code LANG=C} (where the JDK decodes every byte above 0x7F to U+FFFD), and a
 * name of exactly 255 bytes of two-byte characters (whose temp name must be cut between characters).
 * The files are made, and every name and content checked, by the shell as bytes; the child JVM
 * ({@link FileNamesChild}) takes its paths from a directory listing, as a service would. Each write must
 * replace exactly the file its Path names, with no file under another name and no temp left.
 */
class FileNamesTest {
    /** "é" 126 times after "t3-": 255 bytes. */
    private static final String LONGEST = "t3-" + "\\303\\251".repeat(126);

    @TempDir
    Path dir;

    static void check(String backend, String lang, Path dir) throws Exception {
        Path work = dir.resolve("work");
        sh("mkdir " + work + " && cd " + work
                + " && printf old1 > \"$(printf 't1-f\\377.txt')\""
                + " && printf old2 > \"$(printf 't2-\\303\\251t\\303\\251.json')\""
                + " && printf old3 > \"$(printf '" + LONGEST + "')\""
                + " && printf old4 > \"$(printf 't4-\\342\\202')\""
                + " && printf old5 > \"$(printf 't5-\\377\\376')\""
                + " && printf old6 > \"$(printf 't6-\\376\\377')\""
                + " && mkdir \"$(printf 'd7-\\377')\""
                + " && printf old8 > \"$(printf 't8-\\377\\376')\""
                + " && mkdir l9 && ln -s \"$(printf '../t8-\\377\\376')\" l9/link"
                + " && ln -s \"$(printf '../d7-\\377')\" l9/dirlink"
                + " && printf new4 > source");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(ChildAsUser.flags(backend));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FileNamesChild.class.getName(), backend,
                work.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_"));
        pb.environment().put("LANG", lang);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains((lang.equals("C") ? "jnu=ANSI_X3.4-1968" : "jnu=UTF-8") + " done");

        boolean nio = backend.equals("nio");
        Map<String, String> expected = new TreeMap<>();
        expected.put("t1-f\\377.txt", "new1");
        expected.put("t2-\\303\\251t\\303\\251.json", "new2");
        expected.put("t2-\\303\\251t\\303\\251.json.bak", "old2");
        expected.put(LONGEST, "new3");
        expected.put("t4-\\342\\202", "new4");
        expected.put("t5-\\377\\376", nio ? "old5" : "old6");
        expected.put("t6-\\376\\377", nio ? "old6" : "old5");
        expected.put("d7-\\377", null);
        expected.put("d7-\\377/sub", null);
        expected.put("d7-\\377/sub/deeper", null);
        expected.put("d7-\\377/more", null);
        expected.put("t8-\\377\\376", "new8");
        expected.put("l9", null);
        expected.put("l9/link", null);
        expected.put("l9/dirlink", null);
        expected.put("source", "new4");
        assertThat(names(work)).isEqualTo(new ArrayList<>(expected.keySet()));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (e.getValue() != null) {
                assertThat(sh("cd " + work + " && cat -- \"$(printf '" + e.getKey() + "')\"")).as(e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    /** @return every path under {@code work}, relative, as octal escapes of its bytes, sorted as those are */
    private static List<String> names(Path work) throws Exception {
        Process p = new ProcessBuilder("find", work.toString(), "-mindepth", "1", "-printf", "%P\\0").start();
        byte[] raw = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        for (byte b : raw) {
            if (b != 0) {
                name.write(b);
                continue;
            }
            StringBuilder s = new StringBuilder();
            for (byte c : name.toByteArray()) {
                s.append(c >= 0x20 ? String.valueOf((char) c) : String.format("\\%03o", c & 0xFF));
            }
            names.add(s.toString());
            name.reset();
        }
        names.sort(null);
        return names;
    }

    private static String sh(String script) throws Exception {
        return TestSupport.run("sh", "-c", script);
    }

    @ParameterizedTest
    @CsvSource({"jna,C.UTF-8", "jna,C", "nio,C.UTF-8", "nio,C"})
    void aWriteReplacesExactlyTheFileItsPathNames(String backend, String lang) throws Exception {
        check(backend, lang, dir);
    }
}
