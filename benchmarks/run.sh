#!/usr/bin/env bash
# durafile benchmarks: one command that builds the library and the JMH benchmarks, builds the C floor,
# runs the whole suite on JDK 25 (panama, jna and nio backends) and prints the budget report
# (atomic-write overhead, flush, rename and ten-jobs latency).
#
#   benchmarks/run.sh                        # the full run: about 10 minutes on 2 cores
#   DURAFILE_BENCH_QUICK=1 benchmarks/run.sh # a 2-minute dry run of the pipeline; numbers meaningless
#
# Steps:
#   1. mvn install of the library (tests skipped) on JDK 25, so the multi-release jar has the Panama
#      backend; mvn package of benchmarks/ into benchmarks/target/benchmarks.jar. Offline (-o) first;
#      online only if ~/.m2 lacks something.
#   2. gcc -O2 native/floor.c into benchmarks/target/floor, native/batch.c into benchmarks/target/batch.
#   3. For each size (1 KiB, 64 KiB, 1 MiB): the C floor, WriteBenchmark at that size, the C floor again,
#      all on the same disk, so each Java/C ratio comes from the same minutes (the report uses the mean
#      of the two floor medians and shows how far they drift apart). Then FlushLatencyBenchmark,
#      RenameLatencyBenchmark, TenJobsBenchmark, ConcurrentWritersBenchmark between two runs of the C floor's
#      16-thread mode (threads-c-before.jsonl, threads-c-after.jsonl), BatchBenchmark and the C batch floor
#      (batch-c-10.json, batch-c-100.json: the transaction's protocol in C), WriteBenchmark on tmpfs between
#      two runs of the C floor on tmpfs (the CPU cost of a write, which the disk's noise cannot hide),
#      FreshThreadBenchmark and CallOverheadBenchmark. WriteBenchmark runs with -prof gc (heap per write).
#   4. Writes benchmarks/results/: the JMH JSON files, floor-*.json, machine.json, report.md and
#      overhead.png (report.py; the chart needs matplotlib: Debian python3-matplotlib), and prints the
#      report. To record a run, copy results/report.md into RESULTS.md and add what the numbers mean.
#
# The whole run holds the lock file $DURAFILE_MVN_LOCK, which every Maven build in this tree takes, so
# no build runs during the measurements. Do not wrap this script in another flock on the same file.
# Budgets never change the exit status: it is non-zero only if a build or a benchmark fails.
#
# Environment:
#   JDK25                 a JDK 22+ to build and run on (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   DURAFILE_BENCH_DIR    where durability benchmarks and the C floor write: a real disk, not tmpfs
#                         (default /var/tmp/durafile-bench)
#   DURAFILE_BENCH_TMPFS  where the call-overhead benchmark writes: tmpfs (default /dev/shm/durafile-bench)
#   DURAFILE_MVN_LOCK     the shared build lock (default /tmp/durafile-mvn.lock)
#   DURAFILE_BENCH_QUICK  1 for the dry run (results in benchmarks/target/quick-results)
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh
SIZES=(1024 65536 1048576)

if [ "${DURAFILE_BENCH_QUICK:-0}" = 1 ]; then
  RESULTS=$BENCH/target/quick-results
  FLOOR_ARGS=(-n 20 -w 2)
  FLOOR_TMPFS_ARGS=(-n 200 -w 20)
  WRITE=(-wi 0 -i 1 -r 200ms)
  LATENCY=(-wi 0 -i 1 -r 200ms)
  TEN_JOBS=(-wi 0 -i 1 -r 500ms)
  THROUGHPUT=(-wi 0 -i 1 -r 200ms)
  CALLS=(-wi 0 -i 1 -r 200ms)
  TMPFS_WRITE=(-wi 0 -i 1 -r 200ms)
  FRESH=(-wi 0 -i 1 -r 200ms)
  BATCH=(-wi 0 -i 1 -r 500ms)
  BATCH_C_OPERATIONS=2
  THREADS_C_SECONDS=0.5
else
  RESULTS=$BENCH/results
  FLOOR_ARGS=(-n 200 -w 20)
  FLOOR_TMPFS_ARGS=(-n 20000 -w 2000)
  WRITE=(-wi 2 -w 1s -i 3 -r 1s)
  LATENCY=(-wi 1 -w 1s -i 3 -r 2s)
  TEN_JOBS=(-wi 2 -w 1s -i 3 -r 3s)
  THROUGHPUT=(-wi 1 -w 1s -i 3 -r 1s)
  CALLS=(-wi 2 -w 500ms -i 3 -r 500ms)
  TMPFS_WRITE=(-wi 1 -w 1s -i 3 -r 1s)
  FRESH=(-wi 1 -w 500ms -i 3 -r 1s)
  BATCH=(-wi 1 -w 2s -i 3 -r 3s)
  BATCH_C_OPERATIONS=30
  THREADS_C_SECONDS=5
fi
SETTINGS="JMH -f 1, JDK 25 with --enable-native-access=ALL-UNNAMED; C floor ${FLOOR_ARGS[*]}, on tmpfs\
 ${FLOOR_TMPFS_ARGS[*]} (gcc -O2);\
 WriteBenchmark ${WRITE[*]}; Flush/RenameLatency ${LATENCY[*]}; TenJobs ${TEN_JOBS[*]};\
 ConcurrentWriters ${THROUGHPUT[*]} (C threads -T $THREADS_C_SECONDS s); WriteBenchmark on tmpfs\
 ${TMPFS_WRITE[*]}; FreshThread ${FRESH[*]}; CallOverhead ${CALLS[*]}; Batch ${BATCH[*]}"

JAVA=$JDK25/bin/java
if [ ! -x "$JAVA" ]; then
  echo "run.sh: no JDK at $JDK25; set JDK25 to a JDK 22 or later" >&2
  exit 1
fi
mkdir -p "$DURAFILE_BENCH_DIR"
if [ "$(findmnt -n -o FSTYPE -T "$DURAFILE_BENCH_DIR")" = tmpfs ]; then
  echo "run.sh: $DURAFILE_BENCH_DIR is on tmpfs, where fsync does nothing; set DURAFILE_BENCH_DIR" >&2
  exit 1
fi
PYTHON=python3
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null && "$py" -c "import matplotlib" 2>/dev/null; then
    PYTHON=$py
    break
  fi
done

exec 9>"$LOCK"
if ! flock -n 9; then
  echo "run.sh: waiting for $LOCK (a build is running)"
  flock 9
fi
start=$SECONDS
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

mvn_build() {
  # Offline first; online only if something is missing from ~/.m2. Maven's own guava uses
  # sun.misc.Unsafe, which JDK 24+ warns about.
  JAVA_HOME=$JDK25 mvn -o -q -B "$@" || JAVA_HOME=$JDK25 mvn -q -B -ntp "$@"
}
echo "== building the library and the benchmarks (JDK 25)"
(cd "$ROOT" && mvn_build install -Dmaven.test.skip=true)
mvn_build -f "$BENCH/pom.xml" package
JAR=$BENCH/target/benchmarks.jar
echo "== building the C floor"
gcc -O2 -Wall -Wextra -Werror -pthread -o "$BENCH/target/floor" "$ROOT/native/floor.c"
gcc -O2 -Wall -Wextra -Werror -pthread -o "$BENCH/target/batch" "$ROOT/native/batch.c"

HOST_FLAGS=(--enable-native-access=ALL-UNNAMED)
# JDK 24+: JMH uses sun.misc.Unsafe; allow it quietly. The forks inherit the host's flags.
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  HOST_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
fi
# the files of the previous run go; results/extra (runs recorded by hand) stays
mkdir -p "$RESULTS"
find "$RESULTS" -maxdepth 1 -type f -delete
jmh() {
  local out=$1
  shift
  "$JAVA" "${HOST_FLAGS[@]}" -jar "$JAR" "$@" -f 1 -foe true -rf json -rff "$RESULTS/$out"
}

floor() {
  local base=$1 out=$2
  shift 2
  mkdir -p "$base"
  local dir
  dir=$(mktemp -d "$base/floor-XXXXXX")
  "$BENCH/target/floor" -d "$dir" "$@" > "$RESULTS/$out"
  rm -rf "$dir"
  cat "$RESULTS/$out"
}

for size in "${SIZES[@]}"; do
  echo "== C floor, $size bytes (before)"
  floor "$DURAFILE_BENCH_DIR" "floor-$size-before.json" -s "$size" "${FLOOR_ARGS[@]}"
  echo "== WriteBenchmark, $size bytes"
  jmh "write-$size.json" WriteBenchmark -p size="$size" "${WRITE[@]}" -prof gc
  echo "== C floor, $size bytes (after)"
  floor "$DURAFILE_BENCH_DIR" "floor-$size-after.json" -s "$size" "${FLOOR_ARGS[@]}"
done
echo "== FlushLatencyBenchmark"
jmh flush.json FlushLatencyBenchmark "${LATENCY[@]}"
echo "== RenameLatencyBenchmark"
jmh rename.json RenameLatencyBenchmark "${LATENCY[@]}"
echo "== TenJobsBenchmark"
jmh tenjobs.json TenJobsBenchmark "${TEN_JOBS[@]}"
threads_c() {
  local out=$1
  : > "$RESULTS/$out"
  for mode in durable direct_fsync; do
    floor "$DURAFILE_BENCH_DIR" "$out.$mode" -t 16 -T "$THREADS_C_SECONDS" -s 4096 -m "$mode"
    cat "$RESULTS/$out.$mode" >> "$RESULTS/$out"
    rm "$RESULTS/$out.$mode"
  done
}
echo "== C floor, 16 threads (before)"
threads_c threads-c-before.jsonl
echo "== ConcurrentWritersBenchmark"
jmh threads.json ConcurrentWritersBenchmark "${THROUGHPUT[@]}"
echo "== C floor, 16 threads (after)"
threads_c threads-c-after.jsonl
echo "== BatchBenchmark (a transaction of N files against N sequential writes)"
jmh batch.json BatchBenchmark "${BATCH[@]}"
for files in 10 100; do
  echo "== C batch floor, $files files"
  batch_dir=$(mktemp -d "$DURAFILE_BENCH_DIR/batch-XXXXXX")
  "$BENCH/target/batch" "$batch_dir" "$files" "$BATCH_C_OPERATIONS" > "$RESULTS/batch-c-$files.json"
  rm -rf "$batch_dir"
  cat "$RESULTS/batch-c-$files.json"
done
TMPFS_FLOOR_MODES=(-s 1024,65536 -m direct,none,atomic,durable,bare_none,bare_atomic,bare_durable)
echo "== C floor on tmpfs (before): the CPU and syscall cost of a write, without the disk"
floor "$DURAFILE_BENCH_TMPFS" tmpfs-floor-before.json "${TMPFS_FLOOR_MODES[@]}" "${FLOOR_TMPFS_ARGS[@]}"
echo "== WriteBenchmark on tmpfs"
jmh write-tmpfs.json WriteBenchmark -p on=tmpfs -p size=1024,65536 \
  -p writer=PANAMA_NONE,PANAMA_ATOMIC,PANAMA_DURABLE,JNA_NONE,JNA_ATOMIC,JNA_DURABLE,NIO_NONE,NIO_ATOMIC,NIO_DURABLE \
  "${TMPFS_WRITE[@]}" -prof gc
echo "== C floor on tmpfs (after)"
floor "$DURAFILE_BENCH_TMPFS" tmpfs-floor-after.json "${TMPFS_FLOOR_MODES[@]}" "${FLOOR_TMPFS_ARGS[@]}"
echo "== FreshThreadBenchmark"
jmh fresh.json FreshThreadBenchmark "${FRESH[@]}" -prof gc
echo "== CallOverheadBenchmark"
jmh calls.json CallOverheadBenchmark "${CALLS[@]}"

"$PYTHON" "$BENCH/report.py" machine --dir "$DURAFILE_BENCH_DIR" --java "$JAVA" \
  --load-before "$load_before" --settings "$SETTINGS" > "$RESULTS/machine.json"
"$PYTHON" "$BENCH/report.py" report "$RESULTS"
echo "run.sh: done in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s; results in $RESULTS"
