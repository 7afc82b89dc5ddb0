package example.probe;

/** Must not compile on the module path: dev.durafile.internal is not exported. */
final class Probe {
    static final Class<?> ENGINE = dev.durafile.internal.Engine.class;

    private Probe() {
    }
}
