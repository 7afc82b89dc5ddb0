package dev.durafile.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link CrashTester}: which crashes it tries and how it reports. */
class CrashTesterTest {
    private static final byte[] DATA = {1, 2, 3};

    private static void threeOperations(Path root) throws IOException {
        Files.createDirectory(root.resolve("a"));
        Files.createDirectory(root.resolve("b"));
        Files.delete(root.resolve("a"));
    }

    @Test
    void triesEveryOperationAndTheReturnWithEveryCombination() {
        List<CrashPoint> points = new ArrayList<>();
        CrashTester.Report r = CrashTester.of(root -> { }, CrashTesterTest::threeOperations)
                .run((root, point) -> points.add(point));
        r.assertNoViolations();
        assertThat(r.operations()).isEqualTo(3);
        // per point: 6 seedless combinations, 6 random ones with 4 seeds each
        assertThat(r.crashes()).isEqualTo(4 * 30).isEqualTo(points.size());
        assertThat(points).filteredOn(CrashPoint::returned).hasSize(30)
                .allSatisfy(p -> assertThat(p.operation()).isEqualTo(4));
        assertThat(points).filteredOn(p -> p.operation() == 2).first().satisfies(p -> {
            assertThat(p.returned()).isFalse();
            assertThat(p.description()).isEqualTo("mkdir /b");
        });
        assertThat(CrashTester.of(root -> { }, CrashTesterTest::threeOperations).withSeeds(1)
                .withModes(CrashMode.LOSE_UNSYNCED).withDirectoryModes(DirectoryMode.DROP_UNSYNCED,
                        DirectoryMode.RANDOM_PREFIX)
                .run((root, point) -> { }).crashes()).isEqualTo(4 * 2);
    }

    @Test
    void reportsEveryViolationWithItsCrashPoint() {
        CrashTester.Report r = CrashTester.of(root -> { }, root -> Files.write(root.resolve("f"), DATA))
                .withDirectoryModes(DirectoryMode.KEEP_ALL)
                .run((root, point) -> {
                    if (point.returned()) {
                        assertThat(Files.readAllBytes(root.resolve("f"))).isEqualTo(DATA);
                    }
                });
        assertThat(r.violations()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.point().returned()).isTrue();
            assertThat(v.point().mode()).isNotEqualTo(CrashMode.KEEP_ALL);
        });
        assertThatThrownBy(r::assertNoViolations).isInstanceOf(AssertionError.class)
                .hasMessageContaining("simulated crashes violated the invariant")
                .hasMessageContaining("crash after return");
    }

    @Test
    void flagsAnActionThatFailsOrIsNotDeterministic() {
        assertThatThrownBy(() -> CrashTester.of(root -> { }, root -> Files.delete(root.resolve("x")))
                .run((root, point) -> { })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the action failed without a crash");
        assertThatThrownBy(() -> CrashTester.of(root -> Files.delete(root), root -> { })
                .run((root, point) -> { })).isInstanceOf(AssertionError.class).hasMessage("the setup failed");
        AtomicInteger runs = new AtomicInteger();
        CrashTester.Report r = CrashTester.of(root -> { }, root -> {
            if (runs.getAndIncrement() == 0) {
                threeOperations(root);
            }
        }).run((root, point) -> { });
        assertThat(r.violations()).isNotEmpty().allSatisfy(v -> assertThat(v.failure())
                .hasMessageContaining("not deterministic"));
    }
}
