package dev.durafile;

/** The contract on the java.nio backend. */
class NioContractTest extends AtomicFilesContract {
    @Override
    String backend() {
        return "nio";
    }
}
