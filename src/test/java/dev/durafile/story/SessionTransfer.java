package dev.durafile.story;

import dev.durafile.AtomicFiles;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The story's ContextLifecycleManager session transfer retrofitted: copies
 * {@code jobs/<jobId>/<sessionId>.md} to {@code context_repository/<sessionId>.md} with
 * {@link AtomicFiles#copy}, so the destination is complete or absent (or its previous complete
 * version) even if the process dies mid-copy; a temp file {@code <sessionId>.md.tmp.<uuid>} may remain
 * then. Thread-safe.
 */
public final class SessionTransfer {
    private final Workspace workspace;

    /** @param workspace where jobs and the context repository live */
    public SessionTransfer(Workspace workspace) {
        this.workspace = workspace;
    }

    /** @return the session file a job produced */
    public Path source(String jobId, String sessionId) {
        return workspace.jobDir(jobId).resolve(Workspace.checkName(sessionId) + ".md");
    }

    /** @return where the session file goes in the context repository */
    public Path destination(String sessionId) {
        return workspace.contextRepository().resolve(Workspace.checkName(sessionId) + ".md");
    }

    /**
     * Copies the session file into the context repository (created if needed), durably.
     *
     * @return the destination
     * @throws java.nio.file.NoSuchFileException if the session file does not exist
     */
    public Path transfer(String jobId, String sessionId) throws IOException {
        Files.createDirectories(workspace.contextRepository());
        Path destination = destination(sessionId);
        AtomicFiles.copy(source(jobId, sessionId), destination, WriteOptions.defaults());
        return destination;
    }
}
