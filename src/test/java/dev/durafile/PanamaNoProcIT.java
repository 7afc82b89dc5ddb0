package dev.durafile;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NoProcTest} on the panama backend, against the packaged multi-release jar (JDK 22+). */
class PanamaNoProcIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anonymousWritesAndTheProbeWorkWithoutProc(boolean unprivileged) throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        NoProcTest.check("panama", dir, unprivileged);
    }
}
