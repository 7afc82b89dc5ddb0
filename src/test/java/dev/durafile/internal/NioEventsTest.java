package dev.durafile.internal;

/** The JFR events on the nio backend. */
class NioEventsTest extends EventsContract {
    @Override
    String backend() {
        return "nio";
    }
}
