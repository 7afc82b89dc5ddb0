package dev.durafile.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link CrashFileSystem} (each file system has its own, so that paths of two of
 * them never mix). Not installed: it serves only its own file system's paths and URIs.
 */
final class CrashProvider extends FileSystemProvider {
    static final String SCHEME = "durafile-crash";

    private final CrashFileSystem fs;

    CrashProvider(CrashFileSystem fs) {
        this.fs = fs;
    }

    private Kernel kernel() {
        return fs.kernel();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** Always refused: create a crash file system with {@link CrashFileSystem#create()}. */
    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("create a CrashFileSystem with CrashFileSystem.create()");
    }

    private void checkUri(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme()) || !fs.id().equals(uri.getAuthority())) {
            throw new FileSystemNotFoundException(uri.toString());
        }
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        checkUri(uri);
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        checkUri(uri);
        return fs.getPath(uri.getPath());
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return kernel().open(path, options, attrs);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return kernel().open(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return new CrashDirectoryStream(kernel().list(dir), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        kernel().createDirectory(dir, attrs);
    }

    /** Always refused: this model has no symbolic links. */
    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
        throw new UnsupportedOperationException("CrashFileSystem does not support symbolic links");
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        kernel().createLink(link, existing);
    }

    @Override
    public void delete(Path path) throws IOException {
        kernel().delete(path);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        kernel().copy(source, target, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        kernel().move(source, target, options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        if (!(path2 instanceof CrashPath) || path2.getFileSystem() != fs) {
            return false;
        }
        return kernel().isSameFile(path, path2);
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = CrashPath.cast(path).getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        kernel().checkAccess(path);
        return fs.store();
    }

    /** Checks that the path exists; permissions are recorded but never enforced. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        kernel().checkAccess(path);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        CrashPath p = CrashPath.cast(path);
        if (type == BasicFileAttributeView.class) {
            return type.cast(new CrashAttributeView(kernel(), p, "basic"));
        }
        if (type == PosixFileAttributeView.class) {
            return type.cast(new CrashAttributeView(kernel(), p, "posix"));
        }
        if (type == FileOwnerAttributeView.class) {
            return type.cast(new CrashAttributeView(kernel(), p, "owner"));
        }
        return null;
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("CrashFileSystem has no " + type.getSimpleName());
        }
        return type.cast(kernel().attributes(path));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        checkView(view);
        return kernel().attributes(path).toMap(view, attributes.substring(colon + 1));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        int colon = attribute.indexOf(':');
        String view = colon < 0 ? "basic" : attribute.substring(0, colon);
        checkView(view);
        String name = attribute.substring(colon + 1);
        switch (name) {
            case "lastModifiedTime":
                kernel().setTimes(path, (FileTime) value, null, null);
                break;
            case "lastAccessTime":
                kernel().setTimes(path, null, (FileTime) value, null);
                break;
            case "creationTime":
                kernel().setTimes(path, null, null, (FileTime) value);
                break;
            case "permissions":
                requirePosix(view, name);
                kernel().setPermissions(path, Kernel.permissions(value));
                break;
            case "owner":
                requirePosix(view, name);
                kernel().setOwner(path, (UserPrincipal) value);
                break;
            case "group":
                requirePosix(view, name);
                kernel().setGroup(path, (GroupPrincipal) value);
                break;
            default:
                throw new IllegalArgumentException("'" + attribute + "' not recognized");
        }
    }

    private static void checkView(String view) {
        if (!view.equals("basic") && !view.equals("posix")) {
            throw new UnsupportedOperationException("View '" + view + "' not available");
        }
    }

    private static void requirePosix(String view, String name) {
        if (!view.equals("posix")) {
            throw new IllegalArgumentException("'" + view + ":" + name + "' not recognized");
        }
    }
}
