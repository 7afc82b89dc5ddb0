package dev.durafile.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The file operations the write protocol ({@link PendingWrite}) is built on. Each method is one step
 * of the protocol and maps to one system call where the binding allows; none of them retries, hides a
 * failure or adds policy. Failures are thrown as the JDK's {@link java.nio.file.FileSystemException}
 * types naming the path and the operation. Implementations: {@link NativeBinding} over {@link LibC}
 * (jna, panama) and {@link NioBinding}.
 */
public interface FileBinding {
    /** @return {@code "panama"}, {@code "jna"} or {@code "nio"} */
    String name();

    /**
     * Opens a directory for creating, renaming and syncing entries relative to it.
     *
     * @param dir an absolute directory path
     * @return the open directory; close it when done
     * @throws IOException if it does not exist, is not a directory or cannot be opened
     */
    Directory openDirectory(Path dir) throws IOException;

    /** How a rename treats an existing destination (the flags of Linux renameat2). */
    enum RenameMode {
        /** Atomically replace the destination if it exists (flags 0). */
        REPLACE(0),
        /** Fail with {@link java.nio.file.FileAlreadyExistsException} if the destination exists (RENAME_NOREPLACE). */
        NOREPLACE(1),
        /** Atomically swap source and destination, which must both exist (RENAME_EXCHANGE). */
        EXCHANGE(2);

        final int flags;

        RenameMode(int flags) {
            this.flags = flags;
        }
    }

    /** An open directory. Not thread-safe. */
    interface Directory extends Closeable {
        /** @return the directory's path */
        Path path();

        /**
         * Creates an unnamed file in this directory ({@code O_TMPFILE}): it has no name, so a crash
         * leaves nothing behind, until {@link #linkAnonymous} names it.
         *
         * @param mode the permission bits to create it with (the umask applies)
         * @return the open file, or null if the binding or file system does not support unnamed files
         */
        OpenFile createAnonymous(int mode) throws IOException;

        /**
         * Gives a file from {@link #createAnonymous} the name {@code name} in this directory.
         *
         * @throws java.nio.file.FileAlreadyExistsException if the name is taken
         */
        void linkAnonymous(OpenFile file, String name) throws IOException;

        /**
         * Adds the hard link {@code to} for the entry {@code from} of this directory.
         *
         * @throws java.nio.file.FileAlreadyExistsException if {@code to} exists
         * @throws java.nio.file.AtomicMoveNotSupportedException if the file system has no hard links
         */
        void link(String from, String to) throws IOException;

        /**
         * Creates a new file exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), open for writing.
         *
         * @param name a file name in this directory
         * @param mode the permission bits to create it with (the umask applies)
         * @return the open file
         * @throws IOException if it exists or cannot be created
         */
        OpenFile createExclusive(String name, int mode) throws IOException;

        /**
         * Renames the entry {@code from} of this directory to {@code to} in {@code target} (this
         * directory or another one on the same file system), atomically, as {@code mode} says.
         *
         * @throws java.nio.file.AtomicMoveNotSupportedException if the kernel, file system or binding
         *     refuses {@code mode} (only {@link RenameMode#REPLACE} is always supported)
         */
        void rename(String from, Directory target, String to, RenameMode mode) throws IOException;

        /** Makes this directory's entries durable (fsync of the directory). */
        void sync() throws IOException;

        /** Removes the entry {@code name}; an absent entry is not an error. */
        void delete(String name) throws IOException;
    }

    /** A file open for writing. Not thread-safe. */
    interface OpenFile extends Closeable {
        /** Writes all of {@code src}'s remaining bytes, advancing its position; heap or direct. */
        void write(ByteBuffer src) throws IOException;

        /** fdatasync, or fsync when {@code metadata} is true. A failure is final: never retried. */
        void sync(boolean metadata) throws IOException;

        /** Sets the exact permission bits, ignoring the umask. */
        void setMode(int mode) throws IOException;

        /**
         * Gives the file this owner and group if it does not have them.
         *
         * @return false if the process is not permitted to (not root), true if done or not needed
         */
        boolean setOwner(int uid, int gid) throws IOException;
    }
}
