package dev.durafile.story;

/**
 * A job's metadata, kept in {@code jobs/<id>/.job.json}.
 *
 * @param id the job id, also its directory's name
 * @param status where the job is: queued, running, completed ...
 * @param repository the repository the job works on
 * @param revision counts the saves of this job
 * @param output the job's output so far
 */
public record Job(String id, String status, String repository, long revision, String output) {
}
