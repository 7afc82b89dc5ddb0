#!/usr/bin/env bash
# Runs the whole test suite: `mvn verify` on JDK 25 (contract, crash and strace tests for panama, jna and
# nio, the panama ones against the packaged multi-release jar), then on JDK 17 (jna and nio), then the
# benchmarks' smoke run (benchmarks/smoke.sh).
# Some tests need root (tmpfs and loop mounts, chattr); without it they are skipped with the reason.
set -euo pipefail
cd "$(dirname "$0")"

JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDK17=${JDK17:-$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n 1)}
MVN=(mvn -B -ntp)

for jdk in "$JDK25" "$JDK17"; do
  if [ ! -x "$jdk/bin/java" ]; then
    echo "test.sh: no JDK at $jdk; set JDK25/JDK17" >&2
    exit 1
  fi
done

echo "== JDK 25: $JDK25"
JAVA_HOME="$JDK25" "${MVN[@]}" clean verify
echo "== JDK 17: $JDK17"
JAVA_HOME="$JDK17" "${MVN[@]}" clean verify
echo "== benchmarks: compile and one short iteration of each (timings gate nothing)"
JDK25="$JDK25" benchmarks/smoke.sh
