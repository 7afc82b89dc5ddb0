package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system-call layer that durafile's writes go through. Every backend runs the same protocol; they
 * differ in what the kernel lets them do:
 * <ul>
 *   <li>{@code panama}: the JDK's foreign function API (JDK 22+, started with
 *       {@code --enable-native-access}; see {@link #nativeAccessFlag()}). Everything: renameat2
 *       {@code RENAME_NOREPLACE} and {@code RENAME_EXCHANGE}, {@code O_TMPFILE}, descriptor-relative
 *       calls throughout.</li>
 *   <li>{@code jna}: the same calls through JNA (JDK 17+, Linux).</li>
 *   <li>{@code nio}: java.nio only, on any OS. No {@code RENAME_EXCHANGE} ({@link AtomicFiles#exchange}
 *       throws {@link java.nio.file.AtomicMoveNotSupportedException}, and with other processes writing the
 *       same file a {@link WriteOptions#keepBackup()} write's backup may be an earlier version),
 *       no {@code RENAME_NOREPLACE} (a {@link AtomicFiles#createNew create-if-absent} links, then unlinks),
 *       no {@code O_TMPFILE}, and a temp file's identity is checked by its name.</li>
 * </ul>
 *
 * <p>{@link #chosen()} is the backend every call uses unless its {@link WriteOptions} name another
 * ({@link WriteOptions.Builder#backend(Backend)}). It is decided once per JVM: the system property
 * {@value #PROPERTY} if set ({@code auto}, {@code panama}, {@code jna} or {@code nio}); otherwise nio
 * on anything but Linux, panama on JDK 22+ with native access, jna if it loads, nio last. A fallback
 * that loses features (nio on Linux) is logged once at WARN, naming what would avoid it and what is
 * lost; {@link #warning()} holds the same text.
 *
 * <p>Instances are immutable and thread-safe; {@link #named(String)} returns one instance per name.
 */
public final class Backend {
    /** The system property that overrides the automatic choice: {@code auto|panama|jna|nio}. */
    public static final String PROPERTY = Backends.PROPERTY;

    private static final ConcurrentHashMap<String, Backend> NAMED = new ConcurrentHashMap<>();

    private final Engine engine;
    private final String reason;
    private final String warning;

    private Backend(Engine engine, String reason, String warning) {
        this.engine = engine;
        this.reason = reason;
        this.warning = warning;
    }

    /** The automatic choice, or why the backend forced by the system property cannot load; decided once. */
    private static final class Chosen {
        static final Backend BACKEND;
        static final IllegalStateException FAILURE;

        static {
            Backend backend = null;
            IllegalStateException failure = null;
            try {
                Backends.Choice c = Backends.choose();
                backend = new Backend(new Engine(c.binding()), c.reason(), c.warning());
            } catch (IllegalStateException e) {
                failure = e;
            }
            BACKEND = backend;
            FAILURE = failure;
        }
    }

    /**
     * {@return the backend used where no {@link WriteOptions} name one, chosen once per JVM as the class
     * documentation says}
     *
     * @throws IllegalStateException on every call if {@value #PROPERTY} names a backend that is unknown
     *     or cannot load here; the message names the property, the backend and the cause
     */
    public static Backend chosen() {
        if (Chosen.FAILURE != null) {
            throw new IllegalStateException(Chosen.FAILURE.getMessage(), Chosen.FAILURE.getCause());
        }
        return Chosen.BACKEND;
    }

    /**
     * {@return the backend called {@code name}, loaded on first use; the same instance on every call}
     * Whatever {@value #PROPERTY} says, this gives the named backend if it can load here.
     *
     * @param name {@code panama}, {@code jna} or {@code nio}, in any case, with any blanks around it (as the
     *     system property takes it)
     * @throws IllegalStateException if the name is unknown or the backend cannot load here (JNA missing,
     *     a JDK before 22 or no native access for panama); the message says why and, where a JVM flag or
     *     module would help, which
     */
    public static Backend named(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return NAMED.computeIfAbsent(key, n -> new Backend(new Engine(Backends.load(n)), "named by the caller", null));
    }

    /**
     * {@return the JVM flag that enables the panama backend for durafile where it was loaded:
     * {@code --enable-native-access=dev.durafile} on the module path, {@code ALL-UNNAMED} on the class path}
     */
    public static String nativeAccessFlag() {
        return Backends.nativeAccessFlag();
    }

    /** {@return the name: {@code "panama"}, {@code "jna"} or {@code "nio"}} */
    public String name() {
        return engine.backendName();
    }

    /** {@return why this backend is the one, in a few words (e.g. {@code "JNA on JDK 17"})} */
    public String reason() {
        return reason;
    }

    /**
     * {@return for a fallback that loses features against a backend this JVM could have had with another
     * flag or module: which, and what is lost; empty otherwise}
     */
    public Optional<String> warning() {
        return Optional.ofNullable(warning);
    }

    Engine engine() {
        return engine;
    }

    /** {@return the name} */
    @Override
    public String toString() {
        return name();
    }
}
