package dev.durafile.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.durafile.AtomicFiles;
import dev.durafile.ChildJvm;
import dev.durafile.FileTransaction;
import dev.durafile.TestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes sharing a journal: one commits transactions while the other recovers the journal
 * without pause. Neither may ever fail, and every commit is published byte for byte.
 */
class SharedJournalTest {
    private static final int COMMITS = 400;

    @TempDir
    Path dir;

    @Test
    void commitsNeverFailWhileAnotherProcessRecoversTheJournalWithoutPause() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path journal = dir.resolve("journal");
        Path data = Files.createDirectories(dir.resolve("data"));
        AtomicFiles.recover(journal);
        Path stop = dir.resolve("stop");
        try (ChildJvm child = ChildJvm.start(dir.resolve("child.err"), RecoverLoopChild.class, journal.toString(),
                stop.toString())) {
            child.awaitLine("READY", 60_000);
            // let the child's recoveries get going before the commits start
            Thread.sleep(500);
            for (int i = 0; i < COMMITS; i++) {
                try (FileTransaction tx = AtomicFiles.transaction(journal)) {
                    tx.write(data.resolve("a"), ("a " + i).getBytes(StandardCharsets.UTF_8));
                    tx.write(data.resolve("b"), ("b " + i).getBytes(StandardCharsets.UTF_8));
                    tx.commit();
                }
                assertThat(Files.readString(data.resolve("a"))).isEqualTo("a " + i);
                assertThat(Files.readString(data.resolve("b"))).isEqualTo("b " + i);
            }
            Files.createFile(stop);
            assertThat(child.awaitExit(60_000)).as("the recovering child: %s %s", child.lines(), child.stderr())
                    .isZero();
            String done = child.lines().stream().filter(l -> l.startsWith("DONE ")).findFirst().orElseThrow();
            assertThat(Long.parseLong(done.substring(5))).as("recoveries while the commits ran").isGreaterThan(10);
        }
        assertThat(TestSupport.names(data)).containsExactly("a", "b");
        assertThat(TestSupport.names(journal)).isEmpty();
    }
}
