package example.app;

import dev.durafile.AtomicFiles;
import dev.durafile.testing.CrashPoint;
import dev.durafile.testing.CrashTester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A user's crash test with durafile-testing: the state file survives a power cut at every step of its
 * save as the old or the new state, and the same test catches a save that rewrites the file in place.
 */
class StateFileCrashTest {
    private static final byte[] OLD = "{\"state\": \"old\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "{\"state\": \"new, and longer than the old\"}".getBytes(StandardCharsets.UTF_8);

    /** A save that returned must have published NEW; one cut short leaves OLD or NEW, byte for byte. */
    private static void oldOrNew(Path root, CrashPoint point) throws Exception {
        byte[] got = Files.readAllBytes(root.resolve("state.json"));
        boolean ok = point.returned() ? Arrays.equals(got, NEW) : Arrays.equals(got, OLD) || Arrays.equals(got, NEW);
        if (!ok) {
            throw new AssertionError("after " + point + " the state is " + new String(got, StandardCharsets.UTF_8));
        }
    }

    private static CrashTester.Report save(CrashTester.Action action) {
        return CrashTester.of(root -> Files.write(root.resolve("state.json"), OLD), action).run(StateFileCrashTest::oldOrNew);
    }

    @Test
    void atomicFilesKeepsTheOldOrTheNewStateAtEveryCrash() {
        CrashTester.Report r = save(root -> AtomicFiles.write(root.resolve("state.json"), NEW));

        r.assertNoViolations();
        Assertions.assertTrue(r.crashes() > 10, "crashes simulated: " + r.crashes());
    }

    @Test
    void anInPlaceSaveIsCaught() {
        CrashTester.Report r = save(root -> Files.write(root.resolve("state.json"), NEW));

        Assertions.assertFalse(r.violations().isEmpty(), "an in-place rewrite must lose the state at some crash");
    }
}
