package dev.durafile;

import dev.durafile.internal.Backends;
import dev.durafile.internal.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-process main for {@link NoProcTest}, run where {@code /proc} is hidden: {@code <backend> <dir>}
 * replaces {@code dir/anon.json} through an ANONYMOUS temp, printing how many named temps exist while
 * it writes ({@code named-temps=N}), then the content and what {@link AtomicFiles#probe} reports; then
 * commits a transaction of two files in {@code <dir>/../tx} (its journal walked to and its user learnt
 * without {@code /proc}) and recovers that journal, printing both files and what is left in the journal.
 */
public final class NoProcChild {
    private NoProcChild() {
    }

    public static void main(String[] args) throws Exception {
        Engine engine = new Engine(Backends.load(args[0]));
        Path dir = Path.of(args[1]);
        Path target = dir.resolve("anon.json");
        System.out.println("proc=" + Files.exists(Path.of("/proc/self")));
        WriteOptions anonymous = WriteOptions.builder().tempStrategy(TempStrategy.ANONYMOUS).build();
        try (AtomicOutputStream out = engine.newOutputStream(target, anonymous)) {
            out.write("new".getBytes(StandardCharsets.UTF_8));
            out.flush();
            System.out.println("named-temps=" + TestSupport.temps(dir).size());
            out.commit();
        }
        System.out.println("content=" + Files.readString(target));
        FileSystemCapabilities caps = engine.probe(dir);
        System.out.println("type=" + caps.type() + " tmpFile=" + caps.tmpFile());
        System.out.println("left=" + TestSupport.names(dir));
        Path tx = Files.createDirectories(dir.resolveSibling("tx"));
        Path journal = tx.resolve("journal");
        try (FileTransaction t = engine.transaction(journal, WriteOptions.defaults())) {
            t.writeString(tx.resolve("a.json"), "A");
            t.writeString(tx.resolve("b.json"), "B");
            t.commit();
        }
        RecoveryReport report = engine.recover(journal);
        System.out.println("tx=" + Files.readString(tx.resolve("a.json")) + "," + Files.readString(tx.resolve("b.json"))
                + " journal=" + TestSupport.names(journal) + " recovered=" + report.rolledForward() + "/"
                + report.discarded() + " files=" + TestSupport.names(tx));
    }
}
