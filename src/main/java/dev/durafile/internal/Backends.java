package dev.durafile.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the backend. In order: the {@value #PROPERTY} system property if set (failing loudly if the
 * named backend cannot load); java.nio on anything but Linux; panama on JDK 22+ with native access
 * enabled; jna if it loads; java.nio otherwise. On JDK 22+ without native access the log says which
 * flag enables panama; on JDK 24+ JNA is then not loaded either, because the JDK would print its
 * restricted-method warning for JNA's JNI library, so java.nio is used.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The system property that overrides the choice: {@code auto|panama|jna|nio}. */
    public static final String PROPERTY = "durafile.backend";
    /** The flag that enables the panama backend for a class-path application. */
    public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";
    private static final String PANAMA_CLASS = "dev.durafile.internal.PanamaLibC";
    /** JNA's module name (an automatic module, from its jar's manifest). */
    private static final String JNA_MODULE = "com.sun.jna";

    private Backends() {
    }

    /** The flag that enables the panama backend for durafile on the module path. */
    public static final String MODULE_NATIVE_ACCESS_FLAG = "--enable-native-access=dev.durafile";
    /** What the java.nio backend cannot do that the native ones can, for the warning of a fallback to it. */
    private static final String NIO_LOSES = "no renameat2 RENAME_EXCHANGE (AtomicFiles.exchange fails with"
            + " AtomicMoveNotSupportedException, a keepBackup write's .bak may be an earlier version when other"
            + " processes write the same file, and transactions free the replaced versions inside their renames), no RENAME_NOREPLACE (createNew links, then unlinks), no O_TMPFILE (ANONYMOUS temps"
            + " are named), no fstat of a descriptor (a temp's identity is checked by its name), no POSIX ACL"
            + " handling, and a java.io.tmpdir that must be on a local file system";
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** A chosen binding, why it was chosen, and what the choice costs if it is a fallback. */
    public static final class Choice {
        private final FileBinding binding;
        private final String reason;
        private final String warning;

        Choice(FileBinding binding, String reason) {
            this(binding, reason, null);
        }

        Choice(FileBinding binding, String reason, String warning) {
            this.binding = binding;
            this.reason = reason;
            this.warning = warning;
        }

        /** @return what this choice loses against the backend the JVM could have had, or null */
        public String warning() {
            return warning;
        }

        /** @return the binding */
        public FileBinding binding() {
            return binding;
        }

        /** @return why it was chosen, in a few words */
        public String reason() {
            return reason;
        }
    }

    /**
     * Chooses the backend as described above and logs one INFO line naming it and why, or, the first
     * time the choice is a fallback that loses features (java.nio on JDK 24+ without native access, or
     * on Linux because JNA cannot load), one WARN line naming the flag or module that would avoid it and
     * what is lost.
     *
     * @throws IllegalStateException if the property names an unknown backend or one that cannot load;
     *     the message names the property, the backend and the cause
     */
    public static Choice choose() {
        Choice c = chooseQuietly();
        if (c.warning() != null && WARNED.compareAndSet(false, true)) {
            LOG.warn("durafile backend: {} ({}). {}", c.binding().name(), c.reason(), c.warning());
        } else {
            LOG.info("durafile backend: {} ({})", c.binding().name(), c.reason());
        }
        return c;
    }

    private static Choice chooseQuietly() {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!requested.equals("auto")) {
            try {
                return new Choice(load(requested), "requested by -D" + PROPERTY + "=" + requested);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("durafile backend '" + requested + "', requested by -D" + PROPERTY
                        + "=" + requested + ", cannot be used: " + e.getMessage(), e.getCause() != null ? e.getCause() : e);
            }
        }
        String os = System.getProperty("os.name", "");
        if (!os.equals("Linux")) {
            return new Choice(new NioBinding(), "the native backends support Linux only; this is " + os);
        }
        int jdk = Runtime.version().feature();
        if (jdk >= 22) {
            if (nativeAccessEnabled()) {
                try {
                    return new Choice(loadPanama(), "JDK " + jdk + " with native access enabled");
                } catch (IllegalStateException e) {
                    LOG.warn("panama backend failed to load, trying jna: {}", e.getMessage());
                }
            } else if (jdk >= 24) {
                return new Choice(new NioBinding(), "JDK " + jdk + " without native access; start the JVM with "
                        + nativeAccessFlag() + " to use the panama backend", "Against panama, java.nio has "
                        + NIO_LOSES + ".");
            } else {
                LOG.info("durafile: start the JVM with {} to use the panama backend", nativeAccessFlag());
            }
        }
        try {
            return new Choice(loadJna(), "JNA on JDK " + jdk);
        } catch (IllegalStateException e) {
            return new Choice(new NioBinding(), "JNA is not available: " + e.getMessage(), "Against jna, java.nio"
                    + " has " + NIO_LOSES + "; -D" + PROPERTY + "=nio chooses it without this warning.");
        }
    }

    /**
     * Loads a backend by name.
     *
     * @param name {@code panama}, {@code jna} or {@code nio}
     * @return its binding
     * @throws IllegalStateException if it is unknown or cannot load here, with the reason
     */
    public static FileBinding load(String name) {
        switch (name) {
            case "nio":
                return new NioBinding();
            case "jna":
                return loadJna();
            case "panama":
                return loadPanama();
            default:
                throw new IllegalStateException("unknown durafile backend '" + name + "' (" + PROPERTY
                        + " takes auto, panama, jna or nio)");
        }
    }

    private static FileBinding loadJna() {
        try {
            Class.forName("com.sun.jna.Native");
            return new NativeBinding(new JnaLibC());
        } catch (ClassNotFoundException | LinkageError e) {
            String hint = Backends.class.getModule().isNamed()
                    && ModuleLayer.boot().findModule(JNA_MODULE).isEmpty()
                    ? " (durafile is on the module path, where JNA is used only if it is in the module graph: add"
                            + " --add-modules " + JNA_MODULE + " with jna on the module path)"
                    : "";
            throw new IllegalStateException("the jna backend cannot load: " + e + hint, e);
        }
    }

    private static FileBinding loadPanama() {
        if (Runtime.version().feature() < 22) {
            throw new IllegalStateException("the panama backend needs JDK 22 or later; this is JDK "
                    + Runtime.version().feature());
        }
        if (!nativeAccessEnabled()) {
            throw new IllegalStateException("the panama backend needs native access: start the JVM with "
                    + nativeAccessFlag());
        }
        try {
            LibC libc = (LibC) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
            return new NativeBinding(libc);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the panama classes are not visible: they live in META-INF/versions/22"
                    + " of durafile's multi-release jar, which exploded classes, and a jar repackaged without its"
                    + " Multi-Release: true manifest entry, do not show", e);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException("the panama backend cannot load: " + cause, cause);
        }
    }

    /**
     * @return the flag that enables native access for durafile where it was loaded: its module's name on
     *     the module path, {@code ALL-UNNAMED} on the class path
     */
    public static String nativeAccessFlag() {
        return Backends.class.getModule().isNamed() ? MODULE_NATIVE_ACCESS_FLAG : NATIVE_ACCESS_FLAG;
    }

    /** @return whether this code may call restricted methods (JDK 22+ {@code Module.isNativeAccessEnabled}) */
    private static boolean nativeAccessEnabled() {
        try {
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(Backends.class.getModule());
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
