package dev.durafile.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code durafile} command-line tool: {@code doctor}, {@code write}, {@code copy}, {@code swap},
 * {@code sweep}, {@code recover} and {@code crash-demo}. Run {@code durafile --help} for the list and
 * {@code durafile COMMAND --help} for each command.
 *
 * <p>Exit status: {@value #OK} on success, {@value #FAILURE} on failure (one line on standard error
 * names the path and the reason; {@code --verbose} adds the stack trace), {@value #USAGE} for bad
 * input such as an unknown option or a missing operand. Log output of the library goes to standard
 * error at level ERROR, or DEBUG with {@code --verbose}, unless {@code -Dorg.slf4j.simpleLogger.*}
 * properties say otherwise.
 */
public final class Main {
    /** Exit status: success. */
    public static final int OK = 0;
    /** Exit status: the command failed; standard error says why. */
    public static final int FAILURE = 1;
    /** Exit status: the command line was wrong; standard error says how. */
    public static final int USAGE = 2;

    static final String PROGRAM = "durafile";

    private static final String VERSION_FLAG = "--version";

    private Main() {
    }

    /**
     * @return every command, in the order of the overview. A method, not a constant: the commands' classes
     *     load durafile classes that create their loggers, which must wait until the level is set
     */
    private static List<Command> commands() {
        return List.of(Doctor.COMMAND, FileCommands.WRITE, FileCommands.COPY, FileCommands.SWAP,
                SweepCommand.COMMAND, RecoverCommand.COMMAND, CrashDemo.COMMAND, CrashDemoChild.COMMAND);
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        configureLogging(verbose(args));
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * @return true if {@code --verbose} is among the options; looked for before anything is parsed,
     *     because the log level must be set before the first durafile class creates its logger
     */
    private static boolean verbose(String[] args) {
        for (String word : args) {
            if (word.equals("--")) {
                return false;
            }
            if (Option.VERBOSE.matches(word)) {
                return true;
            }
        }
        return false;
    }

    private static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(PROGRAM + ": missing command (see '" + PROGRAM + " --help')");
            return USAGE;
        }
        String first = args[0];
        if (Option.HELP.matches(first)) {
            out.print(overview());
            return OK;
        }
        if (first.equals(VERSION_FLAG)) {
            out.println(version());
            return OK;
        }
        Optional<Command> command = commands().stream().filter(c -> c.name().equals(first)).findFirst();
        if (command.isEmpty()) {
            err.println(PROGRAM + ": unknown " + (first.startsWith("-") ? "option" : "command") + " '" + first
                    + "' (see '" + PROGRAM + " --help')");
            return USAGE;
        }
        return execute(command.get(), List.of(Arrays.copyOfRange(args, 1, args.length)), in, out, err);
    }

    private static int execute(Command command, List<String> words, InputStream in, PrintStream out,
            PrintStream err) {
        Invocation inv;
        try {
            inv = new Invocation(command, Arguments.parse(command, words), in, out, err);
        } catch (UsageException e) {
            return usageError(command, e, err);
        }
        if (inv.args().has(Option.HELP)) {
            out.print(command.help());
            return OK;
        }
        boolean verbose = inv.args().has(Option.VERBOSE);
        try {
            return command.action().run(inv);
        } catch (UsageException e) {
            return usageError(command, e, err);
        } catch (IOException | RuntimeException e) {
            inv.error(Errors.describe(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            return FAILURE;
        }
    }

    private static int usageError(Command command, UsageException e, PrintStream err) {
        err.println(PROGRAM + " " + command.name() + ": " + e.getMessage() + " (see '" + PROGRAM + " "
                + command.name() + " --help')");
        return USAGE;
    }

    /**
     * Sets slf4j-simple's level before the library's first log line: ERROR, or DEBUG when verbose. Levels
     * the user set with {@code -D} are kept.
     */
    private static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "error");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** @return {@code durafile VERSION}, the version from the jar's manifest */
    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return PROGRAM + " " + (v == null ? "(development build, no jar manifest)" : v);
    }

    private static String overview() {
        StringBuilder b = new StringBuilder()
                .append("Usage: ").append(PROGRAM).append(" COMMAND [OPTIONS] [OPERANDS]\n")
                .append("       ").append(PROGRAM).append(" --help | --version\n\n")
                .append(Text.wrap("Crash-proof file writes: every write goes to a temp file that is synced "
                        + "and renamed over the target, so a crash, a kill -9 or a power cut leaves the "
                        + "complete old or the complete new file, never an empty or partial one.", 0))
                .append("\n\nCommands:\n")
                .append(Text.table(commands().stream().filter(c -> !c.hidden())
                        .map(c -> List.of(c.name(), c.summary())).toList()))
                .append("\nRun '").append(PROGRAM).append(" COMMAND --help' for the options of a command; ")
                .append("every command takes -v, --verbose.\n\nExit status:\n")
                .append(Text.table(List.of(
                        List.of(String.valueOf(OK), "success"),
                        List.of(String.valueOf(FAILURE), "failure: one line on standard error names the path "
                                + "and the reason (--verbose adds the stack trace)"),
                        List.of(String.valueOf(USAGE), "usage error: unknown command or option, bad value, "
                                + "missing or extra operand"))));
        return b.toString();
    }
}
