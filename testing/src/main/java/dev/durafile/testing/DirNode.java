package dev.durafile.testing;

import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A directory: its current entries, its durable entries as of its last fsync, and the log of entry
 * operations made on it since, in order.
 */
final class DirNode extends Node {
    final TreeMap<String, Node> entries = new TreeMap<>();
    private TreeMap<String, Node> durable = new TreeMap<>();
    final List<EntryOp> log = new ArrayList<>();

    DirNode(long id, Set<PosixFilePermission> permissions) {
        super(id, permissions);
    }

    @Override
    long size() {
        return entries.size();
    }

    /** fsync of the directory: its current entries become durable, and so does every logged operation. */
    void sync() {
        durable = new TreeMap<>(entries);
        for (EntryOp op : log) {
            op.commit();
        }
        log.clear();
    }

    /** {@return the durable entries with the first {@code count} logged operations applied} */
    TreeMap<String, Node> replay(int count) {
        TreeMap<String, Node> result = new TreeMap<>(durable);
        for (EntryOp op : log.subList(0, count)) {
            op.applyTo(this, result);
        }
        return result;
    }

    /** Sets both the current and the durable entries, as after a crash. */
    void install(Map<String, Node> recovered) {
        entries.clear();
        entries.putAll(recovered);
        durable = new TreeMap<>(recovered);
        log.clear();
    }
}
