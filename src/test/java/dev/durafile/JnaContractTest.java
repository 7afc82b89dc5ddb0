package dev.durafile;

/** The contract on the jna backend. */
class JnaContractTest extends AtomicFilesContract {
    @Override
    String backend() {
        return "jna";
    }
}
