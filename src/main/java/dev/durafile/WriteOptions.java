package dev.durafile;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable settings of an atomic write. Build one with {@link #builder()}; {@link #defaults()} is
 * {@link Durability#DURABLE}, permissions preserved, symlinks followed, data-only sync of the temp file,
 * a named temp file, no backup, the {@link Backend#chosen() chosen backend}.
 *
 * <p>Instances are immutable and thread-safe; share them freely.
 */
public final class WriteOptions {
    private static final WriteOptions DEFAULTS = new Builder().build();

    private final Durability durability;
    private final Set<PosixFilePermission> permissions;
    private final SymlinkPolicy symlinkPolicy;
    private final boolean syncMetadata;
    private final TempStrategy tempStrategy;
    private final boolean keepBackup;
    private final Backend backend;

    private WriteOptions(Builder b) {
        this.durability = b.durability;
        this.permissions = b.permissions == null ? null : Collections.unmodifiableSet(copy(b.permissions));
        this.symlinkPolicy = b.symlinkPolicy;
        this.syncMetadata = b.syncMetadata;
        this.tempStrategy = b.tempStrategy;
        this.keepBackup = b.keepBackup;
        this.backend = b.backend;
    }

    /** A mutable copy; unlike {@link EnumSet#copyOf(java.util.Collection)}, also of an empty set. */
    private static EnumSet<PosixFilePermission> copy(Set<PosixFilePermission> permissions) {
        EnumSet<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        s.addAll(permissions);
        return s;
    }

    /** {@return the default options: DURABLE, preserve permissions, follow symlinks, fdatasync} */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a new builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a new builder holding these options} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.durability = durability;
        b.permissions = permissions == null ? null : copy(permissions);
        b.symlinkPolicy = symlinkPolicy;
        b.syncMetadata = syncMetadata;
        b.tempStrategy = tempStrategy;
        b.keepBackup = keepBackup;
        b.backend = backend;
        return b;
    }

    /** {@return the durability level} */
    public Durability durability() {
        return durability;
    }

    /**
     * {@return the exact permissions every written file gets, or empty to preserve the replaced file's
     * permissions (a new file gets what any new file in its directory gets: {@code 0666} less the
     * umask, or what the directory's default ACL gives; a copy gets its source's permissions)}
     */
    public Optional<Set<PosixFilePermission>> permissions() {
        return Optional.ofNullable(permissions);
    }

    /** {@return what to do when the target is a symbolic link} */
    public SymlinkPolicy symlinkPolicy() {
        return symlinkPolicy;
    }

    /**
     * {@return true if the temp file is synced with fsync (data and all metadata, such as timestamps)
     * instead of fdatasync (data and the metadata needed to read it back, such as its size)}
     */
    public boolean syncMetadata() {
        return syncMetadata;
    }

    /** {@return how the temp file is created} */
    public TempStrategy tempStrategy() {
        return tempStrategy;
    }

    /**
     * {@return true if a write that replaces a file keeps the previous content as {@code <name>.bak}
     * (needs hard links, which every backend can make on a file system that has them)}
     */
    public boolean keepBackup() {
        return keepBackup;
    }

    /** {@return the backend these writes go through, or empty for {@link Backend#chosen()}} */
    public Optional<Backend> backend() {
        return Optional.ofNullable(backend);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WriteOptions)) {
            return false;
        }
        WriteOptions other = (WriteOptions) o;
        return durability == other.durability && Objects.equals(permissions, other.permissions)
                && symlinkPolicy == other.symlinkPolicy && syncMetadata == other.syncMetadata
                && tempStrategy == other.tempStrategy && keepBackup == other.keepBackup && backend == other.backend;
    }

    @Override
    public int hashCode() {
        return Objects.hash(durability, permissions, symlinkPolicy, syncMetadata, tempStrategy, keepBackup, backend);
    }

    @Override
    public String toString() {
        return "WriteOptions{durability=" + durability + ", permissions="
                + (permissions == null ? "preserve" : permissions) + ", symlinks=" + symlinkPolicy
                + ", syncMetadata=" + syncMetadata + ", temp=" + tempStrategy + ", keepBackup=" + keepBackup
                + ", backend=" + (backend == null ? "chosen" : backend.name()) + '}';
    }

    /** Builds {@link WriteOptions}. Not thread-safe; each {@link #build()} returns an independent instance. */
    public static final class Builder {
        private Durability durability = Durability.DURABLE;
        private Set<PosixFilePermission> permissions;
        private SymlinkPolicy symlinkPolicy = SymlinkPolicy.FOLLOW;
        private boolean syncMetadata;
        private TempStrategy tempStrategy = TempStrategy.NAMED;
        private boolean keepBackup;
        private Backend backend;

        private Builder() {
        }

        /**
         * Sets the durability level (default {@link Durability#DURABLE}).
         *
         * @param durability the level; not null
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Gives every written file exactly these permissions, regardless of the umask, a default ACL
         * and the file it replaces (the bits are set on the temp file's descriptor and checked before
         * it is published). The replaced file's owner and group are kept either way, where the process
         * may. Ignored on file systems without POSIX permissions.
         *
         * @param permissions the permissions; not null (may be empty)
         * @return this builder
         */
        public Builder permissions(Set<PosixFilePermission> permissions) {
            Objects.requireNonNull(permissions, "permissions");
            for (PosixFilePermission p : permissions) {
                Objects.requireNonNull(p, "permissions contains null");
            }
            this.permissions = copy(permissions);
            return this;
        }

        /**
         * Keeps the replaced file's permission bits exactly, whatever the umask or a default ACL would
         * give a new file; the default. The replaced file's owner and group are kept too, where the
         * process may (root may; another user keeps the group if it belongs to it). A new file gets
         * what any new file in its directory gets, including a setgid directory's group.
         *
         * @return this builder
         */
        public Builder preservePermissions() {
            this.permissions = null;
            return this;
        }

        /**
         * Sets what a write does when the target is a symbolic link (default {@link SymlinkPolicy#FOLLOW}).
         *
         * @param policy what to do when the target is a symbolic link; not null
         * @return this builder
         */
        public Builder symlinkPolicy(SymlinkPolicy policy) {
            this.symlinkPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets how the temp file is synced (default fdatasync).
         *
         * @param syncMetadata true to sync the temp file with fsync rather than fdatasync
         * @return this builder
         */
        public Builder syncMetadata(boolean syncMetadata) {
            this.syncMetadata = syncMetadata;
            return this;
        }

        /**
         * Sets how the temp file is created (default {@link TempStrategy#NAMED}).
         *
         * @param strategy how to create the temp file; not null
         * @return this builder
         */
        public Builder tempStrategy(TempStrategy strategy) {
            this.tempStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Keeps the replaced content as {@code <name>.bak} next to the target. Before the new content
         * is published, the current file gets a second name (a hard link under a temp name) that is
         * renamed over {@code <name>.bak}; then the new content is swapped with the target
         * ({@code RENAME_EXCHANGE}, where the file system has it, else renamed over it). The previous
         * version is therefore always reachable as the target or as {@code <name>.bak}: a crash at any
         * point leaves it under one of them (at worst also under a temp name the janitor removes), and
         * if {@code <name>.bak} cannot be replaced (it is a non-empty directory, say) the write fails
         * before anything is published. Where the file system has no hard links, the write fails with
         * {@link java.nio.file.AtomicMoveNotSupportedException} and the target is untouched.
         *
         * <p>With concurrent writers to one target, {@code <name>.bak} is the version the last
         * publication replaced: among the threads of one JVM (a per-target lock), and across processes
         * on panama and jna (an {@code flock} of the directory for the backup and the swap, and
         * {@code RENAME_EXCHANGE}); on java.nio across processes it may be an earlier version. If the
         * process dies right after a swap that replaced another process's just-published version, that
         * version stays only under a temp name, which the janitor removes once it is old.
         *
         * @param keepBackup true to keep the previous version
         * @return this builder
         */
        public Builder keepBackup(boolean keepBackup) {
            this.keepBackup = keepBackup;
            return this;
        }

        /**
         * Sends these writes through {@code backend} instead of {@link Backend#chosen()}, e.g. to compare
         * backends in one JVM. Paths on a file system other than the default one still use java.nio. A
         * {@link AtomicFiles#transaction(java.nio.file.Path, WriteOptions) transaction} uses the backend of
         * the options it was opened with.
         *
         * @param backend the backend, from {@link Backend#named(String)}; null for the chosen one
         * @return this builder
         */
        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /** {@return the immutable options} */
        public WriteOptions build() {
            return new WriteOptions(this);
        }
    }
}
