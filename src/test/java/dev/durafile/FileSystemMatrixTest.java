package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every feature on every file system kind the protocol meets: ext4 (the default disk), tmpfs, xfs and
 * btrfs (loop images) and FUSE (bindfs, which refuses renameat2 flags and O_TMPFILE, so the fallbacks
 * run for real). The probe's answers must match what each feature then does, and the known file
 * systems must report what they are known to support.
 */
class FileSystemMatrixTest {
    static final byte[] OLD = "old version".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new version, longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path base;

    /** @return the backends this run covers */
    static List<String> backends() {
        return List.of("jna", "nio");
    }

    static Stream<Arguments> cases(List<String> backends) {
        List<Arguments> out = new ArrayList<>();
        for (String fs : List.of("ext4", "tmpfs", "xfs", "btrfs", "fuse")) {
            for (String backend : backends) {
                out.add(Arguments.of(fs, backend));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> cases() {
        return cases(backends());
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void everyFeatureBehavesAsTheProbeSays(String fs, String backend) throws Exception {
        Path dir = fs.equals("ext4") ? Files.createDirectory(base.resolve("ext4")) : Mounts.mount(base, fs);
        try {
            scenario(new Engine(Backends.load(backend)), Files.createDirectory(dir.resolve("work")), fs, backend);
        } finally {
            if (!fs.equals("ext4")) {
                Mounts.unmount(dir);
            }
        }
    }

    static void scenario(Engine engine, Path dir, String fs, String backend) throws IOException {
        boolean nativeBackend = !backend.equals("nio");
        FileSystemCapabilities caps = engine.probe(dir);
        assertThat(caps.directorySync()).isTrue();
        assertThat(caps.type()).as("the file system really mounted").startsWith(fs);
        if (nativeBackend && !fs.equals("fuse")) {
            assertThat(caps.renameNoReplace()).as(caps.toString()).isTrue();
            assertThat(caps.renameExchange()).as(caps.toString()).isTrue();
            assertThat(caps.tmpFile()).as(caps.toString()).isTrue();
        }
        if (fs.equals("fuse") || !nativeBackend) {
            assertThat(caps.renameNoReplace()).as(caps.toString()).isFalse();
            assertThat(caps.renameExchange()).as(caps.toString()).isFalse();
            assertThat(caps.tmpFile()).as(caps.toString()).isFalse();
        }

        Path target = dir.resolve("job.json");
        engine.write(target, ByteBuffer.wrap(OLD), WriteOptions.defaults());
        engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);

        Path created = dir.resolve("created");
        if (caps.renameNoReplace() || caps.hardLinks()) {
            engine.createNew(created, ByteBuffer.wrap(NEW), WriteOptions.defaults());
            assertThat(Files.readAllBytes(created)).isEqualTo(NEW);
            assertThatThrownBy(() -> engine.createNew(created, ByteBuffer.wrap(OLD), WriteOptions.defaults()))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(Files.readAllBytes(created)).isEqualTo(NEW);
        } else {
            assertThatThrownBy(() -> engine.createNew(created, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                    .isInstanceOf(AtomicMoveNotSupportedException.class);
            Files.write(created, NEW);
        }

        Path other = dir.resolve("other");
        Files.write(other, OLD);
        WriteOptions backup = WriteOptions.builder().keepBackup(true).build();
        if (caps.renameExchange()) {
            engine.exchange(target, other);
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            assertThat(Files.readAllBytes(other)).isEqualTo(NEW);
        } else {
            assertThatThrownBy(() -> engine.exchange(target, other)).isInstanceOf(AtomicMoveNotSupportedException.class);
            assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
            assertThat(Files.readAllBytes(other)).isEqualTo(OLD);
            Files.write(target, OLD);
        }
        // the previous version is kept through a hard link, so keepBackup works wherever links do
        if (caps.hardLinks()) {
            engine.write(target, ByteBuffer.wrap(NEW), backup);
            assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
            assertThat(Files.readAllBytes(dir.resolve("job.json.bak"))).isEqualTo(OLD);
        } else {
            assertThatThrownBy(() -> engine.write(target, ByteBuffer.wrap(NEW), backup))
                    .isInstanceOf(AtomicMoveNotSupportedException.class);
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
            Files.write(target, NEW);
            Files.write(dir.resolve("job.json.bak"), OLD);
        }

        WriteOptions anonymous = WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build();
        try (AtomicOutputStream out = engine.newOutputStream(target, anonymous)) {
            out.write(OLD);
            out.flush();
            assertThat(TestSupport.temps(dir)).hasSize(caps.tmpFile() ? 0 : 1);
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);

        Path nested = engine.createDirectories(dir.resolve("jobs/a/b"));
        engine.write(nested.resolve(".job.json"), ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(nested.resolve(".job.json"))).isEqualTo(NEW);

        assertThat(TestSupport.names(dir)).containsExactly("created", "job.json", "job.json.bak", "jobs", "other");
    }
}
