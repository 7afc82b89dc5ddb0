package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.internal.Backends;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strace syscall-order check ({@link SyscallOrderTest}) on the panama backend, and the automatic
 * choice of panama, both against the packaged multi-release jar on JDK 22+.
 */
class PanamaSyscallOrderIT {
    @TempDir
    Path dir;

    @Test
    void protocolOrderHoldsUnderStrace() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        SyscallTrace t = SyscallOrderTest.trace(dir, "panama", "levels", Backends.NATIVE_ACCESS_FLAG);
        SyscallOrderTest.assertProtocol(t, dir.resolve("out"));
    }

    @Test
    void createDirectoriesMakesComponentsOthersCreatedDurable() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        SyscallTrace t = SyscallOrderTest.trace(dir, "panama", "dirs", Backends.NATIVE_ACCESS_FLAG);
        SyscallOrderTest.assertDirectoriesDurable(t, dir.resolve("out"));
    }

    @Test
    void featuresUseTheRightSyscalls() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        SyscallTrace t = SyscallOrderTest.trace(dir, "panama", "features", Backends.NATIVE_ACCESS_FLAG);
        SyscallOrderTest.assertFeatures(t, dir.resolve("out"));
    }

    @Test
    void panamaIsTheAutomaticChoiceWithNativeAccess() {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
        assertThat(AtomicFiles.backendName()).isEqualTo("panama");
    }
}
