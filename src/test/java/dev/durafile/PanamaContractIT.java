package dev.durafile;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on the panama backend. An integration test: it needs the packaged multi-release jar
 * (failsafe puts it on the class path) and JDK 22+ with native access, which the JDK 22+ build profile
 * provides.
 */
class PanamaContractIT extends AtomicFilesContract {
    @BeforeAll
    static void needsJdk22() {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
    }

    @Override
    String backend() {
        return "panama";
    }
}
