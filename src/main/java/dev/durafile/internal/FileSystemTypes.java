package dev.durafile.internal;

import java.util.Map;

/**
 * Names for the file-system magic numbers of Linux's {@code statfs.f_type} (the numbers are in
 * {@link Linux}), so that the file system's type is known without {@code /proc/mounts}.
 */
final class FileSystemTypes {
    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(Linux.EXT4_SUPER_MAGIC, "ext2/ext3/ext4"),
            Map.entry(Linux.XFS_SUPER_MAGIC, "xfs"),
            Map.entry(Linux.BTRFS_SUPER_MAGIC, "btrfs"),
            Map.entry(Linux.TMPFS_MAGIC, "tmpfs"),
            Map.entry(Linux.FUSE_SUPER_MAGIC, "fuse"),
            Map.entry(Linux.NFS_SUPER_MAGIC, "nfs"),
            Map.entry(Linux.CIFS_MAGIC_NUMBER, "cifs"),
            Map.entry(Linux.OVERLAYFS_SUPER_MAGIC, "overlay"),
            Map.entry(Linux.ZFS_SUPER_MAGIC, "zfs"),
            Map.entry(Linux.F2FS_SUPER_MAGIC, "f2fs"),
            Map.entry(Linux.MSDOS_SUPER_MAGIC, "vfat"),
            Map.entry(Linux.EXFAT_SUPER_MAGIC, "exfat"),
            Map.entry(Linux.NTFS_SB_MAGIC, "ntfs"),
            Map.entry(Linux.RAMFS_MAGIC, "ramfs"),
            Map.entry(Linux.SQUASHFS_MAGIC, "squashfs"),
            Map.entry(Linux.V9FS_MAGIC, "9p"),
            Map.entry(Linux.BCACHEFS_SUPER_MAGIC, "bcachefs"));

    /** File systems that always have hard links, so an EPERM from link(2) there is a permission error. */
    private static final java.util.Set<String> WITH_HARD_LINKS = java.util.Set.of("ext2/ext3/ext4", "ext2", "ext3",
            "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "zfs", "bcachefs", "ramfs", "nfs", "nfs4");

    /**
     * Local file systems that give a new file the owner of the process that creates it: not NFS (root
     * squashed), FUSE (whatever its daemon says), vfat or other mounts with owners of their own.
     */
    private static final java.util.Set<String> OWN_OWNERS = java.util.Set.of("ext2/ext3/ext4", "ext2", "ext3",
            "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "zfs", "bcachefs", "ramfs", "overlay");

    private FileSystemTypes() {
    }

    /**
     * @param type a type as {@link #name} or the mount table names it
     * @return true if that file system gives each new file its creator as owner
     */
    static boolean keepsCreatorAsOwner(String type) {
        return OWN_OWNERS.contains(type);
    }

    /**
     * @param type a type as {@link #name} or the mount table names it
     * @return true if that file system always supports hard links (EPERM from link(2) there means the
     *     process may not link this file: an immutable file, or {@code fs.protected_hardlinks})
     */
    static boolean hasHardLinks(String type) {
        return WITH_HARD_LINKS.contains(type);
    }

    /** @return the file system's name, or {@code "0x<magic>"} for one not listed */
    static String name(long magic) {
        String name = NAMES.get(magic & 0xFFFFFFFFL);
        return name != null ? name : "0x" + Long.toHexString(magic);
    }
}
