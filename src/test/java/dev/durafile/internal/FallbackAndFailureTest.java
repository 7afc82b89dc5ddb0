package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.durafile.AtomicOutputStream;
import dev.durafile.TempStrategy;
import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol's fallback chains, failure rules and group commit, driven through a {@link FaultyLibC}
 * that refuses features and fails calls the way kernels and file systems do.
 */
class FallbackAndFailureTest {
    static final byte[] OLD = "old".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new content".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    final FaultyLibC libc = new FaultyLibC();
    final Engine engine = new Engine(new NativeBinding(libc));

    @AfterEach
    void forgetLearnedRefusals() throws IOException {
        Capabilities c = capabilities();
        c.noReplaceRefused = false;
        c.exchangeRefused = false;
        c.tmpFileRefused = false;
    }

    private Capabilities capabilities() throws IOException {
        try (FileBinding.Directory d = new NativeBinding(libc).openDirectory(dir)) {
            return Capabilities.of(d);
        }
    }

    @Test
    void createNewFallsBackToLinkWhenNoReplaceIsRefusedAndRemembersIt() throws IOException {
        libc.refuseRenameFlags = true;
        Path target = dir.resolve("new");
        engine.createNew(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("new");
        assertThat(libc.links.get()).isEqualTo(1);
        assertThatThrownBy(() -> engine.createNew(target, ByteBuffer.wrap(OLD), WriteOptions.defaults()))
                .isInstanceOf(FileAlreadyExistsException.class);
        engine.createNew(dir.resolve("second"), ByteBuffer.wrap(OLD), WriteOptions.defaults());
        assertThat(libc.renameWithFlags.get()).as("refusal cached per device").isEqualTo(1);
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(Files.readAllBytes(dir.resolve("second"))).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("new", "second");
    }

    @Test
    void createNewChecksAtPublicationNotJustAtStartWithEitherMechanism() throws IOException {
        for (boolean refuse : new boolean[] {false, true}) {
            libc.refuseRenameFlags = refuse;
            Path target = dir.resolve("raced-" + refuse);
            try (PendingWrite w = PendingWrite.begin(new NativeBinding(libc), target, WriteOptions.defaults(),
                    PendingWrite.Publish.CREATE_NEW, -1)) {
                w.write(ByteBuffer.wrap(NEW));
                Files.write(target, OLD);
                assertThatThrownBy(w::commit).isInstanceOf(FileAlreadyExistsException.class);
            }
            assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        }
        assertThat(TestSupport.names(dir)).containsExactly("raced-false", "raced-true");
    }

    @Test
    void createNewWithoutNoReplaceOrHardLinksFailsClearlyAndCreatesNothing() {
        libc.refuseRenameFlags = true;
        libc.refuseLinks = true;
        Path target = dir.resolve("never");
        assertThatThrownBy(() -> engine.createNew(target, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(AtomicMoveNotSupportedException.class).hasMessageContaining("hard link");
        assertThat(Files.exists(target)).isFalse();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void anonymousFallsBackToNamedTempWhenTmpFileIsRefused() throws IOException {
        libc.refuseTmpFile = true;
        Path target = dir.resolve("anon");
        WriteOptions anonymous = WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build();
        try (AtomicOutputStream out = engine.newOutputStream(target, anonymous)) {
            out.write(NEW);
            assertThat(TestSupport.temps(dir)).hasSize(1);
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("anon");
        assertThat(capabilities().tmpFileRefused).isTrue();
    }

    @Test
    void anonymousFallsBackToNamedTempWhenNoWayToNameAnUnnamedFileWorks() throws IOException {
        libc.refuseUnnamedLinks = true;
        Path target = dir.resolve("anon");
        Files.write(target, OLD);
        WriteOptions anonymous = WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build();
        try (AtomicOutputStream out = engine.newOutputStream(target, anonymous)) {
            out.write(NEW);
            assertThat(TestSupport.temps(dir)).as("a named temp, since an unnamed one could never be published")
                    .hasSize(1);
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("anon");
        // the probe tried the descriptor, then /proc/self/fd, once; the write itself linked nothing
        assertThat(libc.links.get()).isEqualTo(2);
    }

    @Test
    void failedTempSyncIsFinalNoRenameNoRetryNoTemp() throws IOException {
        libc.fdatasyncErrno = Linux.EIO;
        Path target = dir.resolve("state");
        Files.write(target, OLD);
        assertThatThrownBy(() -> engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("fdatasync").hasMessageContaining("EIO");
        assertThat(libc.fdatasyncs.get()).isEqualTo(1);
        assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
        assertThat(TestSupport.names(dir)).containsExactly("state");
    }

    @Test
    void failedDirectorySyncSaysTheContentIsPublishedButNotDurable() throws IOException {
        libc.directoryFsyncErrno = Linux.EIO;
        Path target = dir.resolve("state");
        Files.write(target, OLD);
        assertThatThrownBy(() -> engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("new content is in place").hasMessageContaining("EIO");
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        assertThat(TestSupport.names(dir)).containsExactly("state");
    }

    private List<Future<?>> writeConcurrently(int threads, ExecutorService pool) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Path target = dir.resolve("w" + t);
            futures.add(pool.submit(() -> {
                start.await();
                engine.write(target, ByteBuffer.wrap(NEW), WriteOptions.defaults());
                return null;
            }));
        }
        start.countDown();
        return futures;
    }

    @Test
    void everyConcurrentDurableWriteHasItsOwnDirectoryFsync() throws Exception {
        libc.directoryFsyncMillis = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<?> f : writeConcurrently(8, pool)) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(libc.directoryFsyncs.get()).isEqualTo(8);
    }

    @Test
    void aFailedDirectoryFsyncFailsEachConcurrentWriterOnceWithoutARetry() throws Exception {
        libc.directoryFsyncMillis = 20;
        libc.directoryFsyncErrno = Linux.EIO;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int failures = 0;
        try {
            for (Future<?> f : writeConcurrently(8, pool)) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(FileSystemException.class)
                            .hasMessageContaining("directory fsync").hasMessageContaining("EIO");
                    failures++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).isEqualTo(8);
        assertThat(libc.directoryFsyncs.get()).isEqualTo(8);
    }

    @Test
    void anUncheckedFailureInTheDirectoryFsyncReachesTheCallerUnchanged() {
        IllegalStateException boom = new IllegalStateException("binding bug");
        libc.directoryFsyncThrows = boom;
        assertThatThrownBy(() -> engine.write(dir.resolve("f"), ByteBuffer.wrap(NEW), WriteOptions.defaults()))
                .isSameAs(boom);
    }
}
