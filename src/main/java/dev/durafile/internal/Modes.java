package dev.durafile.internal;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Conversions between POSIX permission sets and mode bits ({@code 0400} is OWNER_READ). */
final class Modes {
    private static final PosixFilePermission[] ALL = PosixFilePermission.values();

    private Modes() {
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        int m = 0;
        for (PosixFilePermission p : permissions) {
            m |= bit(p);
        }
        return m;
    }

    static Set<PosixFilePermission> toPermissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : ALL) {
            if ((mode & bit(p)) != 0) {
                s.add(p);
            }
        }
        return s;
    }

    private static int bit(PosixFilePermission p) {
        return 1 << (ALL.length - 1 - p.ordinal());
    }
}
