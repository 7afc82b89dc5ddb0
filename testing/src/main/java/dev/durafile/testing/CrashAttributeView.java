package dev.durafile.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The {@code basic}, {@code owner} and {@code posix} attribute views of a path. Changes apply at once and
 * are not crash-modelled (they survive any crash of a file that survives).
 */
final class CrashAttributeView implements PosixFileAttributeView {
    private final Kernel kernel;
    private final Path path;
    private final String name;

    CrashAttributeView(Kernel kernel, Path path, String name) {
        this.kernel = kernel;
        this.path = path;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
        return kernel.attributes(path);
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        kernel.setTimes(path, lastModifiedTime, lastAccessTime, createTime);
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
        kernel.setPermissions(path, perms);
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
        kernel.setGroup(path, group);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return kernel.attributes(path).owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        kernel.setOwner(path, owner);
    }
}
