package dev.durafile.cli;

/** Bad command-line input: an unknown option, a malformed value, a missing operand. Exit status 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
