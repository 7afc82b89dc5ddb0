package dev.durafile;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileNamesTest} on the panama backend, against the packaged multi-release jar (JDK 22+). */
class PanamaFileNamesIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"C.UTF-8", "C"})
    void aWriteReplacesExactlyTheFileItsPathNames(String lang) throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        FileNamesTest.check("panama", lang, dir);
    }
}
