package dev.durafile.cli;

/**
 * One command-line option: its long name, an optional one-letter alias, the name of its value (null
 * for a flag) and a line of help.
 *
 * @param name the long name, e.g. {@code --mode}
 * @param alias the short alias, e.g. {@code -h}, or null
 * @param valueName what the value is called in help, e.g. {@code OCTAL}; null for a flag
 * @param help one line describing it
 */
record Option(String name, String alias, String valueName, String help) {
    static final Option HELP = new Option("--help", "-h", null, "show this help and exit");
    static final Option VERBOSE = new Option("--verbose", "-v", null,
            "log what the library does and print stack traces with errors");

    static Option flag(String name, String help) {
        return new Option(name, null, null, help);
    }

    static Option valued(String name, String valueName, String help) {
        return new Option(name, null, valueName, help);
    }

    boolean takesValue() {
        return valueName != null;
    }

    boolean matches(String word) {
        return word.equals(name) || word.equals(alias);
    }

    /** @return how the option is spelt in help, e.g. {@code -h, --help} or {@code --mode OCTAL} */
    String synopsis() {
        String names = alias == null ? name : alias + ", " + name;
        return valueName == null ? names : names + " " + valueName;
    }
}
