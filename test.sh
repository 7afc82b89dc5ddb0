#!/usr/bin/env bash
# Runs the whole test suite: `mvn verify` on JDK 25 (contract, crash and strace tests for panama, jna and
# nio, the panama ones against the packaged multi-release jar), then on JDK 17 (jna and nio), then the
# benchmarks' smoke run (benchmarks/smoke.sh).
# It first installs what the tests need, where it runs as root with apt. Some tests need root (tmpfs and
# loop mounts, chattr); without it they are skipped, and every skipped test is listed with its reason.
set -euo pipefail
cd "$(dirname "$0")"

JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDK17=${JDK17:-$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n 1)}
MVN=(mvn -B -ntp)

# What the tests need: strace for the syscall and crash tests, xfsprogs, btrfs-progs and bindfs for the
# file-system matrix, acl for the default-ACL tests, util-linux's unshare and setpriv for the tests
# without /proc and as another user, python3-fusepy for the FUSE file system whose close fails. As root
# with apt they are installed; otherwise the tests that need them are skipped, and listed at the end.
need=()
command -v strace >/dev/null || need+=(strace)
command -v chattr >/dev/null || need+=(e2fsprogs)
command -v mvn >/dev/null || need+=(maven)
command -v gcc >/dev/null || need+=(gcc)
command -v mkfs.xfs >/dev/null || need+=(xfsprogs)
command -v mkfs.btrfs >/dev/null || need+=(btrfs-progs)
command -v bindfs >/dev/null || need+=(bindfs)
command -v e2fsck >/dev/null || need+=(e2fsprogs)
command -v setfacl >/dev/null || need+=(acl)
command -v unshare >/dev/null || need+=(util-linux)
command -v setpriv >/dev/null || need+=(util-linux)
/usr/bin/python3 -c "import fusepy" 2>/dev/null || /usr/bin/python3 -c "import fuse" 2>/dev/null || need+=(python3-fusepy)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "test.sh: not installing ${need[*]} (that needs root and apt-get): the tests that need them are skipped"
  fi
fi

# Lists the tests the last `mvn verify` skipped, each with its reason.
report_skips() {
  local jdk=$1
  if ! command -v python3 >/dev/null; then
    echo "test.sh: python3 is missing, so skipped tests are not listed (see target/*-reports)"
    return
  fi
  python3 - "$jdk" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
skipped = []
for f in sorted(glob.glob("target/surefire-reports/TEST-*.xml") + glob.glob("target/failsafe-reports/TEST-*.xml")):
    for case in ET.parse(f).getroot().iter("testcase"):
        s = case.find("skipped")
        if s is not None:
            skipped.append(f"  {case.get('classname')}.{case.get('name')}: {s.get('message') or 'no reason given'}")
print(f"test.sh: on {sys.argv[1]}, {len(skipped)} tests skipped" + (":" if skipped else ""))
for line in skipped:
    print(line)
PY
}

for jdk in "$JDK25" "$JDK17"; do
  if [ ! -x "$jdk/bin/java" ]; then
    echo "test.sh: no JDK at $jdk; set JDK25/JDK17" >&2
    exit 1
  fi
done

echo "== JDK 25: $JDK25"
JAVA_HOME="$JDK25" "${MVN[@]}" clean verify
report_skips "JDK 25"
echo "== JDK 17: $JDK17"
JAVA_HOME="$JDK17" "${MVN[@]}" clean verify
report_skips "JDK 17"
echo "== benchmarks: compile and one short iteration of each (timings gate nothing)"
JDK25="$JDK25" benchmarks/smoke.sh
