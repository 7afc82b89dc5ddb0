# Sourced by run.sh and smoke.sh: the settings both share (see their headers for the variables).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
export DURAFILE_BENCH_DIR=${DURAFILE_BENCH_DIR:-/var/tmp/durafile-bench}
export DURAFILE_BENCH_TMPFS=${DURAFILE_BENCH_TMPFS:-/dev/shm/durafile-bench}
LOCK=${DURAFILE_MVN_LOCK:-/tmp/durafile-mvn.lock}
