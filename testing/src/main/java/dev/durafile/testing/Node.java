package dev.durafile.testing;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * An inode of a {@link CrashFileSystem}: a {@link FileNode} or a {@link DirNode}. Its metadata
 * (permissions, owner, times) is kept as set and is not crash-modelled. Guarded by the {@link Kernel}'s lock.
 */
abstract class Node {
    static final CrashPrincipal DEFAULT_OWNER = new CrashPrincipal("user");
    static final CrashPrincipal DEFAULT_GROUP = new CrashPrincipal("group");

    final long id;
    Set<PosixFilePermission> permissions;
    UserPrincipal owner = DEFAULT_OWNER;
    GroupPrincipal group = DEFAULT_GROUP;
    FileTime created;
    FileTime modified;
    FileTime accessed;

    Node(long id, Set<PosixFilePermission> permissions) {
        this.id = id;
        this.permissions = copy(permissions);
        this.created = now();
        this.modified = created;
        this.accessed = created;
    }

    static FileTime now() {
        return FileTime.fromMillis(System.currentTimeMillis());
    }

    static Set<PosixFilePermission> copy(Set<PosixFilePermission> permissions) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        s.addAll(permissions);
        return s;
    }

    void touch() {
        modified = now();
    }

    /** {@return the current size in bytes (a directory's is its number of entries)} */
    abstract long size();
}
