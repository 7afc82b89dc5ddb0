package dev.durafile.internal;

/** The JFR events on the jna backend. */
class JnaEventsTest extends EventsContract {
    @Override
    String backend() {
        return "jna";
    }
}
