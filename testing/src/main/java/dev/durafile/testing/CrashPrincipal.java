package dev.durafile.testing;

import java.nio.file.attribute.GroupPrincipal;

/** A user or group of a {@link CrashFileSystem}: just a name. Ownership is recorded, never enforced. */
final class CrashPrincipal implements GroupPrincipal {
    private final String name;

    CrashPrincipal(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrashPrincipal && ((CrashPrincipal) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
