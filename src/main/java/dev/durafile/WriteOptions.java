package dev.durafile;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable settings of an atomic write. Build one with {@link #builder()}; {@link #defaults()} is
 * {@link Durability#DURABLE}, permissions preserved, symlinks followed, data-only sync of the temp file.
 *
 * <p>Instances are immutable and thread-safe; share them freely.
 */
public final class WriteOptions {
    private static final WriteOptions DEFAULTS = new Builder().build();

    private final Durability durability;
    private final Set<PosixFilePermission> permissions;
    private final SymlinkPolicy symlinkPolicy;
    private final boolean syncMetadata;

    private WriteOptions(Builder b) {
        this.durability = b.durability;
        this.permissions = b.permissions == null ? null : Collections.unmodifiableSet(EnumSet.copyOf(b.permissions));
        this.symlinkPolicy = b.symlinkPolicy;
        this.syncMetadata = b.syncMetadata;
    }

    /** @return the default options: DURABLE, preserve permissions, follow symlinks, fdatasync */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /** @return a new builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a new builder holding these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.durability = durability;
        b.permissions = permissions;
        b.symlinkPolicy = symlinkPolicy;
        b.syncMetadata = syncMetadata;
        return b;
    }

    /** @return the durability level */
    public Durability durability() {
        return durability;
    }

    /**
     * @return the exact permissions every written file gets, or empty to preserve the replaced file's
     *     permissions (a new file gets {@code 0666 & ~umask}; a copy gets its source's permissions)
     */
    public Optional<Set<PosixFilePermission>> permissions() {
        return Optional.ofNullable(permissions);
    }

    /** @return what to do when the target is a symbolic link */
    public SymlinkPolicy symlinkPolicy() {
        return symlinkPolicy;
    }

    /**
     * @return true if the temp file is synced with fsync (data and all metadata, such as timestamps)
     *     instead of fdatasync (data and the metadata needed to read it back, such as its size)
     */
    public boolean syncMetadata() {
        return syncMetadata;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WriteOptions)) {
            return false;
        }
        WriteOptions other = (WriteOptions) o;
        return durability == other.durability && Objects.equals(permissions, other.permissions)
                && symlinkPolicy == other.symlinkPolicy && syncMetadata == other.syncMetadata;
    }

    @Override
    public int hashCode() {
        return Objects.hash(durability, permissions, symlinkPolicy, syncMetadata);
    }

    @Override
    public String toString() {
        return "WriteOptions{durability=" + durability + ", permissions="
                + (permissions == null ? "preserve" : permissions) + ", symlinks=" + symlinkPolicy
                + ", syncMetadata=" + syncMetadata + '}';
    }

    /** Builds {@link WriteOptions}. Not thread-safe; each {@link #build()} returns an independent instance. */
    public static final class Builder {
        private Durability durability = Durability.DURABLE;
        private Set<PosixFilePermission> permissions;
        private SymlinkPolicy symlinkPolicy = SymlinkPolicy.FOLLOW;
        private boolean syncMetadata;

        private Builder() {
        }

        /**
         * @param durability the level; not null
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Gives every written file exactly these permissions, regardless of the umask and of the file
         * it replaces. Ignored on file systems without POSIX permissions.
         *
         * @param permissions the permissions; not null (may be empty)
         * @return this builder
         */
        public Builder permissions(Set<PosixFilePermission> permissions) {
            Objects.requireNonNull(permissions, "permissions");
            for (PosixFilePermission p : permissions) {
                Objects.requireNonNull(p, "permissions contains null");
            }
            this.permissions = EnumSet.noneOf(PosixFilePermission.class);
            this.permissions.addAll(permissions);
            return this;
        }

        /**
         * Keeps the replaced file's permission bits (and, where the process may, its owner and group);
         * the default.
         *
         * @return this builder
         */
        public Builder preservePermissions() {
            this.permissions = null;
            return this;
        }

        /**
         * @param policy what to do when the target is a symbolic link; not null
         * @return this builder
         */
        public Builder symlinkPolicy(SymlinkPolicy policy) {
            this.symlinkPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param syncMetadata true to sync the temp file with fsync rather than fdatasync
         * @return this builder
         */
        public Builder syncMetadata(boolean syncMetadata) {
            this.syncMetadata = syncMetadata;
            return this;
        }

        /** @return the immutable options */
        public WriteOptions build() {
            return new WriteOptions(this);
        }
    }
}
