package dev.durafile;

import dev.durafile.internal.Snapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A directory whose content is replaced whole: each generation of files is written into its own
 * hidden directory beside the link, made durable, and the link is switched to it by renaming a new
 * symbolic link over it, atomically (as Kubernetes does for ConfigMap volumes). A reader that resolves
 * the link once ({@link #current()}, or {@code Path.toRealPath()}) and reads its files from there sees
 * one generation, complete; a reader that opens {@code link/a} and then {@code link/b} resolves the
 * link twice and may see two generations.
 *
 * <pre>{@code
 * SnapshotDirectory config = SnapshotDirectory.open(Path.of("/var/lib/app/config"));
 * config.publish(Map.of("app.json", appBytes, "ca.pem", caBytes));
 * config.publish(files -> { files.write("app.json", bytes); files.copy("ca.pem", source); });
 * Path now = config.current();   // e.g. /var/lib/app/.config.gen-000042-…
 * }</pre>
 *
 * <h2>What a crash leaves</h2>
 * Before the link is switched, the previous generation stays current and the new one's directory is
 * garbage that the next publish removes; after it, the new generation is current and complete. Once
 * {@code publish} returns, the new generation survives a power cut.
 *
 * <h2>Old generations</h2>
 * After each publish, generations are removed except the current one, the {@link #keep} most recent
 * before it, and any replaced less than the grace period ago (a reader may still be reading it);
 * defaults: keep 2, grace 10 seconds. Publishes of one link, in this process and others, take turns
 * (a lock file {@code .<link>.lock} beside it). The link's directory must be writable by its owner
 * alone: whoever else could write it could swap a generation in.
 *
 * <p>The link's name is kept as bytes: the lock file and the generations are named from the bytes of
 * the link's own name, so a name that does not decode is published at that name, and two such names
 * never share generations.
 */
public final class SnapshotDirectory {
    private final Snapshots snapshots;

    private SnapshotDirectory(Snapshots snapshots) {
        this.snapshots = snapshots;
    }

    /**
     * Opens the snapshot directory whose readers follow {@code link}.
     *
     * @param link the path readers use: a symbolic link to the current generation, or nothing yet (the
     *     first publish creates it); its directory must exist
     * @return the snapshot directory, keeping 2 old generations and a grace period of 10 seconds
     * @throws java.nio.file.AccessDeniedException if its directory, by whatever name reached (a final
     *     {@code .} or {@code ..} too), is writable by its group or others (sticky or not), or it or a
     *     directory above it belongs to someone other than root or the user this process creates files
     *     as, or a symbolic link on the way does, or (java.nio only) {@code java.io.tmpdir}, where this
     *     process learns its own user, is not root's or others can rename entries in it
     * @throws java.nio.file.FileSystemException if {@code link} is something other than a symbolic link
     */
    public static SnapshotDirectory open(Path link) throws IOException {
        return new SnapshotDirectory(Snapshots.open(AtomicFiles.engine(), link, 2, Duration.ofSeconds(10)));
    }

    /**
     * Sets how many replaced generations are kept.
     *
     * @param generations how many generations before the current one to keep (at least 1)
     * @param grace how long a replaced generation is kept whatever {@code generations} says
     * @return a snapshot directory of the same link pruning as these say
     */
    public SnapshotDirectory keep(int generations, Duration grace) {
        if (generations < 1) {
            throw new IllegalArgumentException("keep at least one old generation: " + generations);
        }
        Objects.requireNonNull(grace, "grace");
        return new SnapshotDirectory(snapshots.keep(generations, grace));
    }

    /**
     * Publishes a new generation holding exactly {@code files} (name to content; see
     * {@link SnapshotFiles} for names), durably, then switches the link to it.
     *
     * @param files each file's name and complete content
     * @return the new generation's directory
     * @throws java.nio.file.AccessDeniedException if the file system gives the new generation to another
     *     user than this process's (NFS with root squashed does): that user could change it; nothing is
     *     published and the generation is removed
     * @throws java.nio.file.FileSystemException if something but a regular file is at the lock file's name
     * @throws IOException if it cannot be built: the previous generation stays current and the partial
     *     one is removed
     */
    public Path publish(Map<String, byte[]> files) throws IOException {
        Objects.requireNonNull(files, "files");
        return publish(out -> {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.write(f.getKey(), f.getValue());
            }
        });
    }

    /**
     * Publishes a new generation holding what {@code body} writes, durably, then switches the link to
     * it. If {@code body} throws, nothing is published.
     *
     * @param body writes the generation's files through the {@link SnapshotFiles} it is given
     * @return the new generation's directory
     * @throws IOException what {@code body} throws, or as {@link #publish(Map)}; in every case the
     *     previous generation stays current and the partial one is removed
     */
    public Path publish(IOConsumer<SnapshotFiles> body) throws IOException {
        return snapshots.publish(body);
    }

    /**
     * {@return the current generation's directory (the link resolved once)}
     * @throws java.nio.file.NoSuchFileException if nothing was published yet
     */
    public Path current() throws IOException {
        return snapshots.current();
    }
}
