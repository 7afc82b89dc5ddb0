package dev.durafile.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link FileBinding} that forwards every call to a real one and runs test hooks around some of
 * them: an attacker swapping the temp file after it was created, an interrupt arriving after the
 * rename, a directory fsync that waits, a channel closed by an interrupt. It also stamps renames and
 * directory fsyncs on one clock, with the identity of the directory each acted on, so a test can check
 * that a writer returned only after an fsync of its own directory that started after its rename.
 */
class ForwardingBinding implements FileBinding {
    /** A step that may fail like a file operation. */
    @FunctionalInterface
    interface Hook {
        void run(String name) throws IOException;
    }

    private final FileBinding real;
    /** Runs before a directory is opened by path; the argument is the path. */
    volatile Hook beforeOpenDirectory = name -> { };
    /** Runs after the temp file {@code name} was created exclusively. */
    volatile Hook afterCreate = name -> { };
    /** Runs after a rename to {@code name} succeeded. */
    volatile Hook afterRename = name -> { };
    /** Runs before a directory fsync; the argument is the directory's path. */
    volatile Hook beforeDirectorySync = name -> { };
    /** Runs before a write to a temp file; the argument is the temp's path. */
    volatile Hook beforeFileWrite = name -> { };
    /** Runs before an fstat of a temp file (the write owns the file by then); the argument is its path. */
    volatile Hook beforeFileStat = name -> { };

    /** The event clock. */
    final java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    /** Per thread, its last rename: the tick it finished at and the identity of the directory renamed into. */
    final ThreadLocal<Object[]> lastRename = new ThreadLocal<>();
    /** Every directory fsync: its start and end ticks and the identity of the directory synced. */
    final java.util.List<Object[]> directorySyncs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /**
     * @return true if an fsync of the directory that {@code rename} ({tick, identity}) renamed into
     *     started after that rename and ended before {@code returned}
     */
    boolean covered(Object[] rename, long returned) {
        synchronized (directorySyncs) {
            return directorySyncs.stream().anyMatch(s -> (Long) s[0] > (Long) rename[0] && (Long) s[1] < returned
                    && s[2].equals(rename[1]));
        }
    }

    /** @return the identities of the directories synced from the {@code from}th fsync on */
    java.util.List<Object> syncedSince(int from) {
        synchronized (directorySyncs) {
            java.util.List<Object> keys = new java.util.ArrayList<>();
            for (Object[] s : directorySyncs.subList(from, directorySyncs.size())) {
                keys.add(s[2]);
            }
            return keys;
        }
    }

    ForwardingBinding(FileBinding real) {
        this.real = real;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public boolean statsDescriptors() {
        return real.statsDescriptors();
    }

    @Override
    public Object processUser() {
        return real.processUser();
    }

    @Override
    public Directory openDirectory(Path dir) throws IOException {
        beforeOpenDirectory.run(dir.toString());
        return new ForwardingDirectory(real.openDirectory(dir));
    }

    @Override
    public Directory openParent(Path file) throws IOException {
        beforeOpenDirectory.run(file.getParent().toString());
        return new ForwardingDirectory(real.openParent(file));
    }

    @Override
    public SourceFile openSource(Path file) throws IOException {
        return real.openSource(file);
    }

    private final class ForwardingDirectory implements Directory {
        private final Directory d;

        ForwardingDirectory(Directory d) {
            this.d = d;
        }

        @Override
        public Path path() {
            return d.path();
        }

        @Override
        public String fileSystemType() throws IOException {
            return d.fileSystemType();
        }

        @Override
        public Stat stat() throws IOException {
            return d.stat();
        }

        @Override
        public Stat stat(Name name) throws IOException {
            return d.stat(name);
        }

        @Override
        public Stat identity(Name name) throws IOException {
            return d.identity(name);
        }

        @Override
        public byte[] acl(Name name) throws IOException {
            return d.acl(name);
        }

        @Override
        public Path readLink(Name name) throws IOException {
            return d.readLink(name);
        }

        @Override
        public boolean createDirectory(Name name, int mode) throws IOException {
            return d.createDirectory(name, mode);
        }

        @Override
        public Directory openDirectory(Name name) throws IOException {
            return new ForwardingDirectory(d.openDirectory(name));
        }

        @Override
        public OpenFile createAnonymous(int mode) throws IOException {
            OpenFile f = d.createAnonymous(mode);
            return f == null ? null : new ForwardingFile(f, d.path().toString());
        }

        @Override
        public void linkAnonymous(OpenFile file, Name name) throws IOException {
            d.linkAnonymous(((ForwardingFile) file).f, name);
        }

        @Override
        public void link(Name from, Name to) throws IOException {
            d.link(from, to);
        }

        @Override
        public OpenFile createExclusive(Name name, int mode) throws IOException {
            OpenFile f = d.createExclusive(name, mode);
            afterCreate.run(name.toString());
            return new ForwardingFile(f, d.path().resolve(name.path()).toString());
        }

        @Override
        public void rename(Name from, Directory target, Name to, RenameMode mode) throws IOException {
            d.rename(from, ((ForwardingDirectory) target).d, to, mode);
            lastRename.set(new Object[] {clock.incrementAndGet(), target.stat().key});
            afterRename.run(to.toString());
        }

        @Override
        public boolean lock() throws IOException {
            return d.lock();
        }

        @Override
        public void unlock() throws IOException {
            d.unlock();
        }

        @Override
        public void sync() throws IOException {
            beforeDirectorySync.run(d.path().toString());
            Object key = d.stat().key;
            long start = clock.incrementAndGet();
            d.sync();
            directorySyncs.add(new Object[] {start, clock.incrementAndGet(), key});
        }

        @Override
        public void delete(Name name) throws IOException {
            d.delete(name);
        }

        @Override
        public void close() throws IOException {
            d.close();
        }
    }

    private final class ForwardingFile implements OpenFile {
        private final OpenFile f;
        private final String path;

        ForwardingFile(OpenFile f, String path) {
            this.f = f;
            this.path = path;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            beforeFileWrite.run(path);
            f.write(src);
        }

        @Override
        public void sync(boolean metadata) throws IOException {
            f.sync(metadata);
        }

        @Override
        public Stat stat() throws IOException {
            beforeFileStat.run(path);
            return f.stat();
        }

        @Override
        public void setMode(int mode) throws IOException {
            f.setMode(mode);
        }

        @Override
        public byte[] acl() throws IOException {
            return f.acl();
        }

        @Override
        public void setAcl(byte[] acl) throws IOException {
            f.setAcl(acl);
        }

        @Override
        public boolean setOwner(Object owner, Object group) throws IOException {
            return f.setOwner(owner, group);
        }

        @Override
        public void close() throws IOException {
            f.close();
        }
    }
}
