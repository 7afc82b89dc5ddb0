#!/usr/bin/env python3
"""The budget report of durafile's benchmarks (atomic-write overhead, flush, rename and ten-jobs latency), computed from one run's results.

    report.py machine --dir DIR --java JAVA [--load-before L] [--settings S] > results/machine.json
    report.py report results/                                         # the report, from the JSON files

`report` reads the JMH JSON files (write-SIZE.json, write-tmpfs.json, flush.json, rename.json,
tenjobs.json, threads.json, batch.json, fresh.json, calls.json), the C floor's floor-SIZE-before.json,
floor-SIZE-after.json, tmpfs-floor-before.json, tmpfs-floor-after.json, threads-c-before.jsonl and
threads-c-after.jsonl, and machine.json from one run, prints the
report in Markdown, writes it to results/report.md and draws results/overhead.png (needs matplotlib;
without it the chart is skipped with a warning). Budgets never change the exit status: timings do not
gate anything. Medians are JMH's p50 of all samples (SampleTime) and the C floor's median.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

SIZES = [1024, 65536, 1048576]
BACKENDS = ["panama", "jna", "nio"]
LEVELS = ["NONE", "ATOMIC", "DURABLE"]
# What each durafile level is compared with: a direct write at the same durability.
BASELINES = {"NONE": ("FILES_WRITE", "Files.write"), "ATOMIC": ("FILES_WRITE_FORCE", "write + force(true)")}
FLOOR_MODES = {"NONE": "none", "ATOMIC": "atomic", "DURABLE": "durable",
               "FILES_WRITE": "direct", "FILES_WRITE_FORCE": "direct_fsync"}

OVERHEAD_BUDGET = 0.20        # atomic write overhead, files under 1 MiB
OVERHEAD_SIZE_LIMIT = 1048576  # the overhead budget applies to sizes below this
FLUSH_P99_BUDGET_US = 10_000
RENAME_P99_BUDGET_US = 1_000
TEN_JOBS_BUDGET_MS = 500
FLOOR_RATIO_BUDGET = 1.05     # "within a few percent" of C making the same syscalls
NIO_FLOOR_RATIO_BUDGET = 1.30  # java.nio cannot make the same syscalls, so it gets more room
TMPFS_SIZES = [1024, 65536]   # where the tmpfs write benchmark runs
ALLOCATION_BUDGET = 512       # bytes of heap per write

BENCH = "dev.durafile.bench."


def size_name(size):
    return f"{size // 1048576} MiB" if size >= 1048576 else f"{size // 1024} KiB"


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(args):
    """Describes the machine, the benchmark directory's file system, the JDK and the run, as JSON on stdout."""
    meminfo = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, value = line.split(":", 1)
            meminfo[key] = value.strip()
    cpu = ""
    for line in run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    source, fstype, options = (run(["findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "-T", args.dir]).split() + ["?"] * 3)[:3]
    device = os.path.basename(source)
    rotational = run(["cat", f"/sys/block/{device}/queue/rotational"])
    scheduler = run(["cat", f"/sys/block/{device}/queue/scheduler"])
    java = subprocess.run([args.java, "-version"], capture_output=True, text=True, check=False).stderr.splitlines()
    with open("/proc/loadavg") as f:
        load_after = " ".join(f.read().split()[:3])
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node(),
        "kernel": platform.release(),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory": meminfo.get("MemTotal", "?"),
        "bench_dir": args.dir,
        "device": source,
        "filesystem": fstype,
        "mount_options": options,
        "disk": ("rotational" if rotational == "1" else "non-rotational" if rotational == "0" else "?")
                + (f", scheduler {scheduler}" if scheduler else ""),
        "jdk": java[1] if len(java) > 1 else " ".join(java),
        "load_before": args.load_before,
        "load_after": load_after,
        "settings": args.settings,
    }
    json.dump(info, sys.stdout, indent=2)
    print()


class Results:
    """The JMH results and the C floor of one run."""

    def __init__(self, directory):
        self.jmh = []
        self.floor_runs = {}  # "before" / "after" -> (mode, size) -> the floor's result
        self.floor_tmpfs = {}  # "before" / "after" -> (mode, size) -> the floor's result on tmpfs
        self.threads_c = {}  # "before" / "after" -> mode -> the threaded floor's result
        self.machine = {}
        for name in sorted(os.listdir(directory)):
            if name.startswith("threads-c-") and name.endswith(".jsonl"):
                with open(os.path.join(directory, name)) as f:
                    self.threads_c[name[len("threads-c-"):-len(".jsonl")]] = {
                        r["mode"]: r for r in map(json.loads, filter(str.strip, f))}
                continue
            if not name.endswith(".json"):
                continue
            with open(os.path.join(directory, name)) as f:
                data = json.load(f)
            if name == "machine.json":
                self.machine = data
            elif name.startswith("tmpfs-floor-"):
                self.floor_tmpfs[name[len("tmpfs-floor-"):-len(".json")]] = {
                    (r["mode"], r["size"]): r for r in data["results"]}
            elif name.startswith("floor-"):
                run = self.floor_runs.setdefault(name.rsplit("-", 1)[1][:-len(".json")], {})
                run.update({(r["mode"], r["size"]): r for r in data["results"]})
            elif isinstance(data, list):
                self.jmh.extend(data)

    def result(self, benchmark, **params):
        """The one JMH result of `benchmark` with these params, or None."""
        for r in self.jmh:
            if r["benchmark"] == BENCH + benchmark and all(r["params"].get(k) == str(v) for k, v in params.items()):
                return r
        return None

    def find(self, benchmark, **params):
        """The primary metric of the one result of `benchmark` with these params, or None."""
        r = self.result(benchmark, **params)
        return r and r["primaryMetric"]

    def allocated(self, benchmark, **params):
        """Bytes allocated per operation (JMH -prof gc), or None."""
        r = self.result(benchmark, **params)
        return r and r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")

    def pct(self, benchmark, p, **params):
        m = self.find(benchmark, **params)
        return m["scorePercentiles"][p] if m else None

    def p50(self, benchmark, **params):
        return self.pct(benchmark, "50.0", **params)

    def write_p50(self, writer, size, on="disk"):
        return self.p50("WriteBenchmark.write", writer=writer, size=size, on=on)

    def tmpfs_floor_p50(self, mode, size):
        """The C floor's median on tmpfs: the mean of the runs before and after the JMH one."""
        values = [r[(mode, size)]["p50"] for r in self.floor_tmpfs.values() if (mode, size) in r]
        return sum(values) / len(values) if values else None

    def threads_c_rate(self, mode):
        """The threaded C floor's writes per second: the mean of the runs before and after the JMH one."""
        values = [r[mode]["writes_per_s"] for r in self.threads_c.values() if mode in r]
        return sum(values) / len(values) if values else None

    def floor_p50(self, mode, size, run=None):
        """The C floor's median; without `run`, the mean of the runs before and after the JMH one."""
        values = [r[(mode, size)]["p50"] for name, r in self.floor_runs.items()
                  if (mode, size) in r and run in (None, name)]
        return sum(values) / len(values) if values else None

    def floor_p99(self, mode, size):
        values = [r[(mode, size)]["p99"] for r in self.floor_runs.values() if (mode, size) in r]
        return max(values) if values else None

    def jdk(self):
        for r in self.jmh:
            return f"{r['vmName']} {r['jdkVersion']} ({r['vmVersion']}), fork args: {' '.join(r['jvmArgs'])}"
        return "?"


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(ok):
    return "PASS" if ok else "FAIL"


def fmt_pct(r):
    return "n/a" if r is None else f"{(r - 1) * 100:+.0f}%"


def fmt_x(r):
    return "n/a" if r is None else f"{r:.2f}x"


def fmt_us(us):
    return "n/a" if us is None else f"{us:,.0f}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def budget_rows(res):
    """One row per budget and size: the value for each backend with PASS/FAIL, and the limit."""
    rows = []
    failures = []

    def cell(value, ok, shown, what):
        if value is None:
            return "n/a"
        if ok is None:
            return f"{shown} (info)"
        if not ok:
            failures.append(what)
        return f"{shown} {verdict(ok)}"

    for level, (baseline, label) in BASELINES.items():
        for size in SIZES:
            cells = []
            for b in BACKENDS:
                r = ratio(res.write_p50(f"{b.upper()}_{level}", size), res.write_p50(baseline, size))
                applies = size < OVERHEAD_SIZE_LIMIT
                ok = (r - 1 < OVERHEAD_BUDGET) if (r is not None and applies) else None
                cells.append(cell(r, ok, fmt_pct(r), f"{level} overhead {b} {size_name(size)}"))
            limit = "< +20%" if size < OVERHEAD_SIZE_LIMIT else "none (1 MiB is not under 1 MiB)"
            rows.append([f"{level} vs {label}, p50 overhead", size_name(size)] + cells + [limit])
    for bench, budget, name in (("FlushLatencyBenchmark.fdatasync", FLUSH_P99_BUDGET_US, "Flush (fdatasync of the temp) p99"),
                                ("RenameLatencyBenchmark.rename", RENAME_P99_BUDGET_US, "Rename p99")):
        for size in SIZES:
            cells = []
            for b in BACKENDS:
                v = res.pct(bench, "99.0", backend=b, size=size)
                cells.append(cell(v, v is not None and v < budget, f"{fmt_us(v)} µs", f"{name} {b} {size_name(size)}"))
            rows.append([name, size_name(size)] + cells + [f"< {budget:,} µs"])
    cells = []
    for b in BACKENDS:
        m = res.find("TenJobsBenchmark.tenJobs", backend=b)
        if m is None:
            cells.append("n/a")
            continue
        p50, p99 = m["scorePercentiles"]["50.0"], m["scorePercentiles"]["99.0"]
        cells.append(cell(p50, p50 < TEN_JOBS_BUDGET_MS, f"{p50:.0f} ms (p99 {p99:.0f})", f"10 jobs {b}"))
    rows.append(["10 jobs x 2 DURABLE writes, batch wall time p50", "~150 B"] + cells + [f"< {TEN_JOBS_BUDGET_MS} ms"])
    for level in LEVELS:
        for size in SIZES:
            cells = []
            for b in BACKENDS:
                r = ratio(res.write_p50(f"{b.upper()}_{level}", size), res.floor_p50(FLOOR_MODES[level], size))
                cells.append(cell(r, r is not None and r <= FLOOR_RATIO_BUDGET, fmt_x(r),
                                  f"C floor {level} {b} {size_name(size)}"))
            rows.append([f"Java / C floor at {level}, p50", size_name(size)] + cells + ["<= 1.05x"])
    for level in LEVELS:
        for size in TMPFS_SIZES:
            cells = []
            for b in BACKENDS:
                r = ratio(res.write_p50(f"{b.upper()}_{level}", size, on="tmpfs"),
                          res.tmpfs_floor_p50(FLOOR_MODES[level], size))
                limit = FLOOR_RATIO_BUDGET if b != "nio" else NIO_FLOOR_RATIO_BUDGET
                cells.append(cell(r, r is not None and r <= limit, fmt_x(r), f"C floor tmpfs {level} {b} {size_name(size)}"))
            rows.append([f"Java / C floor at {level} on tmpfs (no disk), p50", size_name(size)] + cells
                        + [f"<= {FLOOR_RATIO_BUDGET:.2f}x (nio <= {NIO_FLOOR_RATIO_BUDGET:.2f}x)"])
    for size in TMPFS_SIZES:
        cells = []
        for b in BACKENDS:
            worst = max((a for a in (res.allocated("WriteBenchmark.write", writer=f"{b.upper()}_{l}", size=size, on=o)
                                     for l in LEVELS for o in ("disk", "tmpfs")) if a is not None), default=None)
            cells.append(cell(worst, worst is not None and worst <= ALLOCATION_BUDGET, f"{worst:,.0f} B" if worst is not None else "",
                              f"allocation {b} {size_name(size)}"))
        rows.append(["Heap allocated per write, most of any level (-prof gc)", size_name(size)] + cells
                    + [f"<= {ALLOCATION_BUDGET} B"])
    c16 = res.threads_c_rate("durable")
    cells = []
    for b in BACKENDS:
        m = res.find("ConcurrentWritersBenchmark.threads16", backend=b)
        r = ratio(m and m["score"], c16)
        cells.append(cell(r, r is not None and r >= 1, fmt_x(r), f"16 threads {b}"))
    rows.append(["16 threads DURABLE, writes/s against 16 C threads making the same calls", "4 KiB"] + cells + [">= 1.00x"])
    return rows, failures


def write_table(res):
    writers = (["FILES_WRITE", "FILES_WRITE_FORCE"] + [f"{b.upper()}_{l}" for b in BACKENDS for l in LEVELS]
               + ["PANAMA_ANONYMOUS", "JNA_ANONYMOUS", "KAFKA", "ZOOKEEPER"])
    rows = []
    for w in writers:
        cells = []
        for size in SIZES:
            m = res.find("WriteBenchmark.write", writer=w, size=size, on="disk")
            cells.append("n/a" if m is None else f"{fmt_us(m['scorePercentiles']['50.0'])} / {fmt_us(m['scorePercentiles']['99.0'])}")
        rows.append([w] + cells)
    for mode in FLOOR_MODES.values():
        rows.append([f"C floor: {mode}"] + [f"{fmt_us(res.floor_p50(mode, s))} / {fmt_us(res.floor_p99(mode, s))}"
                                            for s in SIZES])
    return table(["Writer", "1 KiB p50 / p99 (µs)", "64 KiB p50 / p99 (µs)", "1 MiB p50 / p99 (µs)"], rows)


def drift_table(res):
    """The C floor's medians just before and just after the JMH run of each size: the disk's own noise."""
    rows = []
    for mode in FLOOR_MODES.values():
        cells = []
        for s in SIZES:
            before, after = res.floor_p50(mode, s, "before"), res.floor_p50(mode, s, "after")
            cells.append(f"{fmt_us(before)} -> {fmt_us(after)} ({fmt_pct(ratio(after, before))})")
        rows.append([mode] + cells)
    return table(["C floor mode"] + [f"{size_name(s)} p50 before -> after (µs)" for s in SIZES], rows)


def baseline_table(res):
    """The direct writes against C doing the same: what the JVM and the harness cost by themselves."""
    rows = []
    for writer, label in (("FILES_WRITE", "Files.write / C direct"),
                          ("FILES_WRITE_FORCE", "write + force(true) / C direct + fsync")):
        rows.append([label] + [fmt_x(ratio(res.write_p50(writer, s), res.floor_p50(FLOOR_MODES[writer], s)))
                               for s in SIZES])
    return table(["Direct write, p50 ratio"] + [size_name(s) for s in SIZES], rows)


def peer_table(res):
    rows = []
    durafile = "PANAMA"
    for size in SIZES:
        kafka, zk = res.write_p50("KAFKA", size), res.write_p50("ZOOKEEPER", size)
        durable, atomic = res.write_p50(f"{durafile}_DURABLE", size), res.write_p50(f"{durafile}_ATOMIC", size)
        plain, none = res.write_p50("FILES_WRITE", size), res.write_p50(f"{durafile}_NONE", size)
        rows.append([size_name(size),
                     f"{fmt_us(kafka)} / {fmt_us(durable)} = {fmt_x(ratio(kafka, durable))}",
                     f"{fmt_us(zk)} / {fmt_us(atomic)} = {fmt_x(ratio(zk, atomic))}",
                     f"{fmt_us(plain)} / {fmt_us(none)} = {fmt_x(ratio(plain, none))}"])
    return table(["Size", "Kafka atomicMoveWithFallback / durafile DURABLE",
                  "ZooKeeper AtomicFileOutputStream / durafile ATOMIC", "Files.write / durafile NONE"], rows)


def latency_table(res, bench):
    rows = []
    for size in SIZES:
        for b in BACKENDS:
            m = res.find(bench, backend=b, size=size)
            if m is None:
                continue
            p = m["scorePercentiles"]
            rows.append([size_name(size), b, fmt_us(p["50.0"]), fmt_us(p["99.0"]), fmt_us(p["99.9"]),
                         fmt_us(p["100.0"]), len_samples(m)])
    return table(["Size", "Backend", "p50 (µs)", "p99 (µs)", "p99.9 (µs)", "max (µs)", "samples"], rows)


def len_samples(metric):
    return sum(count for iteration in metric.get("rawDataHistogram", []) for bucket in iteration
               for _, count in bucket)


def threads_table(res):
    rows = []
    c16 = res.threads_c_rate("durable")
    for b in BACKENDS:
        for threads in ("01", "04", "16"):
            m = res.find(f"ConcurrentWritersBenchmark.threads{threads}", backend=b)
            if m is None:
                continue
            rows.append([b, int(threads), f"{m['score']:,.0f}",
                         fmt_x(ratio(m["score"], c16)) if threads == "16" else ""])
    inplace = res.find("ConcurrentWritersBenchmark.threads16", backend="inplace")
    if inplace:
        rows.append(["Java in place (FileChannel write + force)", 16, f"{inplace['score']:,.0f}",
                     fmt_x(ratio(inplace["score"], res.threads_c_rate("direct_fsync"))) + " of C in place"])
    for mode, label in (("durable", "C, durafile's calls"), ("direct_fsync", "C, in-place write + fsync")):
        values = [f"{r[mode]['writes_per_s']:,.0f}" for r in res.threads_c.values() if mode in r]
        if values:
            rows.append([label, 16, " / ".join(values) + " (before / after)", ""])
    return table(["Writer", "Threads", "writes/s", "against C at 16 threads"], rows)


def tmpfs_table(res):
    """Writes on tmpfs, where no disk time hides the CPU: medians and allocation next to the C floor."""
    rows = []
    for b in BACKENDS:
        for level in LEVELS:
            cells = []
            for size in TMPFS_SIZES:
                w = f"{b.upper()}_{level}"
                p50, c = res.write_p50(w, size, on="tmpfs"), res.tmpfs_floor_p50(FLOOR_MODES[level], size)
                a = res.allocated("WriteBenchmark.write", writer=w, size=size, on="tmpfs")
                cells.append(f"{'n/a' if p50 is None else f'{p50:.2f}'} / {'n/a' if c is None else f'{c:.2f}'}"
                             f" = {fmt_x(ratio(p50, c))}, {'n/a' if a is None else f'{a:,.0f}'} B")
            rows.append([w] + cells)
    return table(["Writer"] + [f"{size_name(s)}: p50 durafile / C (µs) = ratio, heap per write" for s in TMPFS_SIZES],
                 rows)


def allocation_table(res):
    """Heap bytes per write of every writer on the disk (JMH -prof gc)."""
    writers = (["FILES_WRITE", "FILES_WRITE_FORCE"] + [f"{b.upper()}_{l}" for b in BACKENDS for l in LEVELS]
               + ["PANAMA_ANONYMOUS", "JNA_ANONYMOUS", "KAFKA", "ZOOKEEPER"])
    rows = []
    for w in writers:
        values = [res.allocated("WriteBenchmark.write", writer=w, size=s, on="disk") for s in SIZES]
        if any(v is not None for v in values):
            rows.append([w] + ["n/a" if v is None else f"{v:,.0f}" for v in values])
    return table(["Writer"] + [f"{size_name(s)} (B/write)" for s in SIZES], rows)


def fresh_table(res):
    """Nanoseconds per write as the writing thread timed it: reused, new platform and new virtual threads."""
    rows = []
    for b in BACKENDS + ["files"]:
        cells = []
        reused = None
        for kind in ("reused", "platform", "virtual"):
            r = res.result(f"FreshThreadBenchmark.{kind}", backend=b)
            aux = r and r.get("secondaryMetrics", {})
            ns = aux and aux["writeNanos"]["score"] / aux["writes"]["score"] if aux and aux.get("writes", {}).get("score") else None
            reused = ns if kind == "reused" else reused
            shown = "n/a" if ns is None else f"{ns:,.0f}"
            if kind != "reused" and ns is not None:
                shown += f" ({fmt_x(ratio(ns, reused))})"
            alloc = res.allocated(f"FreshThreadBenchmark.{kind}", backend=b)
            cells.append(shown + ("" if alloc is None else f", {alloc:,.0f} B"))
        if any(c != "n/a" for c in cells):
            rows.append([b] + cells)
    return table(["Backend (files: Files.write, the control)", "reused thread (ns per write, heap per op)",
                  "new platform thread", "new virtual thread"], rows)


def calls_table(res):
    rows = []
    for call in ("fdatasync", "fchmod", "unlinkAbsent", "writeNone"):
        values = {b: res.find(f"CallOverheadBenchmark.{call}", backend=b) for b in BACKENDS}
        if not any(values.values()):
            continue
        cells = ["n/a" if values[b] is None else f"{values[b]['score']:,.0f}" for b in BACKENDS]
        p, j = values["panama"], values["jna"]
        rows.append([call] + cells + [fmt_x(ratio(p and p["score"], j and j["score"]))])
    return table(["Call (tmpfs)", "panama (ns)", "jna (ns)", "nio (ns)", "panama / jna"], rows)


def chart(res, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: matplotlib is missing (Debian: apt-get install python3-matplotlib); no chart",
              file=sys.stderr)
        return False
    panels = [
        ("NONE vs Files.write", lambda w, s: ratio(res.write_p50(f"{w}_NONE", s), res.write_p50("FILES_WRITE", s)),
         BACKENDS, OVERHEAD_BUDGET),
        ("ATOMIC vs write + force(true)",
         lambda w, s: ratio(res.write_p50(w if w == "ZOOKEEPER" else f"{w}_ATOMIC", s), res.write_p50("FILES_WRITE_FORCE", s)),
         BACKENDS + ["zookeeper"], OVERHEAD_BUDGET),
        ("DURABLE vs the C floor (durable)",
         lambda w, s: ratio(res.write_p50(w if w == "KAFKA" else f"{w}_DURABLE", s), res.floor_p50("durable", s)),
         BACKENDS + ["kafka"], FLOOR_RATIO_BUDGET - 1),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), sharey=False)
    colors = {"panama": "#1f77b4", "jna": "#ff7f0e", "nio": "#2ca02c", "zookeeper": "#9467bd", "kafka": "#8c564b"}
    for ax, (title, value, writers, budget) in zip(axes, panels):
        width = 0.8 / len(writers)
        for i, w in enumerate(writers):
            ys = [value(w.upper(), s) for s in SIZES]
            xs = [k + (i - (len(writers) - 1) / 2) * width for k in range(len(SIZES))]
            bars = ax.bar(xs, [0 if y is None else (y - 1) * 100 for y in ys], width, label=w, color=colors[w])
            for bar, y in zip(bars, ys):
                if y is not None:
                    ax.annotate(f"{(y - 1) * 100:+.0f}%", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                ha="center", va="bottom" if y >= 1 else "top", fontsize=7)
        ax.axhline(budget * 100, color="red", linestyle="--", linewidth=1, label=f"budget +{budget * 100:.0f}%")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_xticks(range(len(SIZES)))
        ax.set_xticklabels([size_name(s) for s in SIZES])
        ax.set_title(title)
        ax.set_ylabel("median (p50) overhead, %")
        ax.legend(fontsize=8)
    m = res.machine
    fig.suptitle(f"durafile write overhead by size and backend: {m.get('date', '?')}, {m.get('nproc', '?')} cores, "
                 f"{m.get('filesystem', '?')} on {m.get('device', '?')}, shared machine")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def report(args):
    res = Results(args.results)
    if not res.jmh:
        sys.exit(f"report.py: no JMH results in {args.results}")
    m = res.machine
    lines = ["# durafile benchmark report", ""]
    lines += table(["", ""], [
        ["Date", m.get("date", "?")],
        ["Machine", f"{m.get('nproc', '?')} cores ({m.get('cpu', '?')}), {m.get('memory', '?')} RAM, "
                    f"kernel {m.get('kernel', '?')}; shared with other engineers' builds and tests"],
        ["Load average (1, 5, 15 min) before / after", f"{m.get('load_before', '?')} / {m.get('load_after', '?')}"],
        ["Benchmark directory", f"{m.get('bench_dir', '?')}: {m.get('filesystem', '?')} on {m.get('device', '?')} "
                                f"({m.get('disk', '?')}), mount options {m.get('mount_options', '?')}"],
        ["JDK", res.jdk()],
        ["Settings", m.get("settings", "?")],
    ])
    rows, failures = budget_rows(res)
    lines += ["", "## Budgets", ""]
    lines += table(["Budget", "Size", "panama", "jna", "nio", "Limit"], rows)
    lines += ["", f"{len(failures)} budget cells FAIL." if failures else "All budgets PASS."]
    lines += ["", "## Write latency (WriteBenchmark and the C floor, µs per write)", ""]
    lines += write_table(res)
    lines += ["", "The direct writes against C making the same calls (no budget; the JVM's own cost):", ""]
    lines += baseline_table(res)
    lines += ["", "The C floor just before and just after the JMH run of each size (same calls, minutes apart):",
              ""]
    lines += drift_table(res)
    lines += ["", "## Peers (p50 ratio; above 1.00x durafile is faster)", ""]
    lines += peer_table(res)
    lines += ["", "## Flush latency: fdatasync of the temp alone (FlushLatencyBenchmark)", ""]
    lines += latency_table(res, "FlushLatencyBenchmark.fdatasync")
    lines += ["", "## Rename latency: rename over the target alone (RenameLatencyBenchmark)", ""]
    lines += latency_table(res, "RenameLatencyBenchmark.rename")
    lines += ["", "## 10 concurrent jobs x 2 DURABLE writes (TenJobsBenchmark, ms per batch)", ""]
    ten = []
    for b in BACKENDS:
        t = res.find("TenJobsBenchmark.tenJobs", backend=b)
        if t:
            p = t["scorePercentiles"]
            ten.append([b, f"{p['50.0']:.1f}", f"{p['99.0']:.1f}", f"{p['100.0']:.1f}", len_samples(t)])
    lines += table(["Backend", "p50 (ms)", "p99 (ms)", "max (ms)", "batches"], ten)
    lines += ["", "## DURABLE 4 KiB writes into one directory (ConcurrentWritersBenchmark and 16 C threads)", ""]
    lines += threads_table(res)
    lines += ["", "## Writes on tmpfs (WriteBenchmark -p on=tmpfs and the C floor on tmpfs)", ""]
    lines += tmpfs_table(res)
    lines += ["", "## Heap allocated per write on the disk (WriteBenchmark, -prof gc)", ""]
    lines += allocation_table(res)
    lines += ["", "## A write from a new thread (FreshThreadBenchmark, tmpfs, 1 KiB at NONE)", ""]
    lines += fresh_table(res)
    lines += ["", "## Call overhead on tmpfs (CallOverheadBenchmark, ns per call)", ""]
    lines += calls_table(res)
    if chart(res, os.path.join(args.results, "overhead.png")):
        lines += ["", "![Overhead by size and backend](results/overhead.png)"]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.results, "report.md"), "w") as f:
        f.write(text)
    print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("machine", help="describe this machine as JSON")
    p.add_argument("--dir", required=True, help="the benchmark directory")
    p.add_argument("--java", required=True, help="the java executable the benchmarks run on")
    p.add_argument("--load-before", default="?", help="the load average when the run started")
    p.add_argument("--settings", default="?", help="the JMH and C floor settings of the run")
    p.set_defaults(func=machine)
    p = sub.add_parser("report", help="print the budget report and draw the chart")
    p.add_argument("results", help="the results directory of one run")
    p.set_defaults(func=report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
