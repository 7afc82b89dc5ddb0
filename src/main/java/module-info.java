/**
 * durafile: crash-proof, durable atomic file writes on Linux.
 *
 * <p>The API is {@code dev.durafile} and, for Jackson users, {@code dev.durafile.json}; nothing else is
 * exported. SLF4J is required. JNA, Jackson and the JDK Flight Recorder are optional: on the module
 * path a module that is not resolved is not used, so
 * <ul>
 *   <li>on JDK 22+ start the JVM with {@code --enable-native-access=dev.durafile} for the panama
 *       backend (no JNA needed);</li>
 *   <li>on JDK 17-21 add {@code --add-modules com.sun.jna} (with JNA on the module path) for the jna
 *       backend; without it the java.nio backend is used, and the log says so;</li>
 *   <li>{@code dev.durafile.json} needs {@code com.fasterxml.jackson.databind}, which an application
 *       that uses it requires anyway;</li>
 *   <li>the {@code dev.durafile.*} Flight Recorder events are recorded when {@code jdk.jfr} is in the
 *       module graph, as it is whenever the JVM starts with {@code -XX:StartFlightRecording}.</li>
 * </ul>
 */
// JNA's jar is an automatic module (com.sun.jna, from its manifest); it has no module descriptor to require.
@SuppressWarnings("requires-automatic")
module dev.durafile {
    requires org.slf4j;
    requires static com.sun.jna;
    requires static transitive com.fasterxml.jackson.databind;
    requires static jdk.jfr;

    exports dev.durafile;
    exports dev.durafile.json;
}
