package dev.durafile.testing;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A snapshot of a node's attributes: the {@code basic} and {@code posix} views. */
final class CrashAttributes implements PosixFileAttributes {
    private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
            "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
    private static final List<String> POSIX = Stream.concat(BASIC.stream(), Stream.of("permissions", "owner", "group"))
            .collect(Collectors.toUnmodifiableList());

    private final FileTime modified;
    private final FileTime accessed;
    private final FileTime created;
    private final boolean directory;
    private final long size;
    private final long inode;
    private final UserPrincipal owner;
    private final GroupPrincipal group;
    private final Set<PosixFilePermission> permissions;

    CrashAttributes(Node n) {
        this.modified = n.modified;
        this.accessed = n.accessed;
        this.created = n.created;
        this.directory = n instanceof DirNode;
        this.size = n.size();
        this.inode = n.id;
        this.owner = n.owner;
        this.group = n.group;
        this.permissions = Node.copy(n.permissions);
    }

    @Override
    public FileTime lastModifiedTime() {
        return modified;
    }

    @Override
    public FileTime lastAccessTime() {
        return accessed;
    }

    @Override
    public FileTime creationTime() {
        return created;
    }

    @Override
    public boolean isRegularFile() {
        return !directory;
    }

    @Override
    public boolean isDirectory() {
        return directory;
    }

    @Override
    public boolean isSymbolicLink() {
        return false;
    }

    @Override
    public boolean isOther() {
        return false;
    }

    @Override
    public long size() {
        return size;
    }

    /** {@return the inode number: equal for two hard links to one file} */
    @Override
    public Object fileKey() {
        return inode;
    }

    @Override
    public UserPrincipal owner() {
        return owner;
    }

    @Override
    public GroupPrincipal group() {
        return group;
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return Node.copy(permissions);
    }

    /**
     * @param view {@code "basic"} or {@code "posix"}
     * @param names {@code "*"} or a comma-separated list of attribute names of that view
     * @return the named attributes
     */
    Map<String, Object> toMap(String view, String names) {
        List<String> available = view.equals("posix") ? POSIX : BASIC;
        List<String> wanted = names.equals("*") ? available : Arrays.asList(names.split(","));
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name : wanted) {
            if (name.equals("*")) {
                available.forEach(a -> map.put(a, value(a)));
            } else if (available.contains(name)) {
                map.put(name, value(name));
            } else {
                throw new IllegalArgumentException("'" + name + "' not recognized in view " + view);
            }
        }
        return map;
    }

    private Object value(String name) {
        switch (name) {
            case "lastModifiedTime":
                return modified;
            case "lastAccessTime":
                return accessed;
            case "creationTime":
                return created;
            case "size":
                return size;
            case "isRegularFile":
                return isRegularFile();
            case "isDirectory":
                return directory;
            case "isSymbolicLink":
            case "isOther":
                return false;
            case "fileKey":
                return inode;
            case "permissions":
                return permissions();
            case "owner":
                return owner;
            default:
                return group;
        }
    }
}
