package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.internal.Backends;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The automatic backend choice and its override, each in a fresh JVM of the JDK running the tests. */
class BackendSelectionTest {
    private static final int JDK = Runtime.version().feature();

    static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    static Result probe(String... jvmFlags) throws Exception {
        return probeWith(System.getProperty("java.class.path"), jvmFlags);
    }

    static Result probeWith(String classPath, String... jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", classPath, BackendProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** @return this JVM's class path without the JNA jar */
    static String withoutJna() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("jna-"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    @Test
    void propertyForcesEachLoadableBackendAndLogsIt() throws Exception {
        for (String backend : List.of("nio", "jna")) {
            Result r = probe("-Ddurafile.backend=" + backend);
            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("backend=" + backend)
                    .contains("durafile backend: " + backend + " (requested by -Ddurafile.backend=" + backend + ")");
        }
    }

    @Test
    void unknownOrUnloadableBackendFailsLoudly() throws Exception {
        Result bogus = probe("-Ddurafile.backend=bogus");
        assertThat(bogus.exit).isNotZero();
        assertThat(bogus.output).contains("unknown durafile backend 'bogus'");
        // exploded classes never hold the multi-release panama class; before JDK 22 it cannot exist at all
        Result panama = probe("-Ddurafile.backend=panama", Backends.NATIVE_ACCESS_FLAG);
        assertThat(panama.exit).isNotZero();
        assertThat(panama.output).contains(JDK >= 22
                ? "the panama classes are not visible: they live in META-INF/versions/22"
                : "the panama backend needs JDK 22 or later");
    }

    @Test
    void aForcedBackendThatCannotLoadFailsEveryCallNamingThePropertyTheBackendAndTheCause() throws Exception {
        Result r = probeWith(withoutJna(), "-Ddurafile.backend=jna");
        assertThat(r.exit).as(r.output).isEqualTo(1);
        String expected = ": java.lang.IllegalStateException: durafile backend 'jna', requested by"
                + " -Ddurafile.backend=jna, cannot be used: the jna backend cannot load: java.lang.ClassNotFoundException:"
                + " com.sun.jna.Native | cause: java.lang.ClassNotFoundException: com.sun.jna.Native";
        assertThat(r.output).contains("call 1" + expected).contains("call 2" + expected)
                .doesNotContain("ExceptionInInitializerError").doesNotContain("NoClassDefFoundError");
    }

    @Test
    void automaticChoiceWithoutJnaWarnsOfWhatJavaNioLoses() throws Exception {
        Result r = probeWith(withoutJna());
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("backend=nio").contains("WARN")
                .contains("AtomicFiles.exchange fails with AtomicMoveNotSupportedException");
        if (JDK >= 24) {
            assertThat(r.output).contains("without native access").contains(Backends.NATIVE_ACCESS_FLAG);
        } else {
            assertThat(r.output).contains("JNA is not available").contains("Against jna")
                    .contains("-Ddurafile.backend=nio chooses it without this warning");
        }
    }

    @Test
    void automaticChoiceOnThisJdk() throws Exception {
        Result r = probe();
        assertThat(r.exit).as(r.output).isZero();
        if (JDK >= 24) {
            // no native access: neither panama nor JNA (whose JNI load the JDK would warn about); the
            // warning names the flag for the class path, where this probe runs (the module path's is
            // checked by the consumer project that test.sh runs)
            assertThat(r.output).contains("backend=nio").contains(Backends.NATIVE_ACCESS_FLAG)
                    .doesNotContain(Backends.MODULE_NATIVE_ACCESS_FLAG).contains("WARN")
                    .contains("AtomicFiles.exchange fails with AtomicMoveNotSupportedException")
                    .doesNotContain("restricted method");
        } else {
            assertThat(r.output).contains("backend=jna");
        }
    }
}
