package dev.durafile.bench;

import dev.durafile.internal.Backends;
import dev.durafile.internal.FileBinding;
import dev.durafile.internal.Name;
import java.io.IOException;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the benchmarks of one protocol step share: a backend, a file size, a fresh directory on the
 * real disk opened through the backend's {@link FileBinding}, and the content to write.
 */
@State(Scope.Thread)
public abstract class SingleStepState {
    /** The name of the file the temps are renamed over. */
    static final String TARGET_NAME = "target.dat";
    static final Name TARGET = Name.of(TARGET_NAME);

    /** The durafile backend: {@code panama}, {@code jna} or {@code nio}. */
    @Param({"panama", "jna", "nio"})
    public String backend;

    /** The size in bytes of each temp file (and of the target it replaces). */
    @Param({"1024", "65536", "1048576"})
    public int size;

    Path dir;
    FileBinding.Directory directory;
    byte[] data;
    private long counter;

    /** @return the name of the directory made under the benchmark directory */
    abstract String directoryName();

    /** Opens a fresh directory through the backend. */
    @Setup(Level.Trial)
    public void openDirectory() throws IOException {
        dir = BenchDirs.onDisk(directoryName());
        directory = Backends.load(backend).openDirectory(dir);
        data = BenchDirs.content(size);
        prepare();
    }

    /** Runs once the directory is open, before the first invocation (JMH orders setups of one level arbitrarily). */
    void prepare() throws IOException {
    }

    /** Closes and removes the directory. */
    @TearDown(Level.Trial)
    public void closeDirectory() throws IOException {
        directory.close();
        BenchDirs.delete(dir);
    }

    /** @return a temp name not used before in this trial */
    Name nextTempName() {
        return Name.of(TARGET_NAME + ".tmp." + counter++);
    }
}
