package dev.durafile.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of one janitor sweep ({@link Events#beginSweep()}). */
@Name("dev.durafile.Sweep")
@Label("Temp File Sweep")
@Category("durafile")
@Description("One sweep of orphaned temp files by durafile's janitor")
@StackTrace(false)
final class SweepEvent extends Event {
    @Label("Root")
    String root;

    @Label("Dry Run")
    boolean dryRun;

    @Label("Deleted")
    int deleted;

    @Label("Bytes Reclaimed")
    @DataAmount
    long bytesReclaimed;

    @Label("Skipped Young")
    @Description("Temp files younger than the age gate, left alone")
    int skippedYoung;

    @Label("Skipped Future")
    @Description("Temp files dated in the future, left alone")
    int skippedFuture;

    @Label("Failed")
    int failed;

    @Label("Failure")
    @Description("Why the sweep itself failed, if it did")
    String failure;
}
