package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal is one journal to this JVM's bookkeeping (live transactions, recoveries done) whichever
 * backend opened it: with backends chosen per write, a transaction through one and a recovery through
 * another share it, and a recovery that did not see the transaction as live would take its record.
 */
class JournalKeyTest {
    @TempDir
    Path dir;

    @Test
    void everyBackendKeysAJournalAlikeAndTwoJournalsApart() throws IOException {
        Path journal = dir.resolve("journal");
        Journal viaJna = Journal.open(new Engine(Backends.load("jna")), journal);
        Journal viaNio = Journal.open(new Engine(new NioBinding()), journal);
        Journal bySymlink = Journal.open(new Engine(new NioBinding()),
                Files.createSymbolicLink(dir.resolve("link"), journal.getFileName()));
        Journal other = Journal.open(new Engine(Backends.load("jna")), dir.resolve("other"));

        assertThat(viaNio.key).isEqualTo(viaJna.key).isEqualTo(bySymlink.key);
        assertThat(other.key).isNotEqualTo(viaJna.key);
    }
}
