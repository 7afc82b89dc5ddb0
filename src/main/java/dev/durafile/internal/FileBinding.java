package dev.durafile.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The file operations the write protocol ({@link PendingWrite}) is built on. Each method is one step
 * of the protocol and maps to one system call where the binding allows; none of them retries, hides a
 * failure or adds policy. Failures are thrown as the JDK's {@link java.nio.file.FileSystemException}
 * types naming the path and the operation ({@link Failures}). Implementations: {@link NativeBinding}
 * over {@link LibC} (jna, panama) and {@link NioBinding}.
 *
 * <p>Everything after {@link #openDirectory} acts relative to the open directory (the {@code *at}
 * system calls), never on a path string that could name something else by then, and on the open file
 * (fstat, fchmod, fchown); an entry that is a symbolic link is never followed, except by
 * {@link Directory#openDirectory(Name)} and where a method says so. Entry names are {@link Name}s: the
 * bytes the kernel sees, never a name rebuilt from a String.
 */
public interface FileBinding {
    /** @return {@code "panama"}, {@code "jna"} or {@code "nio"} */
    String name();

    /**
     * @return true if {@link OpenFile#stat()} is an {@code fstat} of the descriptor; false where it reads
     *     the file's name (java.nio), which whoever can rename entries of its directory can swap
     */
    default boolean statsDescriptors() {
        return true;
    }

    /**
     * @return the user this process runs as (its effective user) as this binding reports owners, or
     *     null where the binding cannot tell (java.nio)
     */
    default Object processUser() {
        return null;
    }

    /**
     * Opens a directory for creating, renaming and syncing entries relative to it. Symbolic links in
     * {@code dir} are followed.
     *
     * @param dir an absolute directory path
     * @return the open directory; close it when done
     * @throws IOException if it does not exist, is not a directory or cannot be opened
     */
    Directory openDirectory(Path dir) throws IOException;

    /**
     * {@link #openDirectory}{@code (file.getParent())}: a binding may read the directory's path from
     * {@code file}'s and make less of it.
     *
     * @param file an absolute path other than the root
     * @return its directory, open; close it when done
     * @throws IOException as {@link #openDirectory} does
     */
    default Directory openParent(Path file) throws IOException {
        return openDirectory(file.getParent());
    }

    /**
     * Opens a file to copy from, following symbolic links, without blocking if it is a FIFO.
     *
     * @param file the file
     * @return the open file; its {@link SourceFile#stat()} tells what was opened
     */
    SourceFile openSource(Path file) throws IOException;

    /** A file open for reading. Not thread-safe. */
    interface SourceFile extends Closeable {
        /**
         * @return what fstat says of the open file; a binding that cannot fstat (java.nio) reads its path
         *     before and after opening it and fails if the two reads saw different files
         */
        Stat stat();

        /**
         * Reads into {@code dst} (a direct buffer) from its position.
         *
         * @return the number of bytes read, or -1 at the end
         */
        int read(ByteBuffer dst) throws IOException;
    }

    /** How a rename treats an existing destination (what the flags of Linux renameat2 choose). */
    enum RenameMode {
        /** Atomically replace the destination if it exists (no flags). */
        REPLACE,
        /** Fail with {@link java.nio.file.FileAlreadyExistsException} if the destination exists (RENAME_NOREPLACE). */
        NOREPLACE,
        /** Atomically swap source and destination, which must both exist (RENAME_EXCHANGE). */
        EXCHANGE
    }

    /** What a file is. */
    enum Kind { REGULAR, DIRECTORY, SYMLINK, OTHER }

    /**
     * What fstat or lstat reports about one file, as far as the protocol needs it. Immutable.
     */
    final class Stat {
        /** What the file is. */
        public final Kind kind;
        /** Equal for two names or descriptors of one file ((st_dev, st_ino), or java.nio's fileKey); null if unknown. */
        public final Object key;
        /** The file system's device ({@code st_dev}), or null if unknown. */
        public final Object device;
        /** Permission bits (07777; java.nio sees only 0777), or -1 where the file system has none. */
        public final int mode;
        /** The owner, in the binding's own terms (a uid, or a java.nio principal); null if unknown. */
        public final Object owner;
        /** The group, in the binding's own terms; null if unknown. */
        public final Object group;
        /**
         * The sticky bit ({@code S_ISVTX}, which java.nio's permissions leave out): in a directory, only
         * an entry's owner (or the directory's, or root) may rename or remove it. False if unknown.
         */
        public final boolean sticky;

        /**
         * @param kind what the file is
         * @param key its identity, or null
         * @param device its file system's device, or null
         * @param mode its permission bits, or -1
         * @param owner its owner, or null
         * @param group its group, or null
         */
        public Stat(Kind kind, Object key, Object device, int mode, Object owner, Object group) {
            this(kind, key, device, mode, owner, group, (mode & 01000) != 0);
        }

        /**
         * @param kind what the file is
         * @param key its identity, or null
         * @param device its file system's device, or null
         * @param mode its permission bits, or -1
         * @param owner its owner, or null
         * @param group its group, or null
         * @param sticky whether its sticky bit is known to be set
         */
        public Stat(Kind kind, Object key, Object device, int mode, Object owner, Object group, boolean sticky) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.key = key;
            this.device = device;
            this.mode = mode;
            this.owner = owner;
            this.group = group;
            this.sticky = sticky && mode >= 0;
        }

        /**
         * @return the inode number as text, where the identity carries one (st_ino, or the "ino" of
         *     java.nio's fileKey), else the identity's own text; "null" if unknown. Unlike the
         *     identity it stays the same when the file system's device number changes (after a
         *     reboot, or a disk image mounted again), so journal records keep it.
         */
        String inode() {
            String k = String.valueOf(key);
            java.util.regex.Matcher m = INODE.matcher(k);
            return m.find() ? m.group(1) : k;
        }

        private static final java.util.regex.Pattern INODE = java.util.regex.Pattern.compile("ino[= ](\\d+)");

        /** @return true if both are known to be the same file, or neither's identity is known */
        boolean sameFile(Stat other) {
            return Objects.equals(key, other.key);
        }

        @Override
        public String toString() {
            return kind + (mode >= 0 ? " " + Integer.toOctalString(mode) : "") + " " + owner + ":" + group
                    + " " + key;
        }
    }

    /** An open directory. Not thread-safe. */
    interface Directory extends Closeable {
        /** @return the directory's path (for messages; never used to reach it again) */
        Path path();

        /**
         * @return the type of the file system holding this directory as statfs reports it (e.g.
         *     {@code "ext2/ext3/ext4"}), or {@code "unknown"} where the binding cannot tell
         */
        String fileSystemType() throws IOException;

        /** @return what fstat says of this directory itself; its {@link Stat#key} identifies it */
        Stat stat() throws IOException;

        /**
         * @param name an entry of this directory
         * @return what lstat says of it (a symbolic link is not followed), or null if there is none
         */
        Stat stat(Name name) throws IOException;

        /**
         * {@link #stat(Name)} for when only what the entry is and its identity matter: the result's
         * mode, owner and group may be unknown, which lets a binding read less.
         */
        Stat identity(Name name) throws IOException;

        /**
         * @param name an entry of this directory (a symbolic link is not followed)
         * @return its POSIX access ACL ({@code system.posix_acl_access}, the kernel's form), or null if
         *     it has none, or the binding or file system cannot read it
         */
        byte[] acl(Name name) throws IOException;

        /** @return the target of the symbolic link {@code name} of this directory, its bytes as they are */
        Path readLink(Name name) throws IOException;

        /**
         * Creates the subdirectory {@code name} with {@code mode}, less the umask (a default ACL of this
         * directory may replace the umask, but grants no permission {@code mode} lacks).
         *
         * @param mode permission bits, {@code 0777} for what the umask allows
         * @return true if created, false if something already exists under that name
         */
        boolean createDirectory(Name name, int mode) throws IOException;

        /**
         * Opens the subdirectory {@code name}, following it if it is a symbolic link.
         *
         * @throws java.nio.file.FileSystemException if it is not a directory
         */
        Directory openDirectory(Name name) throws IOException;

        /**
         * Creates an unnamed file in this directory ({@code O_TMPFILE}): it has no name, so a crash
         * leaves nothing behind, until {@link #linkAnonymous} names it.
         *
         * @param mode the permission bits to create it with (the umask or a default ACL applies)
         * @return the open file, or null if the binding or file system does not support unnamed files
         *     or this process could not give one a name
         */
        OpenFile createAnonymous(int mode) throws IOException;

        /**
         * Gives a file from {@link #createAnonymous} the name {@code name} in this directory.
         *
         * @throws java.nio.file.FileAlreadyExistsException if the name is taken
         */
        void linkAnonymous(OpenFile file, Name name) throws IOException;

        /**
         * Adds the hard link {@code to} for the entry {@code from} of this directory (a symbolic link is
         * linked, not followed).
         *
         * @throws java.nio.file.FileAlreadyExistsException if {@code to} exists
         * @throws java.nio.file.AtomicMoveNotSupportedException if the file system has no hard links
         */
        void link(Name from, Name to) throws IOException;

        /**
         * Creates a new file exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), open for writing.
         *
         * @param name a file name in this directory
         * @param mode the permission bits to create it with (the umask or a default ACL applies; a
         *     binding may add owner read and write, which it needs to change the file's attributes)
         * @return the open file
         * @throws IOException if it exists or cannot be created
         */
        OpenFile createExclusive(Name name, int mode) throws IOException;

        /**
         * Renames the entry {@code from} of this directory to {@code to} in {@code target} (this
         * directory or another one on the same file system), atomically, as {@code mode} says.
         *
         * @throws java.nio.file.AtomicMoveNotSupportedException if the kernel, file system or binding
         *     refuses {@code mode} (only {@link RenameMode#REPLACE} is always supported)
         */
        void rename(Name from, Directory target, Name to, RenameMode mode) throws IOException;

        /**
         * Takes an advisory lock on this directory that excludes other processes (and other open
         * directories of this one) until {@link #unlock()} or {@link #close()}; waits for it a bounded
         * time (whoever can open the directory can hold it).
         *
         * @return false if the binding or file system has no such lock, or it stayed taken: nothing is
         *     held then
         */
        boolean lock() throws IOException;

        /** Releases {@link #lock()}. */
        void unlock() throws IOException;

        /**
         * Makes this directory's entries durable (fsync of the directory). Not interruptible: an
         * interrupt of the calling thread neither fails nor shortens it, and stays set.
         */
        void sync() throws IOException;

        /** Removes the entry {@code name}; an absent entry is not an error. */
        void delete(Name name) throws IOException;
    }

    /** A file open for writing. Not thread-safe. */
    interface OpenFile extends Closeable {
        /** Writes all of {@code src}'s remaining bytes, advancing its position; heap or direct. */
        void write(ByteBuffer src) throws IOException;

        /** fdatasync, or fsync when {@code metadata} is true. A failure is final: never retried. */
        void sync(boolean metadata) throws IOException;

        /**
         * @return what fstat says of this file. A binding that cannot fstat (java.nio) reads its name
         *     without following links and fails if that name no longer refers to this file
         */
        Stat stat() throws IOException;

        /** Sets the exact permission bits, ignoring the umask. */
        void setMode(int mode) throws IOException;

        /**
         * @return this file's POSIX access ACL (a file created in a directory with a default ACL
         *     inherits one), or null if it has none or the binding cannot read ACLs (java.nio)
         */
        byte[] acl() throws IOException;

        /** Replaces this file's POSIX access ACL with {@code acl}, or removes it if null. */
        void setAcl(byte[] acl) throws IOException;

        /**
         * Gives the file this owner and group.
         *
         * @param owner the owner as a {@link Stat} of this binding reports it, or null to keep it
         * @param group the group likewise, or null to keep it
         * @return false if the process is not permitted to, true if done
         */
        boolean setOwner(Object owner, Object group) throws IOException;
    }
}
