package dev.durafile.internal;

/**
 * Every number of the Linux ABI that durafile uses, as the kernel's headers name it: the flags of the
 * calls {@link LibC} binds, the errno values the bindings react to, the sizes and layouts of the
 * structures they fill, the file-system magic numbers of {@code statfs}, and the name of the POSIX ACL
 * attribute. Only the Linux side reads them: the native bindings ({@link NativeBinding}, {@link JnaLibC},
 * {@code PanamaLibC}), {@link Statx}, {@link FileSystemTypes} and {@link Failures}, which turns an errno
 * into an exception ({@link Errno} has every errno's symbol and text, by number); the write protocol
 * above {@link FileBinding} names none of them. The values are those of 64-bit Linux on x86_64 and
 * aarch64 (asm-generic), the only platforms the native backends are selected on.
 */
final class Linux {
    // open(2) and openat(2) flags

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    /** O_TMPFILE includes O_DIRECTORY, so a kernel without it fails with EISDIR instead of creating a file. */
    static final int O_TMPFILE = 020000000 | O_DIRECTORY;

    // the *at(2) calls: the directory descriptor meaning "the working directory", and their flags

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int AT_EMPTY_PATH = 0x1000;

    // renameat2(2) flags

    static final int RENAME_NOREPLACE = 1;
    static final int RENAME_EXCHANGE = 2;

    // flock(2) operations

    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;

    // the file type bits of st_mode and stx_mode

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    // errno values the bindings react to, or the tests make them see (Errno has every errno's symbol and text)

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    /** EAGAIN, by the name flock(2) gives it for a lock another holds. */
    static final int EWOULDBLOCK = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EMLINK = 31;
    static final int ERANGE = 34;
    static final int ENOSYS = 38;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;

    // extended attribute names

    /** The extended attribute holding a file's POSIX access ACL. */
    static final String XATTR_NAME_POSIX_ACL_ACCESS = "system.posix_acl_access";

    // sizes and layouts

    /** The longest path, with its NUL; also the longest symbolic link target read. */
    static final int PATH_MAX = 4096;

    /** The size of the buffer fstatfs(2) fills: at least {@code struct statfs} (120 bytes). */
    static final int STATFS_SIZE = 128;
    /** The offset of {@code f_type}, the file system's magic number, in {@code struct statfs}. */
    static final int STATFS_F_TYPE = 0;

    /** The size of {@code struct statx}, the same on every architecture. */
    static final int STATX_SIZE = 256;
    /** STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_INO: the fields asked for. */
    static final int STATX_MASK = 0x11f;

    // the byte offsets in struct statx of the fields read (stx_mode is a __u16, stx_ino a __u64, the others __u32)

    static final int STX_UID = 20;
    static final int STX_GID = 24;
    static final int STX_MODE = 28;
    static final int STX_INO = 32;
    static final int STX_DEV_MAJOR = 136;
    static final int STX_DEV_MINOR = 140;

    // statfs f_type magic numbers (linux/magic.h and statfs(2); ZFS's is OpenZFS's)

    static final long EXT4_SUPER_MAGIC = 0xEF53L;
    static final long XFS_SUPER_MAGIC = 0x58465342L;
    static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
    static final long TMPFS_MAGIC = 0x01021994L;
    static final long FUSE_SUPER_MAGIC = 0x65735546L;
    static final long NFS_SUPER_MAGIC = 0x6969L;
    static final long CIFS_MAGIC_NUMBER = 0xFF534D42L;
    static final long OVERLAYFS_SUPER_MAGIC = 0x794C7630L;
    static final long ZFS_SUPER_MAGIC = 0x2FC12FC1L;
    static final long F2FS_SUPER_MAGIC = 0xF2F52010L;
    static final long MSDOS_SUPER_MAGIC = 0x4D44L;
    static final long EXFAT_SUPER_MAGIC = 0x2011BAB0L;
    static final long NTFS_SB_MAGIC = 0x5346544EL;
    static final long RAMFS_MAGIC = 0x858458F6L;
    static final long SQUASHFS_MAGIC = 0x73717368L;
    static final long V9FS_MAGIC = 0x01021997L;
    static final long BCACHEFS_SUPER_MAGIC = 0xCA451A4EL;

    private Linux() {
    }
}
