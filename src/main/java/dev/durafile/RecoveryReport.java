package dev.durafile;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link AtomicFiles#recover(Path)} did in a journal directory.
 *
 * @param rolledForward committed transactions whose changes it finished publishing
 * @param discarded transactions that never committed, whose temp files it removed
 * @param inProgress transactions it left alone because a live transaction (in this or another
 *     process) still holds them
 * @param corrupt records it could not read as a transaction (bad checksum, unknown
 *     version, malformed entry): never applied, renamed to {@code <name>.corrupt} for a person to look at
 * @param foreign records another user's process wrote: never applied by this process (whoever wrote a
 *     record decides what recovery renames and deletes), left in place for that user's recovery
 */
public record RecoveryReport(int rolledForward, int discarded, int inProgress, List<Path> corrupt,
        List<Path> foreign) {
    /**
     * Copies the lists.
     *
     * @param rolledForward committed transactions whose changes it finished publishing
     * @param discarded transactions that never committed, whose temp files it removed
     * @param inProgress transactions it left alone because a live transaction still holds them
     * @param corrupt records it could not read as a transaction, renamed to {@code <name>.corrupt}
     * @param foreign records another user's process wrote, left in place for that user's recovery
     */
    public RecoveryReport {
        corrupt = List.copyOf(corrupt);
        foreign = List.copyOf(foreign);
    }

    @Override
    public String toString() {
        return rolledForward + " rolled forward, " + discarded + " discarded, " + inProgress + " in progress, "
                + corrupt.size() + " corrupt" + (corrupt.isEmpty() ? "" : " " + corrupt)
                + (foreign.isEmpty() ? "" : ", " + foreign.size() + " of another user " + foreign);
    }
}
