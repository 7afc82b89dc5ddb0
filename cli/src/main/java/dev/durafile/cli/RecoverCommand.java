package dev.durafile.cli;

import dev.durafile.AtomicFiles;
import dev.durafile.RecoveryReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code durafile recover JOURNAL_DIR}: finishes or discards the transactions a crash left in a journal. */
final class RecoverCommand {
    static final Command COMMAND = new Command("recover", "JOURNAL_DIR",
            "finish the committed transactions a crash left in a journal and discard the uncommitted ones",
            List.of("Reads every record in JOURNAL_DIR (the directory given to AtomicFiles.transaction): a "
                            + "committed transaction whose changes were not all published is finished (its "
                            + "remaining temp files renamed over their targets, its deletes done, its directories "
                            + "synced); an uncommitted one is discarded (its temp files removed); one still running "
                            + "in another process is left alone. Safe to run at any time, and again after a crash "
                            + "during recovery. A JVM also runs it by itself before its first transaction on a "
                            + "journal.",
                    "A record that is not a valid record (a bad checksum, an unknown version) is never applied: "
                            + "it is renamed NAME.corrupt and reported on standard error, and the exit status is 1. "
                            + "Records another user wrote are left for that user's recovery (exit status 1 too). "
                            + "Run it as the user whose processes write the journal."),
            List.of(), 1, 1, false, RecoverCommand::recover);

    private RecoverCommand() {
    }

    private static int recover(Invocation inv) throws IOException, UsageException {
        Path journal = inv.args().path(0);
        RecoveryReport r = AtomicFiles.recover(journal);
        for (Path p : r.corrupt()) {
            inv.error(p + ": corrupt journal record, not applied; kept for inspection");
        }
        for (Path p : r.foreign()) {
            inv.error(p + ": journal record of another user, left for that user's recovery");
        }
        inv.out().printf("%s: %d rolled forward, %d discarded, %d in progress (left alone), %d corrupt%s%n", journal,
                r.rolledForward(), r.discarded(), r.inProgress(), r.corrupt().size(),
                r.foreign().isEmpty() ? "" : ", " + r.foreign().size() + " of another user");
        return r.corrupt().isEmpty() && r.foreign().isEmpty() ? Main.OK : Main.FAILURE;
    }
}
