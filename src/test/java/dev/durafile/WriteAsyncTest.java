package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFiles#writeAsync}: every outcome arrives through the future, as its Javadoc says. */
class WriteAsyncTest {
    private static final byte[] NEW = "new".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void theFutureCompletesOnceTheWriteReturned() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Path target = dir.resolve("a.json");
            AtomicFiles.writeAsync(target, NEW, WriteOptions.defaults(), executor).get(30, TimeUnit.SECONDS);
            assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aFailedWriteFailsTheFutureWithItsIOException() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            CompletableFuture<Void> f = AtomicFiles.writeAsync(sub, NEW, WriteOptions.defaults(), executor);
            assertThat(f).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(FileSystemException.class)
                    .withMessage(sub + ": write failed: target is a directory (EISDIR)");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aRejectingExecutorFailsTheFutureNotTheCall() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.shutdown();
        Path target = dir.resolve("a.json");
        AtomicReference<CompletableFuture<Void>> f = new AtomicReference<>();
        assertThatCode(() -> f.set(AtomicFiles.writeAsync(target, NEW, WriteOptions.defaults(), executor)))
                .doesNotThrowAnyException();
        assertThat(f.get()).isCompletedExceptionally();
        assertThat(f.get()).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(RejectedExecutionException.class);
        assertThat(target).doesNotExist();
    }
}
