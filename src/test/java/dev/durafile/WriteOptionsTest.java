package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteOptionsTest {
    @Test
    void toBuilderRoundTripsEveryOptionIncludingNoPermissionsAtAll() {
        WriteOptions none = WriteOptions.builder().permissions(Set.of()).build();
        assertThat(none.permissions()).contains(Set.of());
        WriteOptions copy = none.toBuilder().build();
        assertThat(copy).isEqualTo(none);
        assertThat(copy.permissions()).contains(Set.of());

        WriteOptions all = WriteOptions.builder().durability(Durability.ATOMIC)
                .permissions(PosixFilePermissions.fromString("rw-r-----")).symlinkPolicy(SymlinkPolicy.REPLACE)
                .syncMetadata(true).tempStrategy(TempStrategy.ANONYMOUS).keepBackup(true).build();
        assertThat(all.toBuilder().build()).isEqualTo(all).hasSameHashCodeAs(all);
        assertThat(all.toBuilder().preservePermissions().build().permissions()).isEmpty();
    }

    @Test
    void permissionsAreCopiedNotShared() {
        Set<PosixFilePermission> asked = EnumSet.of(PosixFilePermission.OWNER_READ);
        WriteOptions options = WriteOptions.builder().permissions(asked).build();
        asked.add(PosixFilePermission.OTHERS_WRITE);
        assertThat(options.permissions()).contains(EnumSet.of(PosixFilePermission.OWNER_READ));
        WriteOptions.Builder b = options.toBuilder();
        b.build().toBuilder().permissions(Set.of()).build();
        assertThat(options.permissions()).contains(EnumSet.of(PosixFilePermission.OWNER_READ));
    }

    @Test
    void eachLevelSaysWhatItSyncs() {
        assertThat(Durability.NONE.syncsFile()).isFalse();
        assertThat(Durability.NONE.syncsDirectory()).isFalse();
        assertThat(Durability.ATOMIC.syncsFile()).isTrue();
        assertThat(Durability.ATOMIC.syncsDirectory()).isFalse();
        assertThat(Durability.DURABLE.syncsFile()).isTrue();
        assertThat(Durability.DURABLE.syncsDirectory()).isTrue();
    }
}
