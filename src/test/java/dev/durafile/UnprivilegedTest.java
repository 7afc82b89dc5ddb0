package dev.durafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unprivileged user replaces its own files whose modes deny the owner read (0220, 0200) or write
 * (0440), in a setgid directory of another group: every file keeps its exact mode and its group (one
 * the user belongs to), on every backend; java.nio, which reopens the temp by name to change it, too.
 */
class UnprivilegedTest {
    /** A group the user does not belong to. */
    static final int OTHER_GROUP = 100;
    static final List<String> FILES = List.of("wo-0220", "wo-0200", "ro-0440");

    @TempDir
    Path dir;

    static void check(String backend, Path dir) throws Exception {
        assumeTrue(TestSupport.isRoot(), "running a child as another user needs root");
        assumeTrue(TestSupport.works("setpriv", "--version"), "setpriv (util-linux) is needed");
        String classPath = ChildAsUser.readableClassPath(Files.createDirectory(dir.resolve("cp")));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path jna = Files.createDirectory(dir.resolve("jna"));
        TestSupport.run("chown", ChildAsUser.USER + ":" + ChildAsUser.USER, work.toString(), jna.toString());
        Files.setAttribute(work, "unix:gid", OTHER_GROUP);
        Files.setAttribute(work, "unix:mode", 02775);
        for (String name : FILES) {
            Path f = Files.writeString(work.resolve(name), "old");
            Files.setAttribute(f, "unix:uid", ChildAsUser.USER);
            Files.setAttribute(f, "unix:gid", ChildAsUser.USER);
            Files.setAttribute(f, "unix:mode", Integer.parseInt(name.substring(3), 8));
        }
        String[] args = new String[FILES.size() + 1];
        args[0] = work.toString();
        for (int i = 0; i < FILES.size(); i++) {
            args[i + 1] = FILES.get(i);
        }
        List<String> lines = ChildAsUser.run(UnprivilegedChild.class, backend, classPath, jna, true, false, args);
        for (String name : FILES) {
            Path f = work.resolve(name);
            assertThat(lines).as(name).contains(name + " ok");
            assertThat(Files.readString(f)).isEqualTo("new");
            assertThat((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777)
                    .as(name).isEqualTo(Integer.parseInt(name.substring(3), 8));
            assertThat(Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(name).isEqualTo(ChildAsUser.USER);
            assertThat(Files.getAttribute(f, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(name).isEqualTo(ChildAsUser.USER);
        }
        assertThat(TestSupport.names(work)).containsExactlyInAnyOrderElementsOf(FILES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "nio"})
    void ownFilesKeepTheirExactModeAndGroup(String backend) throws Exception {
        check(backend, dir);
    }
}
