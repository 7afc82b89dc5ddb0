package dev.durafile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.TestSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the {@code durafile} command-line tool as a separate process, {@code java -cp <test class path>
 * dev.durafile.cli.Main ...}, and checks its exit status, its output and the files it leaves.
 */
class CliTest {
    private static final long TIMEOUT_MINUTES = 5;

    @TempDir
    Path dir;

    /** What one run of the tool did. */
    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs the tool with {@code args}, giving it {@code stdin}, and waits for it to exit. */
    static Result durafile(byte[] stdin, String... args) throws IOException, InterruptedException {
        return durafileUnder(List.of(), stdin, args);
    }

    /** Runs the tool as {@link #durafile(byte[], String...)} does, its JVM started by {@code wrapper} (e.g. strace). */
    static Result durafileUnder(List<String> wrapper, byte[] stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 22) {
            // as the jar's manifest does for java -jar: JNA (and panama, where packaged) load without warnings
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("durafile-cli-out", ".txt");
        Path err = Files.createTempFile("durafile-cli-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            }
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("durafile " + String.join(" ", args) + " did not exit in "
                        + TIMEOUT_MINUTES + " min; stderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Result durafile(String... args) throws IOException, InterruptedException {
        return durafile(new byte[0], args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void crashDemoStoppedBySignalRemovesItsWorkDirectoryAndChildren(String signal) throws Exception {
        Path parent = Files.createDirectory(dir.resolve("demo"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "crash-demo",
                "--runs", "100000", "--size", "64k", "--dir", parent.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("demo.log").toFile()).start();
        List<ProcessHandle> children = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (children.isEmpty() || TestSupport.names(parent).isEmpty()) {
            assertThat(System.nanoTime() - deadline).as(Files.readString(dir.resolve("demo.log"))).isNegative();
            assertThat(p.isAlive()).as(Files.readString(dir.resolve("demo.log"))).isTrue();
            p.descendants().forEach(children::add);
            Thread.sleep(20);
        }
        TestSupport.run("kill", "-" + signal, String.valueOf(p.pid()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(signal.equals("TERM") ? 143 : 130);
        assertThat(TestSupport.names(parent)).as(Files.readString(dir.resolve("demo.log"))).isEmpty();
        for (ProcessHandle child : children) {
            child.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPathArgumentThatIsNotValidUtf8NamesExactlyItsFileOrIsRefused() throws Exception {
        // the JVM decodes "f\377" to "f\uFFFD"; the tool must write f\377, never f\357\277\275
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String prefix = "cd " + dir + " && printf new | LANG=C.UTF-8 " + java
                + (Runtime.version().feature() >= 22 ? " --enable-native-access=ALL-UNNAMED" : "")
                + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName();
        TestSupport.run("sh", "-c", prefix + " write \"$(printf 'f\\377')\"");
        TestSupport.run("sh", "-c", prefix + " write \"$(printf 'lit\\357\\277\\275')\"");
        assertThat(TestSupport.run("sh", "-c", "cd " + dir + " && cat \"$(printf 'f\\377')\"")).isEqualTo("new");
        assertThat(TestSupport.run("sh", "-c", "cd " + dir + " && cat \"$(printf 'lit\\357\\277\\275')\""))
                .isEqualTo("new");
        assertThat(TestSupport.run("sh", "-c", "cd " + dir + " && ls | od -An -c | tr -s ' '").trim())
                .isEqualTo("f 377 \\n l i t 357 277 275 \\n");
        // two arguments that decode alike: which is which cannot be told
        Process p = new ProcessBuilder("sh", "-c", prefix + " copy \"$(printf 'f\\377')\" \"$(printf 'f\\376')\"")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(2);
        assertThat(out).contains("which file it names cannot be told");
        assertThat(TestSupport.names(dir)).hasSize(2);
    }

    @Test
    void writeStreamsStdinLargerThanTheHeap() throws Exception {
        // 96 MiB through a JVM with 32 MiB of heap: reading stdin whole would end in an OutOfMemoryError
        Path input = dir.resolve("input.bin");
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (OutputStream o = Files.newOutputStream(input)) {
            for (int i = 0; i < 96; i++) {
                block[i] = (byte) i;
                o.write(block);
            }
        }
        for (String flag : List.of("--backup", "--create-new")) {
            Path target = dir.resolve("out" + flag);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m"));
            if (Runtime.version().feature() >= 22) {
                command.add("--enable-native-access=ALL-UNNAMED");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "write", flag,
                    target.toString()));
            Process p = new ProcessBuilder(command).redirectInput(input.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(output).isZero();
            assertThat(output).doesNotContain("OutOfMemoryError");
            assertThat(Files.mismatch(input, target)).as(flag).isEqualTo(-1L);
            Files.delete(target);
        }
    }

    /** Asserts a failure reported as one line {@code durafile COMMAND: PATH: ...REASON...}, without a stack trace. */
    static void assertOneLineFailure(Result r, String command, Object path, String reason) {
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("durafile " + command + ": " + path).contains(reason).doesNotContain("\tat ");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private List<String> listing() throws IOException {
        return TestSupport.names(dir);
    }

    // ---- write

    @Test
    void writeReplacesTheTargetWithStandardInputByteForByte() throws Exception {
        Path target = dir.resolve("state.bin");
        Files.writeString(target, "old content, longer than nothing");
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        data[0] = 0;
        data[data.length - 1] = (byte) 0xff;

        Result r = durafile(data, "write", target.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).as("no log lines or JDK warnings").isEmpty();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(listing()).containsExactly("state.bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "atomic", "durable", "DURABLE"})
    void writeTakesEveryDurabilityLevel(String level) throws Exception {
        Path target = dir.resolve("job.json");
        byte[] data = utf8("{\"status\":\"done\"}\n");

        Result r = durafile(data, "write", "--durability", level, target.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void writeAppliesTheModeGivenInOctal() throws Exception {
        Path target = dir.resolve("secret.conf");

        assertThat(durafile(utf8("a"), "write", "--mode", "0640", target.toString()).status()).isZero();
        assertThat(permissions(target)).isEqualTo("rw-r-----");

        assertThat(durafile(utf8("b"), "write", "--mode=600", target.toString()).status()).isZero();
        assertThat(permissions(target)).isEqualTo("rw-------");
        assertThat(Files.readString(target)).isEqualTo("b");

        assertThat(durafile(utf8("c"), "write", target.toString()).status()).isZero();
        assertThat(permissions(target)).as("kept without --mode").isEqualTo("rw-------");
    }

    @Test
    void writeCreateNewCreatesAMissingFileAndRefusesAnExistingOne() throws Exception {
        Path target = dir.resolve("lock");
        assertThat(durafile(utf8("first"), "write", "--create-new", target.toString()).status()).isZero();

        Result r = durafile(utf8("second"), "write", "--create-new", target.toString());

        assertOneLineFailure(r, "write", target, "exists");
        assertThat(Files.readString(target)).isEqualTo("first");
        assertThat(listing()).containsExactly("lock");
    }

    @Test
    void writeFollowsASymlinkUnlessToldNotTo() throws Exception {
        Path real = Files.writeString(dir.resolve("real.txt"), "real");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real.getFileName());

        assertThat(durafile(utf8("through"), "write", link.toString()).status()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("through");

        assertThat(durafile(utf8("replaced"), "write", "--no-follow", link.toString()).status()).isZero();
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).isEqualTo("replaced");
        assertThat(Files.readString(real)).isEqualTo("through");
    }

    @Test
    void writeBackupKeepsThePreviousContent() throws Exception {
        Path target = Files.writeString(dir.resolve("registry.json"), "v1");

        Result r = durafile(utf8("v2"), "write", "--backup", target.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(target)).isEqualTo("v2");
        assertThat(Files.readString(dir.resolve("registry.json.bak"))).isEqualTo("v1");
    }

    @Test
    void writeIntoAMissingDirectoryFailsWithOneLineNamingThePathAndTheReason() throws Exception {
        Path missing = dir.resolve("no/such/dir");

        Result r = durafile(utf8("x"), "write", missing.resolve("x").toString());

        assertOneLineFailure(r, "write", missing, "No such file or directory");
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path missing = dir.resolve("missing");

        Result r = durafile(utf8("x"), "write", "--verbose", missing.resolve("x").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("durafile write: " + missing).contains("NoSuchFileException").contains("\tat ");
    }

    // ---- copy and swap

    @Test
    void copyCopiesBytesAndPermissions() throws Exception {
        Path source = Files.write(dir.resolve("source.bin"), new byte[] {0, 1, 2, (byte) 0xff});
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r-----"));

        Result r = durafile("copy", source.toString(), dir.resolve("copy.bin").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("copy.bin"))).isEqualTo(Files.readAllBytes(source));
        assertThat(permissions(dir.resolve("copy.bin"))).isEqualTo("rw-r-----");

        r = durafile("copy", "--mode", "0600", "--durability", "atomic", source.toString(),
                dir.resolve("private.bin").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(permissions(dir.resolve("private.bin"))).isEqualTo("rw-------");
    }

    @Test
    void copyOfAMissingSourceFailsNamingTheSource() throws Exception {
        Path source = dir.resolve("absent");
        Path target = Files.writeString(dir.resolve("target"), "untouched");

        Result r = durafile("copy", source.toString(), target.toString());
        assertOneLineFailure(r, "copy", target, "open source " + source + " failed: No such file or directory (ENOENT)");
        assertThat(r.err()).doesNotContain("(ENOENT): No such");
        assertThat(Files.readString(target)).isEqualTo("untouched");
    }

    @Test
    void copyOfADirectoryFails() throws Exception {
        Path source = Files.createDirectory(dir.resolve("a-directory"));

        assertOneLineFailure(durafile("copy", source.toString(), dir.resolve("t").toString()), "copy",
                dir.resolve("t"), "open source " + source + " failed: it is a directory (EISDIR)");
    }

    @Test
    void swapExchangesTwoFilesAndFailsIfOneIsMissing() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "A");
        Path b = Files.writeString(dir.resolve("b"), "B");

        Result r = durafile("swap", a.toString(), b.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(a)).isEqualTo("B");
        assertThat(Files.readString(b)).isEqualTo("A");

        assertOneLineFailure(durafile("swap", a.toString(), dir.resolve("c").toString()), "swap", a,
                "No such file or directory");
    }

    // ---- bad input, help, version

    static Stream<List<String>> badCommandLines() {
        return Stream.of(
                List.of(),
                List.of("frobnicate"),
                List.of("--frobnicate"),
                List.of("write"),
                List.of("write", "a", "b"),
                List.of("write", ""),
                List.of("write", "--bogus", "x"),
                List.of("write", "--mode"),
                List.of("write", "--mode", "999", "x"),
                List.of("write", "--mode", "rw-r--r--", "x"),
                List.of("write", "--durability", "sometimes", "x"),
                List.of("write", "--no-follow=yes", "x"),
                List.of("write", "--create-new", "--backup", "x"),
                List.of("copy", "only-one"),
                List.of("swap", "a"),
                List.of("sweep"),
                List.of("sweep", ".", "--min-age", "ten minutes"),
                List.of("sweep", ".", "--min-age", "10"),
                List.of("doctor", ".", "--samples", "many"),
                List.of("doctor", "a", "b"),
                List.of("crash-demo", "--runs", "0"),
                List.of("crash-demo", "--size", "12q"),
                List.of("crash-demo", "extra"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badInputIsAUsageErrorOfOneLineWithAHint(List<String> args) throws Exception {
        Result r = durafile(args.toArray(String[]::new));

        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("durafile").contains("--help'");
    }

    @Test
    void helpListsTheCommandsAndTheExitStatus() throws Exception {
        Result r = durafile("--help");

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("Usage: durafile COMMAND")
                .contains("doctor", "write", "copy", "swap", "sweep", "recover", "crash-demo")
                .doesNotContain("crash-demo-child")
                .contains("0  success").contains("1  failure").contains("2  usage error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "write", "copy", "swap", "sweep", "recover", "crash-demo"})
    void everyCommandHasHelp(String command) throws Exception {
        Result r = durafile(command, "--help");

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("Usage: durafile " + command + " [OPTIONS]").contains("-h, --help")
                .contains("-v, --verbose");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        Result r = durafile("--version");

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("durafile ");
    }

    // ---- recover

    @Test
    void recoverFinishesACommittedTransactionAKillLeftAndSaysWhatItDid() throws Exception {
        Path journal = dir.resolve("journal");
        Path a = Files.writeString(dir.resolve("a.json"), "old a");
        Path b = Files.writeString(dir.resolve("b.json"), "old b");
        Path c = Files.writeString(dir.resolve("c.json"), "stale c");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), dev.durafile.internal.KilledCommit.class.getName(), journal.toString(),
                a.toString(), b.toString(), c.toString());
        Process child = pb.redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(out).isEqualTo(137);
        assertThat(Files.readString(a) + "|" + Files.readString(b)).as("killed half published")
                .isEqualTo("new a|old b");
        assertThat(c).as("its delete not done yet").exists();

        Result r = durafile("recover", journal.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(journal + ": 1 rolled forward, 0 discarded, 0 in progress (left alone), 0 corrupt\n");
        assertThat(Files.readString(a) + "|" + Files.readString(b)).isEqualTo("new a|new b");
        assertThat(c).as("the committed delete is done too").doesNotExist();
        assertThat(TestSupport.names(dir)).containsExactly("a.json", "b.json", "journal");
        Result again = durafile("recover", journal.toString());
        assertThat(again.out()).startsWith(journal + ": 0 rolled forward, 0 discarded");
    }

    @Test
    void recoverKeepsACorruptRecordAsideAndFails() throws Exception {
        Path journal = Files.createDirectory(dir.resolve("journal"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwx------"));
        byte[] record = new byte[64];
        System.arraycopy("DFTX".getBytes(StandardCharsets.US_ASCII), 0, record, 0, 4);
        record[4] = 1;
        System.arraycopy("DFTC".getBytes(StandardCharsets.US_ASCII), 0, record, 60, 4);
        Files.write(journal.resolve("x.tx"), record);

        Result r = durafile("recover", journal.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(journal.resolve("x.tx.corrupt") + ": corrupt journal record, not applied");
        assertThat(r.out()).contains("0 rolled forward, 0 discarded, 0 in progress (left alone), 1 corrupt");
        assertThat(TestSupport.names(journal)).containsExactly("x.tx.corrupt");
    }

    // ---- sweep

    private Path temp(Path directory, String target, Duration age) throws IOException {
        Path t = Files.writeString(directory.resolve(target + ".tmp." + UUID.randomUUID()), "partial " + target);
        Files.setLastModifiedTime(t, FileTime.from(Instant.now().minus(age)));
        return t;
    }

    @Test
    void sweepDryRunDeletesNothingAndSweepDeletesOnlyAgedTemps() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("jobs"));
        Path aged = temp(dir, "statistics.json", Duration.ofHours(2));
        Path agedInSub = temp(sub, "job-7.job.json", Duration.ofMinutes(30));
        Path young = temp(dir, "registry.json", Duration.ofSeconds(5));
        Path lookalike = Files.writeString(dir.resolve("notes.tmp.txt"), "not a temp");
        Files.setLastModifiedTime(lookalike, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        long agedBytes = Files.size(aged) + Files.size(agedInSub);

        Result dry = durafile("sweep", dir.toString(), "--min-age", "10m", "--dry-run");

        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would delete " + aged).contains("would delete " + agedInSub)
                .doesNotContain(young.toString()).doesNotContain(lookalike.toString())
                .contains("would delete 2 temp files (" + agedBytes + " bytes would be reclaimed)")
                .contains("skipped 1 not older than 10m");
        assertThat(List.of(aged, agedInSub, young, lookalike)).allMatch(Files::exists);

        Result real = durafile("sweep", dir.toString(), "--min-age", "10m");

        assertThat(real.status()).as(real.err()).isZero();
        assertThat(real.out()).contains("deleted " + aged).contains("deleted " + agedInSub)
                .contains("deleted 2 temp files (" + agedBytes + " bytes reclaimed)").contains(", 0 failed");
        assertThat(aged).doesNotExist();
        assertThat(agedInSub).doesNotExist();
        assertThat(young).exists();
        assertThat(lookalike).exists();
    }

    @Test
    void sweepSaysWhichTempFilesAreDatedInTheFutureAndKeepsThem() throws Exception {
        Path future = temp(dir, "a.json", Duration.ofHours(-2));
        Path aged = temp(dir, "b.json", Duration.ofHours(2));
        Result r = durafile("sweep", dir.toString(), "--min-age", "10m");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains(dir + ": deleted 1 temp files (")
                .contains("skipped 1 not older than 10m (1 dated in the future: kept until the clock passes their"
                        + " date by 10m), 0 failed");
        assertThat(future).exists();
        assertThat(aged).doesNotExist();
    }

    @Test
    void sweepTakesDurationsInEveryUnit() throws Exception {
        Path aged = temp(dir, "a.json", Duration.ofDays(2));

        for (String minAge : List.of("3d", "2h", "90m", "30s", "500ms", "0")) {
            assertThat(durafile("sweep", dir.toString(), "--min-age", minAge, "--dry-run").status()).isZero();
        }
        Result r = durafile("sweep", dir.toString(), "--min-age", "3d");
        assertThat(r.out()).contains("deleted 0 temp files").contains("skipped 1 not older than 3d");
        assertThat(aged).exists();
        r = durafile("sweep", dir.toString(), "--min-age", "1d");
        assertThat(r.out()).contains("deleted 1 temp files");
        assertThat(aged).doesNotExist();
    }

    @Test
    void sweepOfAMissingRootFails() throws Exception {
        Path missing = dir.resolve("gone");

        assertOneLineFailure(durafile("sweep", missing.toString()), "sweep", missing, "No such file or directory");
    }

    // ---- doctor

    @Test
    void doctorReportsBackendCapabilitiesLatencyAndBudgetVerdicts() throws Exception {
        Result r = durafile("doctor", dir.toString(), "--samples", "20");

        assertThat(r.out()).contains("durafile doctor: " + dir.toRealPath())
                .containsPattern("(?m)^  java +" + Runtime.version().feature())
                .containsPattern("(?m)^  backend +(panama|jna|nio): ")
                .containsPattern("(?m)^  panama +\\S")
                .containsPattern("(?m)^  file system +\\S");
        for (String capability : List.of("renameat2 RENAME_NOREPLACE", "renameat2 RENAME_EXCHANGE", "O_TMPFILE",
                "directory fsync", "hard links")) {
            assertThat(r.out()).containsPattern("(?m)^  " + capability + " +(yes|no): ");
        }
        assertThat(r.out()).containsPattern("(?m)^  fdatasync of the temp file +\\d+\\.\\d{3} ms +\\d+\\.\\d{3} ms$")
                .containsPattern("(?m)^  rename over the target +\\d+\\.\\d{3} ms +\\d+\\.\\d{3} ms$")
                .containsPattern("(?m)^  whole write at DURABLE +\\d+\\.\\d{3} ms +\\d+\\.\\d{3} ms$")
                .containsPattern("(?m)^  (PASS|FAIL)  fdatasync of the temp file: p99 \\d+\\.\\d{3} ms "
                        + "(<|>=) 10 ms budget")
                .containsPattern("(?m)^  (PASS|FAIL)  rename over the target: p99 \\d+\\.\\d{3} ms (<|>=) 1 ms budget")
                .contains("latency budgets (information; --strict makes a miss exit 1):")
                .doesNotContainIgnoringCase("story").doesNotContainIgnoringCase("seed");
        assertThat(r.status()).as("a health check: budgets are information").isZero();
        Result strict = durafile("doctor", dir.toString(), "--samples", "20", "--strict");
        assertThat(strict.status()).as("--strict: exit status 1 exactly when a budget is missed")
                .isEqualTo(strict.out().contains("  FAIL  ") ? 1 : 0);
        assertThat(r.errLines()).as("only the progress line").hasSize(1);
        assertThat(listing()).as("every probe and timing file removed").isEmpty();
    }

    @Test
    void doctorRenamesRelativeToItsOpenDirectoryNeverByPath() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "needs strace");
        Path trace = Files.createTempFile("doctor", ".strace");
        try {
            Result r = durafileUnder(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=rename,renameat,renameat2",
                    "-o", trace.toString()), new byte[0], "doctor", dir.toString(), "--samples", "10");

            assertThat(r.status()).as(r.err()).isZero();
            List<String> renames = Files.readAllLines(trace).stream().filter(l -> l.contains(".durafile-doctor.tmp."))
                    .toList();
            assertThat(renames).as("10 timed renames and 30 whole writes").hasSizeGreaterThanOrEqualTo(40)
                    .allSatisfy(l -> assertThat(l).containsPattern("renameat2?\\(\\d+, \"\\.durafile-doctor\\.tmp\\.")
                            .doesNotContain("AT_FDCWD").doesNotContain(dir.toString()));
        } finally {
            Files.delete(trace);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "crash-demo"})
    void aDirectoryOthersCanWriteWithoutTheStickyBitIsRefused(String command) throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        Result r = command.equals("doctor") ? durafile("doctor", open.toString())
                : durafile("crash-demo", "--runs", "1", "--dir", open.toString());

        assertOneLineFailure(r, command, open, command + " refuses it: " + open.toRealPath()
                + " is writable by its group or others and not sticky");
        assertThat(TestSupport.names(open)).as("nothing written there").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "crash-demo"})
    void aDirectoryOfAnotherUserIsRefusedToRoot(String command) throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot(), "needs root (chown)");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        TestSupport.run("chown", "1000:1000", theirs.toString());

        Result r = command.equals("doctor") ? durafile("doctor", theirs.toString())
                : durafile("crash-demo", "--runs", "1", "--dir", theirs.toString());

        assertOneLineFailure(r, command, theirs, command + " refuses it: " + theirs.toRealPath()
                + " belongs to user 1000, so someone other than root and user 0 could redirect what " + command
                + " writes there");
        assertThat(TestSupport.names(theirs)).as("nothing written there").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "crash-demo"})
    void aDirectoryReachedThroughAnotherUsersLinkIsUsedByItsRealPathOnly(String command) throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot(), "needs root (chown)");
        Path safe = Files.createDirectory(dir.resolve("safe"));
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Path link = Files.createSymbolicLink(theirs.resolve("link"), safe);
        TestSupport.run("chown", "-h", "1000:1000", theirs.toString(), link.toString());

        Result r = command.equals("doctor") ? durafile("doctor", link.toString(), "--samples", "10")
                : durafile("crash-demo", "--runs", "1", "--dir", link.toString());

        assertThat(r.status()).as(r.err()).isZero();
        // the link's owner could swap it at any moment: after the check, only the real path is used
        assertThat(r.out()).contains(command.equals("doctor")
                ? "durafile doctor: " + safe.toRealPath() + "\n" : " in " + safe.toRealPath() + "/durafile-crash-demo-");
        assertThat(TestSupport.names(safe)).isEmpty();
    }

    @Test
    void crashDemoCreatesNothingInAnotherUsersDirectory() throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot(), "needs root (chown)");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        TestSupport.run("chown", "1000:1000", theirs.toString());

        Result r = durafile("crash-demo", "--runs", "1", "--dir", theirs.resolve("sub/new").toString());

        assertOneLineFailure(r, "crash-demo", theirs, "crash-demo refuses it: " + theirs.toRealPath() + " belongs to user 1000");
        assertThat(TestSupport.names(theirs)).as("refused before anything was made there").isEmpty();
    }

    @Test
    void theCheckTrustsTheEffectiveUserNotTheRealOne() throws Exception {
        Assumptions.assumeTrue(TestSupport.isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        TestSupport.run("chown", "1000:1000", theirs.toString());

        Result r = durafileUnder(List.of("/usr/bin/setpriv", "--ruid=1000"), new byte[0], "doctor", theirs.toString());

        assertOneLineFailure(r, "doctor", theirs, "doctor refuses it: " + theirs.toRealPath()
                + " belongs to user 1000, so someone other than root and user 0 could redirect");
    }

    @Test
    void aStickyDirectoryAnyoneCanWriteIsAccepted() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        TestSupport.run("chmod", "1777", shared.toString());

        Result r = durafile("doctor", shared.toString(), "--samples", "10");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(TestSupport.names(shared)).as("every probe and timing file removed").isEmpty();
    }

    @Test
    void doctorOfAMissingDirectoryFails() throws Exception {
        Path missing = dir.resolve("nowhere");

        assertOneLineFailure(durafile("doctor", missing.toString()), "doctor", missing, "No such file or directory");
    }

    // ---- crash-demo

    @Test
    void crashDemoCatchesTheNaiveWriterAndNeverDurafile() throws Exception {
        Result r = durafile("crash-demo", "--runs", "20", "--dir", dir.toString());

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        List<String> naive = row(r.out(), "naive");
        List<String> durafile = row(r.out(), "durafile");
        assertThat(naive.get(1)).isEqualTo("20");
        assertThat(durafile.get(1)).isEqualTo("20");
        int naiveDamaged = Integer.parseInt(naive.get(3)) + Integer.parseInt(naive.get(4))
                + Integer.parseInt(naive.get(5));
        assertThat(naiveDamaged).as("the negative control: the naive writer is caught\n" + r.out()).isPositive();
        assertThat(durafile.subList(3, 7)).as("durafile: no corrupt, empty, missing or mixed file\n" + r.out())
                .containsExactly("0", "0", "0", "0");
        assertThat(durafile.get(7)).as("every leftover temp swept").isEqualTo(durafile.get(8));
        assertThat(r.err()).contains("crash-demo: 10/20 runs").contains("crash-demo: 20/20 runs");
        assertThat(listing()).as("the working directory is removed").isEmpty();
    }

    @Test
    void crashDemoWithSeveralFilesCatchesTheSeparateSavesMixedAndNeverTheTransaction() throws Exception {
        Result r = durafile("crash-demo", "--runs", "20", "--files", "3", "--size", "16k", "--dir", dir.toString());

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("3 files saved together").contains("one FileTransaction of all the files");
        List<String> naive = row(r.out(), "naive");
        List<String> durafile = row(r.out(), "durafile");
        assertThat(naive.subList(3, 6)).as("each separate save is atomic\n" + r.out()).containsExactly("0", "0", "0");
        assertThat(Integer.parseInt(naive.get(6))).as("the negative control: separate saves end mixed\n" + r.out())
                .isPositive();
        assertThat(durafile.subList(3, 7)).as("the transaction: never damaged or mixed\n" + r.out())
                .containsExactly("0", "0", "0", "0");
        assertThat(listing()).as("the working directory is removed").isEmpty();
    }

    @Test
    void crashDemoCreatesAMissingDir() throws Exception {
        Path missing = dir.resolve("a/b");
        Result r = durafile("crash-demo", "--runs", "1", "--dir", missing.toString());

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(missing).isEmptyDirectory();
    }

    /**
     * @return the cells of {@code writer}'s table row: name, runs, writes, corrupt, empty, missing, mixed,
     *     temps, swept
     */
    private static List<String> row(String out, String writer) {
        return out.lines().filter(l -> l.startsWith(writer + " ")).findFirst()
                .map(l -> Arrays.asList(l.trim().split("\\s+")))
                .orElseThrow(() -> new AssertionError("no row for " + writer + " in\n" + out));
    }
}
