package dev.durafile;

/** Child-process main for {@link BackendSelectionTest}: prints the backend AtomicFiles chose. */
public final class BackendProbe {
    private BackendProbe() {
    }

    public static void main(String[] args) {
        System.out.println("backend=" + AtomicFiles.backendName());
    }
}
