package dev.durafile.cli;

import dev.durafile.SweepReport;
import dev.durafile.TempFileJanitor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code durafile sweep}: the janitor, deleting the temp files that crashed writes left behind. */
final class SweepCommand {
    static final Option MIN_AGE = Option.valued("--min-age", "DURATION",
            "only delete temp files last modified longer ago than this, e.g. 30s, 10m, 2h, 1d (default "
                    + Values.formatDuration(TempFileJanitor.DEFAULT_MIN_AGE) + ")");
    static final Option DRY_RUN = Option.flag("--dry-run", "delete nothing; list what would be deleted");

    static final Command COMMAND = new Command("sweep", "ROOT",
            "delete orphaned temp files (NAME.tmp.UUID) under ROOT older than a minimum age",
            List.of("Walks ROOT and its subdirectories on the same file system and deletes the regular "
                            + "files named NAME.tmp.UUID (the temp files of durafile writes that a crash "
                            + "interrupted) whose last modification is older than the minimum age. Younger "
                            + "temp files, symbolic links, directories and every other file are left alone.",
                    "Prints each file deleted (or, with --dry-run, that would be), then a summary. Files that "
                            + "cannot be deleted are reported on standard error and make the exit status 1. "
                            + "Do not sweep a directory that untrusted users can write to, such as /tmp."),
            List.of(MIN_AGE, DRY_RUN), 1, 1, false, SweepCommand::sweep);

    private SweepCommand() {
    }

    private static int sweep(Invocation inv) throws IOException, UsageException {
        Path root = inv.args().path(0);
        Duration minAge = inv.args().value(MIN_AGE, Values::duration, TempFileJanitor.DEFAULT_MIN_AGE);
        SweepReport report = TempFileJanitor.sweep(root, minAge, inv.args().has(DRY_RUN));
        String verb = report.dryRun() ? "would delete" : "deleted";
        for (Path p : report.deleted()) {
            inv.out().println(verb + " " + p);
        }
        for (SweepReport.Failure f : report.failed()) {
            inv.error(f.path() + ": " + f.reason());
        }
        inv.out().printf("%s: %s %d temp files (%d bytes%s), skipped %d not older than %s%s, %d failed%n",
                root, verb, report.deletedCount(), report.bytesReclaimed(),
                report.dryRun() ? " would be reclaimed" : " reclaimed", report.skippedYoung(),
                Values.formatDuration(minAge), report.skippedFuture() == 0 ? ""
                        : " (" + report.skippedFuture() + " dated in the future: kept until the clock passes their"
                        + " date by " + Values.formatDuration(minAge) + ")", report.failedCount());
        return report.failedCount() == 0 ? Main.OK : Main.FAILURE;
    }
}
