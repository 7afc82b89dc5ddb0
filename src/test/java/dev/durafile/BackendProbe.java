package dev.durafile;

/**
 * Child-process main for {@link BackendSelectionTest}: prints the backend AtomicFiles chose, asking
 * twice; a failure is printed as {@code call N: <exception class>: <message> | cause: <cause>} and
 * the exit status is 1.
 */
public final class BackendProbe {
    private BackendProbe() {
    }

    public static void main(String[] args) {
        int failures = 0;
        for (int call = 1; call <= 2; call++) {
            try {
                System.out.println("backend=" + AtomicFiles.backendName());
            } catch (RuntimeException | Error e) {
                failures++;
                System.out.println("call " + call + ": " + e.getClass().getName() + ": " + e.getMessage()
                        + " | cause: " + e.getCause());
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
