package dev.durafile.internal;

import java.util.Map;

/**
 * Names for the file-system magic numbers of Linux's {@code statfs.f_type} (from
 * {@code linux/magic.h}), so that the file system's type is known without {@code /proc/mounts}.
 */
final class FileSystemTypes {
    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0xEF53L, "ext2/ext3/ext4"),
            Map.entry(0x58465342L, "xfs"),
            Map.entry(0x9123683EL, "btrfs"),
            Map.entry(0x01021994L, "tmpfs"),
            Map.entry(0x65735546L, "fuse"),
            Map.entry(0x6969L, "nfs"),
            Map.entry(0xFF534D42L, "cifs"),
            Map.entry(0x794C7630L, "overlay"),
            Map.entry(0x2FC12FC1L, "zfs"),
            Map.entry(0xF2F52010L, "f2fs"),
            Map.entry(0x4D44L, "vfat"),
            Map.entry(0x2011BAB0L, "exfat"),
            Map.entry(0x5346544EL, "ntfs"),
            Map.entry(0x858458F6L, "ramfs"),
            Map.entry(0x73717368L, "squashfs"),
            Map.entry(0x01021997L, "9p"),
            Map.entry(0xCA451A4EL, "bcachefs"));

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
