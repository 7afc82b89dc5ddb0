package dev.durafile.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The JFR events on the panama backend, against the packaged multi-release jar (JDK 22+). */
class PanamaEventsIT extends EventsContract {
    @BeforeAll
    static void needsJdk22() {
        assumeTrue(Runtime.version().feature() >= 22, "panama needs JDK 22+");
    }

    @Override
    String backend() {
        return "panama";
    }
}
