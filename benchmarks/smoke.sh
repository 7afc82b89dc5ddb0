#!/usr/bin/env bash
# durafile benchmarks smoke test, for CI: builds the library and the benchmarks, builds and runs the C
# floor once, then runs every JMH benchmark with every parameter for one 100 ms iteration (sizes
# 1 KiB only, no warm-up, in-process). Exits non-zero only if a build or a benchmark fails; the
# timings mean nothing and gate nothing. 25-50 s on 2 cores (the longer with a cold build).
#
#   benchmarks/smoke.sh
#
# Environment: JDK25 (a JDK 22+, for the panama backend; default /usr/lib/jvm/temurin-25-jdk-amd64),
# DURAFILE_BENCH_DIR (a real disk, default /var/tmp/durafile-bench), DURAFILE_BENCH_TMPFS (tmpfs,
# default /dev/shm/durafile-bench), DURAFILE_MVN_LOCK (the shared build lock, default
# /tmp/durafile-mvn.lock; only the Maven builds hold it).
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh
JAVA=$JDK25/bin/java
if [ ! -x "$JAVA" ]; then
  echo "smoke.sh: no JDK at $JDK25; set JDK25 to a JDK 22 or later" >&2
  exit 1
fi
start=$SECONDS

mvn_build() {
  # Offline first; online only if something is missing from ~/.m2. Maven's own guava uses
  # sun.misc.Unsafe, which JDK 24+ warns about.
  JAVA_HOME=$JDK25 flock "$LOCK" mvn -o -q -B "$@" || JAVA_HOME=$JDK25 flock "$LOCK" mvn -q -B -ntp "$@"
}
echo "== building the library and the benchmarks (JDK 25)"
(cd "$ROOT" && mvn_build install -Dmaven.test.skip=true)
mvn_build -f "$BENCH/pom.xml" package

echo "== C floor"
gcc -O2 -Wall -Wextra -Werror -pthread -o "$BENCH/target/floor" "$ROOT/native/floor.c"
mkdir -p "$DURAFILE_BENCH_DIR"
floor_dir=$(mktemp -d "$DURAFILE_BENCH_DIR/floor-XXXXXX")
trap 'rm -rf "$floor_dir"' EXIT
"$BENCH/target/floor" -d "$floor_dir" -s 1024 -n 3 -w 1 -m direct,direct_fsync,none,atomic,durable,bare_none,bare_atomic,bare_durable > /dev/null
"$BENCH/target/floor" -d "$floor_dir" -t 4 -T 0.2 -s 4096 -m durable > /dev/null
echo "== C batch floor"
gcc -O2 -Wall -Wextra -Werror -pthread -o "$BENCH/target/batch" "$ROOT/native/batch.c"
"$BENCH/target/batch" "$floor_dir" 10 1 > /dev/null

echo "== every benchmark, one short iteration"
flags=(--enable-native-access=ALL-UNNAMED)
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  flags+=(--sun-misc-unsafe-memory-access=allow)
fi
"$JAVA" "${flags[@]}" -jar "$BENCH/target/benchmarks.jar" -f 0 -wi 0 -i 1 -r 100ms -p size=1024 -foe true \
  -rf json -rff "$BENCH/target/smoke.json"
echo "smoke.sh: every benchmark ran, in $((SECONDS - start)) s"
