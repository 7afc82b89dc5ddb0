package dev.durafile.testing;

/**
 * One simulated crash of a {@link CrashTester} run: where the action under test was stopped and how
 * the crash treated unsynced state.
 *
 * @param operation the counted operation the crash happened before, from 1; {@code operations + 1}
 *     when the action returned and the power was cut afterwards
 * @param operations how many counted operations the whole action performs
 * @param returned true if the action returned normally before the crash (the crash came after it)
 * @param description what the interrupted operation was, or {@code "after the action returned"}
 * @param mode what the crash did to unsynced file data
 * @param directories which unsynced directory entry operations the crash kept
 * @param seed the seed of the crash's random choices; reproduce with
 *     {@link CrashFileSystem#crash(CrashMode, DirectoryMode, long)}
 */
public record CrashPoint(int operation, int operations, boolean returned, String description, CrashMode mode,
        DirectoryMode directories, long seed) {

    /** {@return for example {@code "crash before op 5/7 (rename /a.tmp.x -> /a) LOSE_UNSYNCED DROP_UNSYNCED seed 0"}} */
    @Override
    public String toString() {
        String where = returned ? "crash after return (" + operations + " ops)"
                : "crash before op " + operation + "/" + operations + " (" + description + ")";
        return where + " " + mode + " " + directories + " seed " + seed;
    }
}
