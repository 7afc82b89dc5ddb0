package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.durafile.TestSupport;
import dev.durafile.WriteOptions;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The transaction contract on the nio backend. */
class NioTransactionTest extends TransactionContract {
    @Override
    String backend() {
        return "nio";
    }

    /**
     * java.nio reads the owner of the file it makes to learn its own user by that file's name: in a
     * temporary directory others can write without the sticky bit, another user could swap in a file of
     * theirs and be taken for this process's user, so such a directory is refused.
     */
    @Test
    void aTemporaryDirectoryOthersCanRenameInIsRefusedForLearningTheUser() throws Exception {
        assumeTrue(TestSupport.isRoot(), "the directory must be root's to be refused for its mode alone");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path journal = dir.resolve("journal");
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            assertThatThrownBy(() -> engine().transaction(journal, WriteOptions.defaults()))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(journal + ": open journal failed: this process learns its own user from a"
                            + " file it creates in " + tmp + ", which is writable by its group or others (mode 0777, not"
                            + " sticky); set java.io.tmpdir to a local directory of root's that others cannot rename"
                            + " entries in (like /tmp), or use the panama or jna backend");
        } finally {
            System.setProperty("java.io.tmpdir", saved);
        }
        assertThat(journal).doesNotExist();
    }
}
