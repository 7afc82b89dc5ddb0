package dev.durafile.testing;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Computes and installs the state a {@link Kernel} is in after a simulated crash: which unsynced entry
 * operations each directory keeps (a prefix; renames across directories in both or neither) and what
 * each surviving file's unsynced sectors hold. Every random choice is drawn from the seed and the
 * inode number, so the same history and seed give the same result.
 */
final class Recovery {
    /** The unit in which unsynced data is lost, kept or zeroed. */
    static final int SECTOR = 512;

    private static final long SALT_PREFIX = 0x51ED2701L;
    private static final long SALT_DATA = 0x0DA7A5EEL;

    private Recovery() {
    }

    static void apply(Kernel k, CrashMode mode, DirectoryMode directories, long seed) {
        Map<DirNode, Integer> kept = keptPrefixes(k.dirty, directories, seed);
        Map<DirNode, TreeMap<String, Node>> dirs = new LinkedHashMap<>();
        Set<FileNode> files = new LinkedHashSet<>();
        dirs.put(k.root, k.root.replay(kept.getOrDefault(k.root, 0)));
        Deque<DirNode> todo = new ArrayDeque<>();
        todo.push(k.root);
        while (!todo.isEmpty()) {
            Iterator<Node> it = dirs.get(todo.pop()).values().iterator();
            while (it.hasNext()) {
                Node n = it.next();
                if (n instanceof FileNode) {
                    files.add((FileNode) n);
                } else if (dirs.containsKey(n)) {
                    // Reachable twice through independent directory prefixes: it keeps its first place only.
                    it.remove();
                } else {
                    DirNode d = (DirNode) n;
                    dirs.put(d, d.replay(kept.getOrDefault(d, 0)));
                    todo.push(d);
                }
            }
        }
        for (FileNode f : files) {
            f.install(recoverData(f.durable(), f.current(), mode, random(seed, f.id, SALT_DATA)), true);
        }
        dirs.forEach(DirNode::install);
        k.dirty.clear();
    }

    /** {@return for each directory with unsynced operations, how many of them survive} */
    private static Map<DirNode, Integer> keptPrefixes(Set<DirNode> dirty, DirectoryMode directories, long seed) {
        Map<DirNode, Integer> kept = new LinkedHashMap<>();
        for (DirNode d : dirty) {
            int n = d.log.size();
            int keep;
            switch (directories) {
                case DROP_UNSYNCED:
                    keep = 0;
                    break;
                case KEEP_ALL:
                    keep = n;
                    break;
                default:
                    keep = random(seed, d.id, SALT_PREFIX).nextInt(n + 1);
                    break;
            }
            for (int i = n - 1; i >= keep; i--) {
                if (d.log.get(i).committed()) {
                    keep = i + 1;
                }
            }
            kept.put(d, keep);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<DirNode, Integer> e : kept.entrySet()) {
                for (EntryOp op : e.getKey().log.subList(0, e.getValue())) {
                    for (DirNode other : op.directories()) {
                        int at = other.log.indexOf(op);
                        if (at >= 0 && kept.get(other) <= at) {
                            kept.put(other, at + 1);
                            changed = true;
                        }
                    }
                }
            }
        }
        return kept;
    }

    /**
     * @return the content a file with durable bytes {@code durable} and current bytes {@code current}
     *     has after the crash, sector by sector as {@code mode} says
     */
    static byte[] recoverData(byte[] durable, byte[] current, CrashMode mode, SplittableRandom random) {
        if (Arrays.equals(durable, current)) {
            return current;
        }
        int size;
        switch (mode) {
            case LOSE_UNSYNCED:
                size = durable.length;
                break;
            case TORN_RANDOM:
                size = random.nextBoolean() ? durable.length : current.length;
                break;
            default:
                size = current.length;
                break;
        }
        byte[] out = new byte[size];
        for (int start = 0; start < size; start += SECTOR) {
            int end = Math.min(size, start + SECTOR);
            byte[] source = unchanged(durable, current, start, end) ? durable : sectorSource(durable, current, mode, random);
            if (source != null && start < source.length) {
                System.arraycopy(source, start, out, start, Math.min(end, source.length) - start);
            }
        }
        return out;
    }

    /** {@return where an unsynced sector's bytes come from: durable, current, or null for zeros} */
    private static byte[] sectorSource(byte[] durable, byte[] current, CrashMode mode, SplittableRandom random) {
        switch (mode) {
            case LOSE_UNSYNCED:
                return durable;
            case KEEP_ALL:
                return current;
            case ZERO_UNSYNCED:
                return null;
            default:
                int pick = random.nextInt(3);
                return pick == 0 ? durable : pick == 1 ? current : null;
        }
    }

    /** {@return whether bytes [start, end) are equal, reading past either array's end as zeros} */
    private static boolean unchanged(byte[] a, byte[] b, int start, int end) {
        for (int i = start; i < end; i++) {
            if (byteAt(a, i) != byteAt(b, i)) {
                return false;
            }
        }
        return true;
    }

    private static byte byteAt(byte[] a, int i) {
        return i < a.length ? a[i] : 0;
    }

    private static SplittableRandom random(long seed, long inode, long salt) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + inode * 0xBF58476D1CE4E5B9L + salt);
    }
}
