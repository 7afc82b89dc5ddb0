package dev.durafile.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The JFR event of one single write ({@link Events#beginWrite()}). */
@Name("dev.durafile.Write")
@Label("Atomic Write")
@Category("durafile")
@Description("One atomic write of a file by durafile, from resolving its target to syncing its directory")
@StackTrace(false)
final class WriteEvent extends Event {
    @Label("Target")
    @Description("The file as the caller named it")
    String target;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Durability")
    String durability;

    @Label("Backend")
    String backend;

    @Label("Write")
    @Description("Writing the content into the temp file")
    @Timespan
    long write;

    @Label("File Sync")
    @Description("Syncing the temp file (none at NONE) and closing it")
    @Timespan
    long fileSync;

    @Label("Rename")
    @Description("Checking the temp is the file written and renaming it over the target")
    @Timespan
    long rename;

    @Label("Directory Sync")
    @Description("Syncing the target's directory (DURABLE only) and closing it")
    @Timespan
    long directorySync;

    @Label("Outcome")
    @Description("published; failed after publishing (the new content is in place, a later step failed);"
            + " failed (the target is untouched); or discarded (closed without a commit)")
    String outcome;

    @Label("Failure")
    String failure;
}
