package dev.durafile.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One atomic change of directory entries (create, link, unlink, mkdir, rename), logged on every
 * directory it touches; a rename between two directories is one operation logged on both. Compared
 * by identity.
 */
final class EntryOp {
    /** In {@code dir}: remove {@code removed} (if not null), then set {@code added} (if not null) to {@code node}. */
    private static final class Change {
        final DirNode dir;
        final String removed;
        final String added;
        final Node node;

        Change(DirNode dir, String removed, String added, Node node) {
            this.dir = dir;
            this.removed = removed;
            this.added = added;
            this.node = node;
        }
    }

    private final List<Change> changes;
    private boolean committed;

    private EntryOp(List<Change> changes) {
        this.changes = changes;
    }

    /** Creates or replaces the entry {@code name} of {@code dir}. */
    static EntryOp put(DirNode dir, String name, Node node) {
        return new EntryOp(List.of(new Change(dir, null, name, node)));
    }

    static EntryOp remove(DirNode dir, String name) {
        return new EntryOp(List.of(new Change(dir, name, null, null)));
    }

    /** Moves {@code node} from {@code fromName} in {@code from} to {@code toName} in {@code to}, replacing what is there. */
    static EntryOp rename(DirNode from, String fromName, DirNode to, String toName, Node node) {
        if (from == to) {
            return new EntryOp(List.of(new Change(from, fromName, toName, node)));
        }
        return new EntryOp(List.of(new Change(from, fromName, null, null), new Change(to, null, toName, node)));
    }

    /** Applies this operation's changes to {@code dir} on {@code entries}. */
    void applyTo(DirNode dir, Map<String, Node> entries) {
        for (Change c : changes) {
            if (c.dir == dir) {
                if (c.removed != null) {
                    entries.remove(c.removed);
                }
                if (c.added != null) {
                    entries.put(c.added, c.node);
                }
            }
        }
    }

    /** {@return the directories this operation changes, each once} */
    List<DirNode> directories() {
        List<DirNode> dirs = new ArrayList<>(changes.size());
        for (Change c : changes) {
            if (!dirs.contains(c.dir)) {
                dirs.add(c.dir);
            }
        }
        return dirs;
    }

    /** {@return true once an fsync of one of its directories made it durable} */
    boolean committed() {
        return committed;
    }

    void commit() {
        committed = true;
    }
}
