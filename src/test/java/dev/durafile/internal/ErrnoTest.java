package dev.durafile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one errno table: every symbol, texts that are exactly this C library's, and the values {@link Linux} names. */
class ErrnoTest {
    @Test
    void everyErrnoHasItsSymbolAndItsTextLeadsBackToIt() {
        LibC libc = new JnaLibC();
        int known = 0;
        for (int errno = 1; errno <= 133; errno++) {
            String symbol = Errno.symbol(errno);
            if (errno == 41 || errno == 58) {
                assertThat(symbol).isEqualTo("errno " + errno);
                continue;
            }
            assertThat(symbol).as("errno %d", errno).matches("E[A-Z0-9]+");
            assertThat(Errno.symbolOfText(libc.strerror(errno))).as("errno %d", errno).isEqualTo(symbol);
            known++;
        }
        assertThat(known).isEqualTo(131);
        assertThat(Errno.symbol(24)).isEqualTo("EMFILE");
        assertThat(Errno.symbol(134)).isEqualTo("errno 134");
    }

    @Test
    void everyErrnoValueOfLinuxIsTheOneItsSymbolHas() throws IllegalAccessException {
        int named = 0;
        for (Field f : Linux.class.getDeclaredFields()) {
            if (f.getType() == int.class && f.getName().matches("E[A-Z]+")) {
                String symbol = f.getName().equals("EWOULDBLOCK") ? "EAGAIN" : f.getName();
                assertThat(Errno.symbol(f.getInt(null))).as(f.getName()).isEqualTo(symbol);
                named++;
            }
        }
        assertThat(named).isPositive();
    }

    @Test
    void tooManyOpenFilesIsReportedWithItsSymbol() {
        FileSystemException e = Failures.ofErrno(24, new JnaLibC().strerror(24), "create temp file", Path.of("/d/f"),
                null);
        assertThat(e).hasMessage("/d/f: create temp file failed: Too many open files (EMFILE)");
        assertThat(Failures.ofJdk(new FileSystemException("f", null, "Too many open files"), "create temp file",
                Path.of("/d/f"))).hasMessage("/d/f: create temp file failed: Too many open files (EMFILE)");
    }
}
