#!/usr/bin/env bash
# Runs the whole test suite, on JDK 25 (panama, jna and nio; the panama tests against the packaged
# multi-release jar) and then on JDK 17 (jna and nio). On each JDK it builds and installs the three
# artifacts in order, each with its tests: the library (pom.xml: contract, crash and strace tests), the
# crash-test kit (testing/) and the command-line tool (cli/). The JDK 17 build itself compiles with the
# JDK 25 it finds, and its jars are checked to be the JDK 25 build's. After each JDK's builds,
# src/it/consumer/run.sh builds a user's project against the installed jars and runs it on the class
# path and on the module path. Last, the benchmarks' smoke run (benchmarks/smoke.sh).
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

# Lists the tests the last builds skipped, each with its reason.
report_skips() {
  local jdk=$1
  if ! command -v python3 >/dev/null; then
    echo "test.sh: python3 is missing, so skipped tests are not listed (see target/*-reports)"
    return
  fi
  python3 - "$jdk" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
skipped = []
for f in sorted(glob.glob("target/*-reports/TEST-*.xml") + glob.glob("*/target/*-reports/TEST-*.xml")):
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

# Keeps the jars the builds made, to compare them with the next JDK's.
keep_jars() {
  rm -rf "$1" && mkdir -p "$1" && cp target/durafile-*.jar testing/target/durafile-*.jar cli/target/durafile-*.jar "$1"/
}
# Builds, tests and installs the library, then the crash-test kit and the command-line tool against it.
build_all() {
  local jdk=$1
  JAVA_HOME="$jdk" "${MVN[@]}" clean install
  JAVA_HOME="$jdk" "${MVN[@]}" -f testing/pom.xml clean install
  JAVA_HOME="$jdk" "${MVN[@]}" -f cli/pom.xml clean install
}
# The jars built on JDK 17 must hold what the JDK 25 build's hold, entry for entry and byte for byte:
# the build compiles with a JDK 22+ whichever JDK runs Maven. Two exceptions: the manifests differ in the
# two lines that name the JDKs of the build (Build-Jdk-Spec, Build-Tool-Jdk-Spec), and module-info.class,
# which the jar plugin rewrites with the jar tool of the JDK running Maven (adding the packages it
# contains; each JDK's tool orders the constant pool its own way), must describe the same module
# (jar --describe-module).
same_jars() {
  python3 - "$1" "$2" "$JDK25/bin/jar" <<'PY'
import glob, os, re, subprocess, sys, zipfile
a, b, jar_tool = sys.argv[1], sys.argv[2], sys.argv[3]
def module(path):
    out = subprocess.run([jar_tool, "--describe-module", "--file", path], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\n", 1)[1]  # the first line names the jar file
def entries(path):
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in z.namelist():
            data = z.read(name)
            if name == "META-INF/MANIFEST.MF":
                data = re.sub(rb"Build-(Tool-)?Jdk-Spec: [^\r\n]*\r?\n", b"", data)
            out[name] = data
        return out
names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(a, "*.jar")))
assert names, f"no jars in {a}"
bad = 0
for name in names:
    ea, eb = entries(os.path.join(a, name)), entries(os.path.join(b, name))
    diff = sorted(n for n in ea.keys() | eb.keys() if ea.get(n) != eb.get(n))
    if "module-info.class" in diff and "module-info.class" in ea and "module-info.class" in eb:
        ma, mb = module(os.path.join(a, name)), module(os.path.join(b, name))
        if ma == mb:
            diff.remove("module-info.class")
            print(f"test.sh: {name}: module-info.class describes the same module: " + " ".join(ma.split()))
    if diff:
        bad += 1
        print(f"test.sh: {name} differs between the builds in {len(diff)} entries, e.g. {diff[:5]}")
    else:
        print(f"test.sh: {name}: the same {len(ea)} entries from both builds")
sys.exit(1 if bad else 0)
PY
}
built=$(mktemp -d)
trap 'rm -rf "$built"' EXIT

echo "== JDK 25: $JDK25"
build_all "$JDK25"
report_skips "JDK 25"
keep_jars "$built/jdk25"
echo "== a user's project on JDK 25, on the class path and the module path (src/it/consumer)"
src/it/consumer/run.sh "$JDK25"
echo "== JDK 17: $JDK17"
build_all "$JDK17"
report_skips "JDK 17"
keep_jars "$built/jdk17"
echo "== the jars of the JDK 17 build against those of the JDK 25 build"
same_jars "$built/jdk25" "$built/jdk17"
echo "== a user's project on JDK 17, against the jars the JDK 17 build installed"
src/it/consumer/run.sh "$JDK17"
echo "== benchmarks: compile and one short iteration of each (timings gate nothing)"
JDK25="$JDK25" benchmarks/smoke.sh
