package dev.durafile.bench;

import dev.durafile.AtomicFiles;
import dev.durafile.Backend;
import dev.durafile.Durability;
import dev.durafile.TempStrategy;
import dev.durafile.WriteOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.utils.Utils;
import org.apache.zookeeper.common.AtomicFileOutputStream;

/**
 * The ways to replace a file that {@link WriteBenchmark} compares: direct writes (the baselines of the
 * overhead budgets), durafile at each durability level on each backend, and the JVM peers. The C floor
 * is not here: {@code native/floor.c} runs in the same session and {@code report.py} compares.
 */
public enum Writer {
    /** {@code Files.write}: truncate and rewrite in place, no sync. The baseline of {@code NONE}. */
    FILES_WRITE {
        @Override
        Sink open(Path target) {
            return data -> Files.write(target, data);
        }
    },
    /** Truncate and rewrite in place, then {@code FileChannel.force(true)}. The baseline of {@code ATOMIC}. */
    FILES_WRITE_FORCE {
        @Override
        Sink open(Path target) {
            return data -> {
                try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer src = ByteBuffer.wrap(data);
                    while (src.hasRemaining()) {
                        ch.write(src);
                    }
                    ch.force(true);
                }
            };
        }
    },
    /** durafile on the panama backend at {@link Durability#NONE}. */
    PANAMA_NONE("panama", Durability.NONE),
    /** durafile on the panama backend at {@link Durability#ATOMIC}. */
    PANAMA_ATOMIC("panama", Durability.ATOMIC),
    /** durafile on the panama backend at {@link Durability#DURABLE}. */
    PANAMA_DURABLE("panama", Durability.DURABLE),
    /** durafile on the jna backend at {@link Durability#NONE}. */
    JNA_NONE("jna", Durability.NONE),
    /** durafile on the jna backend at {@link Durability#ATOMIC}. */
    JNA_ATOMIC("jna", Durability.ATOMIC),
    /** durafile on the jna backend at {@link Durability#DURABLE}. */
    JNA_DURABLE("jna", Durability.DURABLE),
    /** durafile on the nio backend at {@link Durability#NONE}. */
    NIO_NONE("nio", Durability.NONE),
    /** durafile on the nio backend at {@link Durability#ATOMIC}. */
    NIO_ATOMIC("nio", Durability.ATOMIC),
    /** durafile on the nio backend at {@link Durability#DURABLE}. */
    NIO_DURABLE("nio", Durability.DURABLE),
    /** durafile on the panama backend at {@link Durability#DURABLE} with an unnamed temp ({@link TempStrategy#ANONYMOUS}). */
    PANAMA_ANONYMOUS("panama", Durability.DURABLE, TempStrategy.ANONYMOUS),
    /** durafile on the jna backend at {@link Durability#DURABLE} with an unnamed temp ({@link TempStrategy#ANONYMOUS}). */
    JNA_ANONYMOUS("jna", Durability.DURABLE, TempStrategy.ANONYMOUS),
    /**
     * Kafka's checkpoint-file pattern: write {@code <name>.tmp}, flush, {@code FileDescriptor.sync()} (fsync),
     * then {@code Utils.atomicMoveWithFallback(temp, target, true)}, which renames with ATOMIC_MOVE and
     * fsyncs the directory. Comparable to durafile's {@code DURABLE}.
     */
    KAFKA {
        @Override
        Sink open(Path target) {
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            return data -> {
                try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
                    out.write(data);
                    out.flush();
                    out.getFD().sync();
                }
                Utils.atomicMoveWithFallback(temp, target, true);
            };
        }
    },
    /**
     * ZooKeeper's {@code AtomicFileOutputStream}: write {@code <name>.tmp}, fsync it on close, then
     * {@code File.renameTo}; no directory fsync. Comparable to durafile's {@code ATOMIC}.
     */
    ZOOKEEPER {
        @Override
        Sink open(Path target) {
            return data -> {
                try (AtomicFileOutputStream out = new AtomicFileOutputStream(target.toFile())) {
                    out.write(data);
                }
            };
        }
    };

    /** Writes one complete new version of the file it was opened for. */
    interface Sink {
        void write(byte[] data) throws IOException;
    }

    private final String backend;
    private final Durability durability;
    private final TempStrategy temp;

    Writer() {
        this(null, null);
    }

    Writer(String backend, Durability durability) {
        this(backend, durability, TempStrategy.NAMED);
    }

    Writer(String backend, Durability durability, TempStrategy temp) {
        this.backend = backend;
        this.durability = durability;
        this.temp = temp;
    }

    /**
     * Prepares writes of {@code target}; for durafile,
     * {@link AtomicFiles#write(Path, byte[], WriteOptions)} on this value's backend.
     *
     * @throws IllegalStateException if the backend cannot load here (panama needs JDK 22+ and
     *     {@value BenchDirs#NATIVE_ACCESS})
     */
    Sink open(Path target) {
        WriteOptions options = WriteOptions.builder().durability(durability).tempStrategy(temp)
                .backend(Backend.named(backend)).build();
        return data -> AtomicFiles.write(target, data, options);
    }
}
