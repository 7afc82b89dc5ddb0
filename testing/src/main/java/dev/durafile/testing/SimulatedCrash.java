package dev.durafile.testing;

/**
 * Thrown by a {@link CrashFileSystem} at its planned crash point ({@link CrashFileSystem#crashBefore}),
 * and by every later call on that file system until {@link CrashFileSystem#crash} has been applied:
 * the process is considered dead from that point on. It is an {@link Error}, so code under test that
 * catches {@link java.io.IOException} (or {@link Exception}) does not handle it as an I/O failure.
 */
public final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    /** The number of the operation the crash was planned before. */
    private final long operationNumber;
    /** What that operation was. */
    private final String operation;

    /**
     * @param stackTrace false for the repeats thrown by a crashed file system, which are many and whose
     *     stack traces say nothing new
     */
    SimulatedCrash(long operationNumber, String operation, String message, boolean stackTrace) {
        super(message, null, true, stackTrace);
        this.operationNumber = operationNumber;
        this.operation = operation;
    }

    /** {@return the number of the operation the crash was planned before, counted since the crash was planned} */
    public long operationNumber() {
        return operationNumber;
    }

    /** {@return what that operation was, for example {@code "fdatasync /dir/a.txt.tmp.<uuid>"}} */
    public String operation() {
        return operation;
    }
}
