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
    /**
     * Writes {@code data} as the file {@code name} of the new generation.
     *
     * @param name the file's relative name
     * @param data its complete content
     * @throws IOException if it cannot be written; nothing is published
     */
    void write(String name, byte[] data) throws IOException;

    /**
     * Writes what {@code body} writes to its stream as the file {@code name} of the new generation.
     *
     * @param name the file's relative name
     * @param body writes the file's complete content
     * @throws IOException what {@code body} throws, or if the file cannot be written; nothing is published
     */
    void write(String name, IOConsumer<OutputStream> body) throws IOException;

    /**
     * Copies {@code source} (a regular file, symbolic links followed) as the file {@code name}.
     *
     * @param name the file's relative name
     * @param source the file to copy
     * @throws IOException if {@code source} cannot be read or the copy written; nothing is published
     */
    void copy(String name, Path source) throws IOException;
}
