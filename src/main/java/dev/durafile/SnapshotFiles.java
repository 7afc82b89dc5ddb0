package dev.durafile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The files of a generation being built by {@link SnapshotDirectory#publish(IOConsumer)}. Names are
 * relative: {@code "app.json"}, or {@code "certs/ca.pem"} (subdirectories are made as needed); an
 * absolute name, an empty one, or one with a {@code .} or {@code ..} element is refused with
 * {@link IllegalArgumentException}. Each name may be written once. Not meant to be implemented
 * outside durafile.
 */
public interface SnapshotFiles {
    /** Writes {@code data} as the file {@code name} of the new generation. */
    void write(String name, byte[] data) throws IOException;

    /** Writes what {@code body} writes to its stream as the file {@code name} of the new generation. */
    void write(String name, IOConsumer<OutputStream> body) throws IOException;

    /** Copies {@code source} (a regular file, symbolic links followed) as the file {@code name}. */
    void copy(String name, Path source) throws IOException;
}
