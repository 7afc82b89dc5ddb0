package dev.durafile;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** {@link FileSystemMatrixTest} for the panama backend, against the packaged multi-release jar (JDK 22+). */
class FileSystemMatrixIT extends FileSystemMatrixTest {
    static Stream<Arguments> cases() {
        return Runtime.version().feature() >= 22 ? cases(List.of("panama")) : Stream.empty();
    }
}
