package dev.durafile.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of one transaction's commit ({@link Events#beginTransaction()}). */
@Name("dev.durafile.Transaction")
@Label("Transaction Commit")
@Category("durafile")
@Description("The commit of one transaction of several files by durafile")
@StackTrace(false)
final class TransactionEvent extends Event {
    @Label("Journal")
    String journal;

    @Label("Changes")
    @Description("Files written, copied or deleted")
    int changes;

    @Label("Durability")
    String durability;

    @Label("Backend")
    String backend;

    @Label("Outcome")
    @Description("committed, or failed (see the commit's exception for what recovery will do)")
    String outcome;

    @Label("Failure")
    String failure;
}
