package dev.durafile.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * One run of a command: its parsed arguments and the standard streams.
 *
 * @param command the command being run
 * @param args its parsed options and operands
 * @param in standard input
 * @param out standard output, for results
 * @param err standard error, for progress and errors
 */
record Invocation(Command command, Arguments args, InputStream in, PrintStream out, PrintStream err) {
    /**
     * Prints one error line, {@code durafile COMMAND: MESSAGE}, on standard error.
     *
     * @param message the path and the reason
     */
    void error(String message) {
        err.println(Main.PROGRAM + " " + command.name() + ": " + message);
    }
}
