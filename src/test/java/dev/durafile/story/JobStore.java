package dev.durafile.story;

import dev.durafile.AtomicFiles;
import dev.durafile.WriteOptions;
import dev.durafile.json.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The story's JobPersistenceService retrofitted: each job's metadata lives in
 * {@code jobs/<id>/.job.json} and every save replaces it atomically and durably. A crash during a save
 * leaves the previous complete version (or no file, for a job's first save) and perhaps a temp file
 * {@code .job.json.tmp.<uuid>} beside it, which loading never reads. Thread-safe.
 */
public final class JobStore {
    /** The name of the metadata file in a job's directory. */
    public static final String JOB_FILE = ".job.json";

    private final Workspace workspace;

    /** @param workspace where the jobs live */
    public JobStore(Workspace workspace) {
        this.workspace = workspace;
    }

    /** @return the metadata file of job {@code id} */
    public Path file(String id) {
        return workspace.jobDir(id).resolve(JOB_FILE);
    }

    /**
     * Creates the job's directory if needed (durably: a new job directory and its first metadata file
     * both survive a power cut) and replaces its metadata with {@code job}, durably.
     */
    public void save(Job job) throws IOException {
        AtomicFiles.createDirectories(workspace.jobDir(job.id()));
        JsonFiles.write(file(job.id()), job, Workspace.MAPPER, WriteOptions.defaults());
    }

    /**
     * @return job {@code id}'s last saved metadata
     * @throws java.nio.file.NoSuchFileException if it was never saved
     * @throws IOException naming the file if it is not a valid job
     */
    public Job load(String id) throws IOException {
        return JsonFiles.read(file(id), Job.class, Workspace.MAPPER);
    }
}
