package dev.durafile.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A subcommand of the tool: what {@code --help} says about it, which options and how many operands it
 * takes, and the code that runs it. Every command also takes {@link Option#HELP} and
 * {@link Option#VERBOSE}.
 *
 * @param name the word that selects it, e.g. {@code write}
 * @param operands the operands in help, e.g. {@code SRC DST}
 * @param summary one line for the command list
 * @param description the paragraphs of its help, each a string
 * @param options the options it takes besides help and verbose
 * @param minOperands the fewest operands it accepts
 * @param maxOperands the most operands it accepts
 * @param hidden true for internal commands left out of the command list
 * @param action the code that runs it
 */
record Command(String name, String operands, String summary, List<String> description, List<Option> options,
        int minOperands, int maxOperands, boolean hidden, Action action) {

    /** The body of a command; it returns the exit status and throws for failures. */
    interface Action {
        /**
         * @param invocation the parsed arguments and the standard streams
         * @return the exit status: {@link Main#OK} or {@link Main#FAILURE}
         * @throws IOException for a failure, reported as one line and exit status 1
         * @throws UsageException for bad input, reported as one line and exit status 2
         */
        int run(Invocation invocation) throws IOException, UsageException;
    }

    Command {
        description = List.copyOf(description);
        List<Option> all = new ArrayList<>(options);
        all.add(Option.HELP);
        all.add(Option.VERBOSE);
        options = List.copyOf(all);
    }

    /** @return the option spelt {@code word} (its name or alias), if this command takes it */
    Optional<Option> option(String word) {
        return options.stream().filter(o -> o.matches(word)).findFirst();
    }

    /** @return the usage line, e.g. {@code durafile copy [OPTIONS] SRC DST} */
    String usage() {
        return Main.PROGRAM + " " + name + " [OPTIONS]" + (operands.isEmpty() ? "" : " " + operands);
    }

    /** @return the full help text, ending with a newline */
    String help() {
        StringBuilder b = new StringBuilder("Usage: ").append(usage()).append("\n\n");
        for (String paragraph : description) {
            b.append(Text.wrap(paragraph, 0)).append('\n');
        }
        b.append("\nOptions:\n").append(Text.table(options.stream()
                .map(o -> List.of(o.synopsis(), o.help())).toList()));
        return b.toString();
    }
}
