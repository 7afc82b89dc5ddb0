#!/usr/bin/env bash
# Builds this consumer project with the JDK given (default $JAVA_HOME) against the durafile installed in
# ~/.m2, then runs it the ways a user would and checks each outcome:
#   - on the class path and on the module path, with the backend each way must choose (panama on JDK 22+
#     with native access, by ALL-UNNAMED or by the module's name; jna on JDK 17-21, on the module path
#     with --add-modules com.sun.jna); without those flags, java.nio and a WARN/INFO line that names the
#     flag for the path durafile is on;
#   - on the module path, dev.durafile.internal does not compile (the module exports only its API);
#   - on JDK 22+, a Flight Recorder recording holds a dev.durafile.Write event for each write;
#   - its own test, a crash test with durafile-testing, passes in the build (and catches an in-place save).
# Exits non-zero on the first check that fails, printing the run's output.
set -euo pipefail
cd "$(dirname "$0")"
jdk=${1:-${JAVA_HOME:?give a JDK}}
java=$jdk/bin/java
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
echo "consumer: JDK $feature ($jdk)"
build() {
  JAVA_HOME=$jdk mvn -o -q -B -Dstyle.color=never "$@" || JAVA_HOME=$jdk mvn -q -B -ntp -Dstyle.color=never "$@"
}
build clean package
tests=$(sed -n 's/^Tests run: \([0-9]*\), Failures: 0, Errors: 0, Skipped: 0.*/\1/p' target/surefire-reports/example.app.StateFileCrashTest.txt)
if [ "$tests" != 2 ]; then
  echo "consumer: crash test: FAILED, expected 2 passing tests:"; cat target/surefire-reports/example.app.StateFileCrashTest.txt
  exit 1
fi
echo "consumer: crash test with durafile-testing: ok ($tests tests)"
app=target/durafile-consumer-1.jar
libs=target/libs
cp="$app:$(printf '%s:' "$libs"/*.jar)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0

# check NAME [must=TEXT|mustnot=TEXT]... -- JAVA_ARGS...: runs the app into a fresh directory.
check() {
  local name=$1; shift
  local conds=()
  while [ "$1" != -- ]; do conds+=("$1"); shift; done
  shift
  n=$((n + 1))
  local out
  if ! out=$("$java" "$@" "$work/$n" 2>&1); then
    printf 'consumer: %s: FAILED (exit status)\n%s\n' "$name" "$out"
    exit 1
  fi
  for c in "${conds[@]}"; do
    case $c in
      must=*) grep -qF -- "${c#must=}" <<< "$out" || { printf 'consumer: %s: FAILED, no "%s" in:\n%s\n' "$name" "${c#must=}" "$out"; exit 1; } ;;
      mustnot=*) ! grep -qF -- "${c#mustnot=}" <<< "$out" || { printf 'consumer: %s: FAILED, "%s" in:\n%s\n' "$name" "${c#mustnot=}" "$out"; exit 1; } ;;
    esac
  done
  echo "consumer: $name: ok ($(grep -m1 '^backend=' <<< "$out"))"
}
main=example.app/example.app.Main
if [ "$feature" -ge 22 ]; then
  check "class path, native access" must=backend=panama must=module=null mustnot=WARNING -- \
    --enable-native-access=ALL-UNNAMED -cp "$cp" example.app.Main
  check "module path, native access by module name" must=backend=panama must=module=dev.durafile mustnot=WARNING -- \
    --enable-native-access=dev.durafile -p "$app:$libs" -m "$main"
  if [ "$feature" -ge 24 ]; then
    check "module path, no native access" must=backend=nio must=WARN must=--enable-native-access=dev.durafile \
      mustnot=ALL-UNNAMED -- -p "$app:$libs" -m "$main"
  fi
  check "module path, recording" must=backend=panama -- -XX:StartFlightRecording=filename="$work/rec.jfr" \
    --enable-native-access=dev.durafile -p "$app:$libs" -m "$main"
  events=$("$jdk/bin/jfr" print --events dev.durafile.Write "$work/rec.jfr")
  writes=$(grep -c 'target = ".*state\.txt"' <<< "$events" || true)
  if [ "$writes" != 2 ]; then
    printf 'consumer: recording: FAILED, %s dev.durafile.Write events for state.txt, not 2:\n%s\n' "$writes" "$events"
    exit 1
  fi
  echo "consumer: recording: ok (2 dev.durafile.Write events for state.txt)"
else
  check "class path" must=backend=jna must=module=null -- -cp "$cp" example.app.Main
  check "module path, JNA added" must=backend=jna must=module=dev.durafile -- \
    --add-modules com.sun.jna -p "$app:$libs" -m "$main"
  check "module path, JNA not added" must=backend=nio must=WARN "must=--add-modules com.sun.jna" -- -p "$app:$libs" -m "$main"
fi
mkdir -p "$work/probe"
if out=$("$jdk/bin/javac" -d "$work/probe" -p "$libs" $(find probe -name '*.java') 2>&1); then
  echo "consumer: probe: FAILED, code using dev.durafile.internal compiled on the module path"
  exit 1
fi
grep -qF "package dev.durafile.internal is not visible" <<< "$out" || { printf 'consumer: probe: FAILED:\n%s\n' "$out"; exit 1; }
echo "consumer: probe: ok (dev.durafile.internal is not visible to other modules)"
