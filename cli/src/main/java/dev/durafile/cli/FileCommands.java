package dev.durafile.cli;

import dev.durafile.AtomicFiles;
import dev.durafile.Durability;
import dev.durafile.IOConsumer;
import dev.durafile.SymlinkPolicy;
import dev.durafile.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The commands that change files: {@code write} (an atomic sponge), {@code copy} and {@code swap}. */
final class FileCommands {
    static final Option MODE = Option.valued("--mode", "OCTAL",
            "permissions of the result, e.g. 0644 (default: those of the file replaced; for a new file "
                    + "0666 minus the umask, or, for copy, the source's)");
    static final Option DURABILITY = Option.valued("--durability", "LEVEL",
            "none (survives a process crash), atomic (a power cut leaves old or new) or durable (a power "
                    + "cut after success leaves new); default durable");
    static final Option NO_FOLLOW = Option.flag("--no-follow",
            "if the target is a symbolic link, replace the link itself (default: replace the file it points to)");
    static final Option BACKUP = Option.flag("--backup",
            "keep the replaced content as TARGET.bak (needs renameat2 RENAME_EXCHANGE: see durafile doctor)");
    static final Option CREATE_NEW = Option.flag("--create-new",
            "fail, changing nothing, if TARGET exists; the check and the creation are one atomic step");

    /** The options of every command that writes one target. */
    private static final List<Option> TARGET_OPTIONS = List.of(MODE, DURABILITY, NO_FOLLOW, BACKUP);

    static final Command WRITE = new Command("write", "TARGET",
            "replace TARGET with standard input, atomically and durably (a sponge)",
            List.of("Streams standard input to its end into a temp file in TARGET's directory (any size, "
                            + "in constant memory), then replaces TARGET with it atomically: the temp is synced "
                            + "and renamed "
                            + "over TARGET, and the directory is synced. A crash at any moment leaves TARGET "
                            + "complete, old or new; never empty or partial. TARGET's directory must exist.",
                    "Because TARGET is untouched until all input is read, it may be an input of the pipeline: "
                            + "sort data.txt | durafile write data.txt"),
            with(TARGET_OPTIONS, CREATE_NEW), 1, 1, false, FileCommands::write);

    static final Command COPY = new Command("copy", "SRC DST",
            "copy SRC to DST atomically: DST ends up a complete copy or as it was",
            List.of("Copies SRC (following symbolic links) to DST through a temp file in DST's directory, "
                    + "which is synced and renamed over DST. A crash leaves DST as it was (or absent) or a "
                    + "complete copy, never partial. DST's directory must exist."),
            TARGET_OPTIONS, 2, 2, false, FileCommands::copy);

    static final Command SWAP = new Command("swap", "A B",
            "exchange two files or directories atomically (renameat2 RENAME_EXCHANGE)",
            List.of("Swaps the entries A and B in one atomic step, then syncs their directories: readers see "
                    + "both old names or both swapped, never one missing. Both must exist on the same file "
                    + "system; symbolic links are swapped, not followed. Needs the panama or jna backend and a "
                    + "file system with RENAME_EXCHANGE (see durafile doctor)."),
            List.of(), 2, 2, false, FileCommands::swap);

    private FileCommands() {
    }

    private static List<Option> with(List<Option> options, Option more) {
        List<Option> all = new ArrayList<>(options);
        all.add(more);
        return all;
    }

    private static int write(Invocation inv) throws IOException, UsageException {
        Arguments args = inv.args();
        if (args.has(CREATE_NEW) && args.has(BACKUP)) {
            throw new UsageException("--create-new and --backup exclude each other");
        }
        Path target = args.path(0);
        WriteOptions options = writeOptions(args);
        // streamed into the temp file: any size, in constant memory
        IOConsumer<OutputStream> body = out -> inv.in().transferTo(out);
        if (args.has(CREATE_NEW)) {
            AtomicFiles.createNew(target, options, body);
        } else {
            AtomicFiles.write(target, options, body);
        }
        return Main.OK;
    }

    private static int copy(Invocation inv) throws IOException, UsageException {
        Arguments args = inv.args();
        AtomicFiles.copy(args.path(0), args.path(1), writeOptions(args));
        return Main.OK;
    }

    private static int swap(Invocation inv) throws IOException, UsageException {
        AtomicFiles.exchange(inv.args().path(0), inv.args().path(1));
        return Main.OK;
    }

    /** @return the write options that {@link #TARGET_OPTIONS} ask for */
    private static WriteOptions writeOptions(Arguments args) throws UsageException {
        WriteOptions.Builder b = WriteOptions.builder()
                .durability(args.value(DURABILITY, Values::durability, Durability.DURABLE))
                .symlinkPolicy(args.has(NO_FOLLOW) ? SymlinkPolicy.REPLACE : SymlinkPolicy.FOLLOW)
                .keepBackup(args.has(BACKUP));
        Set<PosixFilePermission> mode = args.value(MODE, Values::octalMode, null);
        if (mode != null) {
            b.permissions(mode);
        }
        return b.build();
    }
}
