package dev.durafile;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch file systems for tests, as root: a loop-mounted image (ext4, xfs, btrfs), a tmpfs, or a FUSE
 * passthrough (bindfs). Each call skips the test, with the reason, where the facility is missing.
 */
public final class Mounts {
    private Mounts() {
    }

    /** Mounts a fresh file system of {@code type} at {@code base/type}; returns the mount point. */
    public static Path mount(Path base, String type) throws IOException, InterruptedException {
        assumeTrue(TestSupport.isRoot(), "mounting " + type + " needs root");
        Path mnt = Files.createDirectories(base.resolve(type + "-mnt"));
        switch (type) {
            case "tmpfs":
                TestSupport.run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt.toString());
                break;
            case "fuse":
                assumeTrue(TestSupport.works("bindfs", "--version"), "bindfs (FUSE) is not installed");
                Path src = Files.createDirectories(base.resolve("fuse-src"));
                TestSupport.run("bindfs", src.toString(), mnt.toString());
                break;
            default:
                assumeTrue(TestSupport.works("mkfs." + type, "-V"), "mkfs." + type + " is not installed");
                Path image = base.resolve(type + ".img");
                TestSupport.run("truncate", "-s", "320M", image.toString());
                TestSupport.run("mkfs." + type, "-q", image.toString());
                TestSupport.run("mount", "-o", "loop", image.toString(), mnt.toString());
                break;
        }
        return mnt;
    }

    /**
     * Mounts at {@code base/squash-mnt} a FUSE passthrough (bindfs) of {@code base/squash-src} that
     * gives every file created through it to {@code uid}, as NFS with root squashed gives root's new
     * files to its anonymous user; returns the mount point.
     */
    public static Path mountCreatingFor(Path base, int uid) throws IOException, InterruptedException {
        assumeTrue(TestSupport.isRoot(), "mounting a FUSE file system needs root");
        assumeTrue(TestSupport.works("bindfs", "--version"), "bindfs (FUSE) is not installed");
        Path src = Files.createDirectories(base.resolve("squash-src"));
        Path mnt = Files.createDirectories(base.resolve("squash-mnt"));
        TestSupport.run("bindfs", "--create-for-user=" + uid, "--create-for-group=" + uid, src.toString(),
                mnt.toString());
        return mnt;
    }

    /** Unmounts {@code mnt} (lazily if busy) and removes its image, if any. */
    public static void unmount(Path mnt) throws IOException, InterruptedException {
        if (!TestSupport.works("umount", mnt.toString())) {
            TestSupport.run("umount", "-l", mnt.toString());
        }
    }
}
