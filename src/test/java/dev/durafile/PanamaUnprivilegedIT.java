package dev.durafile;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnprivilegedTest} on the panama backend, against the packaged multi-release jar (JDK 22+). */
class PanamaUnprivilegedIT {
    @TempDir
    Path dir;

    @Test
    void ownFilesKeepTheirExactModeAndGroup() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        UnprivilegedTest.check("panama", dir);
    }
}
