package dev.durafile.cli;

import dev.durafile.WriteOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The hidden {@code crash-demo-child} command: the JVM that {@link CrashDemo} kills. It writes the job
 * file's versions in a loop, from the first version given upwards, and after each write returns prints
 * the version number on a line of its own, which the parent reads as the acknowledgement. It never
 * ends by itself: the parent SIGKILLs it, and if the parent is gone, the next acknowledgement fails
 * (broken pipe) and it exits.
 */
final class CrashDemoChild {
    static final Command COMMAND = new Command("crash-demo-child",
            "WRITER FILE FIRST-VERSION MAX-SIZE DURABILITY FILES", "the writer that crash-demo kills (internal)",
            List.of("Internal to crash-demo: writes versions of FILE (and of FILES - 1 more files beside it) with "
                    + "WRITER (naive or durafile) until killed, printing each version number once its write has "
                    + "returned."),
            List.of(), 6, 6, true, CrashDemoChild::run);

    private CrashDemoChild() {
    }

    private static int run(Invocation inv) throws IOException, UsageException {
        Arguments args = inv.args();
        Writer writer = args.operand(0, Writer::of);
        Path file = args.path(1);
        int first = args.operand(2, Values.intBetween(0, Integer.MAX_VALUE));
        int maxSize = args.operand(3, Values.sizeBetween(JobVersions.MIN_MAX_SIZE, Integer.MAX_VALUE));
        WriteOptions options = WriteOptions.builder().durability(args.operand(4, Values::durability)).build();
        List<Path> files = CrashDemo.files(file, args.operand(5, Values.intBetween(1, CrashDemo.MAX_FILES)));
        // Unbuffered: each acknowledgement is one write(2) of a whole line, so the parent never reads a
        // partial number from a child killed while acknowledging.
        OutputStream acks = new FileOutputStream(FileDescriptor.out);
        for (long version = first; ; version++) {
            writer.write(files, JobVersions.bytes(version, maxSize), options, CrashDemo.journal(file));
            acks.write((version + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
