package dev.durafile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options and operands of one command line, parsed against a {@link Command}'s option table.
 * Options and operands may come in any order; {@code --name=value} and {@code --name value} are the
 * same; {@code --} ends the options; a repeated option keeps its last value.
 */
final class Arguments {
    private final Map<Option, String> values;
    private final List<String> operands;

    private Arguments(Map<Option, String> values, List<String> operands) {
        this.values = values;
        this.operands = operands;
    }

    /**
     * @param command the command whose options are allowed
     * @param words the words after the command's name
     * @return the parsed arguments; with {@code --help} among them, the operands are not checked
     * @throws UsageException for an unknown option, a missing or unexpected value, or too few or too
     *     many operands
     */
    static Arguments parse(Command command, List<String> words) throws UsageException {
        Map<Option, String> values = new HashMap<>();
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (optionsEnded || word.equals("-") || !word.startsWith("-")) {
                operands.add(word);
                continue;
            }
            if (word.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int equals = word.startsWith("--") ? word.indexOf('=') : -1;
            String spelt = equals < 0 ? word : word.substring(0, equals);
            Option option = command.option(spelt)
                    .orElseThrow(() -> new UsageException("unknown option '" + spelt + "'"));
            if (!option.takesValue()) {
                if (equals >= 0) {
                    throw new UsageException("option " + option.name() + " takes no value");
                }
                values.put(option, "");
            } else if (equals >= 0) {
                values.put(option, word.substring(equals + 1));
            } else if (i + 1 < words.size()) {
                values.put(option, words.get(++i));
            } else {
                throw new UsageException("option " + option.name() + " needs a value " + option.valueName());
            }
        }
        if (!values.containsKey(Option.HELP)) {
            checkOperands(command, operands);
        }
        return new Arguments(values, List.copyOf(operands));
    }

    private static void checkOperands(Command command, List<String> operands) throws UsageException {
        if (operands.size() < command.minOperands()) {
            throw new UsageException("missing operand: expected " + command.operands());
        }
        if (operands.size() > command.maxOperands()) {
            throw new UsageException("unexpected operand '" + operands.get(command.maxOperands()) + "'");
        }
    }

    /** @return true if {@code option} was given */
    boolean has(Option option) {
        return values.containsKey(option);
    }

    /** Converts an option's text to a value, explaining what is wrong with bad text. */
    interface Converter<T> {
        /**
         * @param text the option's value as given
         * @return the value
         * @throws IllegalArgumentException with what was expected, if {@code text} is malformed
         */
        T convert(String text);
    }

    /**
     * @param option the option
     * @param converter turns its text into a value
     * @param otherwise the value when the option is absent
     * @return the converted value, or {@code otherwise}
     * @throws UsageException naming the option and the text, if the text is malformed
     */
    <T> T value(Option option, Converter<T> converter, T otherwise) throws UsageException {
        String text = values.get(option);
        if (text == null) {
            return otherwise;
        }
        try {
            return converter.convert(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid " + option.name() + " '" + text + "': " + e.getMessage());
        }
    }

    /** @return the number of operands */
    int operandCount() {
        return operands.size();
    }

    /**
     * @param index the operand's position
     * @param converter turns its text into a value
     * @return the converted operand
     * @throws UsageException quoting the text, if it is malformed
     */
    <T> T operand(int index, Converter<T> converter) throws UsageException {
        String text = operands.get(index);
        try {
            return converter.convert(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid operand '" + text + "': " + e.getMessage());
        }
    }

    /**
     * @param index the operand's position
     * @return the operand as a path
     * @throws UsageException if it is empty or not a valid path
     */
    Path path(int index) throws UsageException {
        String text = operands.get(index);
        try {
            return Values.path(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid path '" + text + "': " + e.getMessage());
        }
    }
}
