package dev.durafile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An strace log ({@code strace -f -s 4096}) reduced to the file calls of the write protocol, with each
 * file descriptor resolved to the path it was opened on, and the protocol's order checked on it.
 */
final class SyscallTrace {
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(\\w+)\\((.*)\\)\\s+=\\s+(-?\\d+|\\?).*$");
    private static final Pattern UNFINISHED = Pattern.compile("^(\\d+)\\s+(.*) <unfinished \\.\\.\\.>$");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. \\w+ resumed>(.*)$");

    /** One completed call: name, arguments as text, result, and the paths of fds and path arguments. */
    static final class Call {
        final String name;
        final List<String> args;
        final long result;
        /** Paths the call's arguments resolve to: for fd arguments the fd's path, for path arguments the path. */
        final List<String> paths = new ArrayList<>();

        Call(String name, List<String> args, long result) {
            this.name = name;
            this.args = args;
            this.result = result;
        }

        @Override
        public String toString() {
            return name + args + " = " + result + " " + paths;
        }
    }

    final List<Call> calls = new ArrayList<>();

    static SyscallTrace parse(Path log) throws IOException {
        SyscallTrace t = new SyscallTrace();
        Map<String, String> pending = new HashMap<>();
        Descriptors fds = new Descriptors();
        for (String line : Files.readAllLines(log)) {
            Matcher u = UNFINISHED.matcher(line);
            if (u.matches()) {
                pending.put(u.group(1), u.group(2));
                continue;
            }
            Matcher r = RESUMED.matcher(line);
            if (r.matches() && pending.containsKey(r.group(1))) {
                line = r.group(1) + " " + pending.remove(r.group(1)) + r.group(2);
            }
            Matcher m = CALL.matcher(line);
            if (m.matches() && !m.group(4).equals("?")) {
                fds.thread = m.group(1);
                t.add(m.group(2), splitArgs(m.group(3)), Long.parseLong(m.group(4)), fds);
            }
        }
        return t;
    }

    /**
     * Which path each open descriptor number refers to. strace writes a call's line when it returns, so
     * with several threads a close can be logged after another thread's open that already got the
     * same number; each number therefore keeps its opens in order with their threads, a close removes
     * its own thread's latest one, and a lookup prefers the calling thread's own open.
     */
    private static final class Descriptors {
        /** The thread of the line being added. */
        String thread;
        private final Map<Long, List<String[]>> opens = new HashMap<>();

        void put(long fd, String path) {
            opens.computeIfAbsent(fd, k -> new ArrayList<>()).add(new String[] {thread, path});
        }

        private int latest(List<String[]> list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i)[0].equals(thread)) {
                    return i;
                }
            }
            return list.size() - 1;
        }

        String get(long fd) {
            List<String[]> list = opens.get(fd);
            return list == null || list.isEmpty() ? null : list.get(latest(list))[1];
        }

        String remove(long fd) {
            List<String[]> list = opens.get(fd);
            return list == null || list.isEmpty() ? null : list.remove(latest(list))[1];
        }
    }

    private void add(String name, List<String> args, long result, Descriptors fds) {
        Call c = new Call(name, args, result);
        switch (name) {
            case "openat":
                c.paths.add(resolve(fds, args.get(0), args.get(1)));
                if (result >= 0) {
                    fds.put(result, c.paths.get(0));
                }
                break;
            case "open":
                c.paths.add(unquote(args.get(0)));
                if (result >= 0) {
                    fds.put(result, c.paths.get(0));
                }
                break;
            case "rename":
                c.paths.add(unquote(args.get(0)));
                c.paths.add(unquote(args.get(1)));
                break;
            case "renameat":
            case "renameat2":
                c.paths.add(resolve(fds, args.get(0), args.get(1)));
                c.paths.add(resolve(fds, args.get(2), args.get(3)));
                break;
            case "linkat":
                c.paths.add(resolve(fds, args.get(0), args.get(1)));
                c.paths.add(resolve(fds, args.get(2), args.get(3)));
                break;
            case "fsync":
            case "fdatasync":
                c.paths.add(fds.get(Long.parseLong(args.get(0))));
                break;
            case "dup":
                c.paths.add(fds.get(Long.parseLong(args.get(0))));
                if (result >= 0) {
                    fds.put(result, c.paths.get(0));
                }
                break;
            case "mkdir":
            case "mkdirat":
                c.paths.add(name.equals("mkdir") ? unquote(args.get(0)) : resolve(fds, args.get(0), args.get(1)));
                break;
            case "close":
                c.paths.add(fds.remove(Long.parseLong(args.get(0))));
                break;
            default:
                return;
        }
        calls.add(c);
    }

    /** @return the path {@code quoted} names relative to {@code dirfd}, normalized ({@code dir/.} is {@code dir}) */
    private static String resolve(Descriptors fds, String dirfd, String quoted) {
        String p = unquote(quoted);
        if (p.startsWith("/")) {
            return Path.of(p).normalize().toString();
        }
        String base = dirfd.equals("AT_FDCWD") ? System.getProperty("user.dir") : fds.get(Long.parseLong(dirfd));
        return base == null ? "?/" + p : Path.of(base, p).normalize().toString();
    }

    private static String unquote(String s) {
        return s.startsWith("\"") ? s.substring(1, s.lastIndexOf('"')) : s;
    }

    private static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (ch == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }

    /** @return the calls named {@code name} whose text contains every one of {@code parts} */
    List<Call> find(String name, String... parts) {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) {
            String text = c.toString();
            if (c.name.equals(name) && java.util.Arrays.stream(parts).allMatch(text::contains)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Checks the protocol for one target: temp created exclusively in the target's directory; then, if
     * {@code tempSync}, an fsync/fdatasync of the temp before its close; the rename of the temp over the
     * target; then, if {@code dirSync}, an fsync of the directory after the rename. When a sync is not
     * expected, its absence is checked too.
     *
     * @return the violations found; empty if the trace follows the protocol
     */
    List<String> violations(Path target, boolean tempSync, boolean dirSync) {
        List<String> v = new ArrayList<>();
        String dir = target.getParent().toString();
        String tempPrefix = target + ".tmp.";
        int open = -1;
        for (int i = 0; i < calls.size() && open < 0; i++) {
            Call c = calls.get(i);
            if ((c.name.equals("openat") || c.name.equals("open")) && c.paths.get(0).startsWith(tempPrefix)
                    && c.toString().contains("O_CREAT") && c.toString().contains("O_EXCL") && c.result >= 0) {
                open = i;
            }
        }
        if (open < 0) {
            v.add("no exclusive creation of a temp file " + tempPrefix + "*");
            return v;
        }
        String temp = calls.get(open).paths.get(0);
        int sync = -1;
        int close = -1;
        int rename = -1;
        int dirSyncAt = -1;
        for (int i = open + 1; i < calls.size(); i++) {
            Call c = calls.get(i);
            boolean onTemp = temp.equals(c.paths.get(0));
            if (close < 0 && onTemp && (c.name.equals("fsync") || c.name.equals("fdatasync"))) {
                sync = i;
            } else if (close < 0 && onTemp && c.name.equals("close")) {
                close = i;
            } else if (rename < 0 && c.name.startsWith("rename") && onTemp
                    && c.paths.get(1).equals(target.toString())) {
                rename = i;
            } else if (rename >= 0 && dirSyncAt < 0 && c.name.equals("fsync") && dir.equals(c.paths.get(0))) {
                dirSyncAt = i;
            }
        }
        if (rename < 0) {
            v.add("no rename of " + temp + " over " + target);
        }
        if (tempSync && sync < 0) {
            v.add("temp file not synced before it was closed and renamed");
        }
        if (!tempSync && sync >= 0) {
            v.add("temp file synced although the level asks for no sync");
        }
        if (close < 0 || (rename >= 0 && close > rename)) {
            v.add("temp file not closed before the rename");
        }
        if (dirSync && dirSyncAt < 0) {
            v.add("no fsync of directory " + dir + " after the rename");
        }
        if (!dirSync && dirSyncAt >= 0) {
            v.add("directory synced although the level asks for no directory sync");
        }
        return v;
    }
}
