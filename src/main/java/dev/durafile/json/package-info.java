/**
 * JSON documents kept in files with Jackson, written through {@link dev.durafile.AtomicFiles}:
 * {@link dev.durafile.json.JsonFiles} writes, reads and updates (read-modify-write under a lock that
 * holds across threads and processes) one value per file.
 *
 * <p>Jackson is an optional dependency of durafile: this package needs
 * {@code com.fasterxml.jackson.core:jackson-databind} on the class path (the rest of durafile does not).
 * Without it, the first use of {@code JsonFiles} fails with {@link NoClassDefFoundError}.
 */
package dev.durafile.json;
