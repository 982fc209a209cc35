#!/usr/bin/env bash
# check_crash.sh: runs one crashing (or not crashing) program under the crash
# guard and checks what the issue promises: the report names the faulting C
# function and source line, the classification and the thread, it is also
# written as JSON to CGOGUARD_REPORT, and the process still dies the way it
# would without the guard (same exit status / signal), with Go's traceback
# when Go reports.
#
# usage: check_crash.sh [options] -- command args...
#   --src FILE            source that marks the faulting line with CG-LINE(<mode>)
#   --mode MODE           the CG-LINE marker to look up
#   --func NAME           function the backtrace must name at that line
#   --class ID            expected classification ("cause: ID:")
#   --signal NAME         the process must die by this signal (SEGV, ABRT...)
#   --status N            ... or exit with this status
#   --known yes|no        expected "known to the Go runtime" answer
#   --expect TEXT         stderr/stdout must contain TEXT (repeatable)
#   --no-report           no crash report may appear
#   --plain VAR=VALUE     run again with VAR=VALUE and no LD_PRELOAD (the
#                         program without the guard): status must be the same
set -u
src="" mode="" func="" class="" sig="" status="" known="" no_report=0 plain=""
expects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --src) src=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --func) func=$2; shift 2 ;;
    --class) class=$2; shift 2 ;;
    --signal) sig=$2; shift 2 ;;
    --status) status=$2; shift 2 ;;
    --known) known=$2; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --no-report) no_report=1; shift ;;
    --plain) plain=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "check_crash: unknown option $1" >&2; exit 2 ;;
  esac
done
fail() { echo "FAIL: $*" >&2; echo "---- output ----" >&2; cat "$out" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt
report=$tmp/report.json
export CGOGUARD_REPORT=$report
ulimit -c 0
"$@" >"$out" 2>&1
rc=$?

if [ -n "$sig" ]; then
  [ "$rc" -gt 128 ] || fail "expected death by SIG$sig, got exit status $rc"
  got=$(kill -l $((rc - 128)))
  [ "$got" = "$sig" ] || fail "expected death by SIG$sig, got SIG$got (status $rc)"
fi
if [ -n "$status" ]; then
  [ "$rc" -eq "$status" ] || fail "expected exit status $status, got $rc"
fi
for e in "${expects[@]+"${expects[@]}"}"; do
  grep -qF -- "$e" "$out" || fail "output lacks: $e"
done

if [ "$no_report" = 1 ]; then
  grep -q "==cgoguard==" "$out" && fail "unexpected crash report"
  [ -s "$report" ] && fail "unexpected JSON report"
  exit 0
fi

grep -q "==cgoguard== CRASH\|==cgoguard== ERROR" "$out" || fail "no crash report on stderr"
if [ -n "$class" ]; then
  grep -q "==cgoguard== cause: $class:" "$out" || grep -q "==cgoguard== ERROR: $class " "$out" ||
    fail "classification is not $class"
  grep -q "\"classification\":\"$class\"" "$report" || fail "JSON report lacks classification $class"
fi
if [ -n "$src" ]; then
  line=$(grep -n "CG-LINE($mode)" "$src" | head -1 | cut -d: -f1)
  [ -n "$line" ] || { echo "check_crash: no CG-LINE($mode) in $src" >&2; exit 2; }
  base=$(basename "$src")
  grep -Eq "==cgoguard== +#[0-9]+ 0x[0-9a-f]+ in $func at [^ ]*$base:$line( |\$)" "$out" ||
    fail "backtrace does not name $func at $base:$line"
  grep -q "\"function\":\"$func\",\"file\":\"[^\"]*$base\",\"line\":$line" "$report" ||
    fail "JSON report does not name $func at $base:$line"
fi
if [ -n "$known" ]; then
  grep -q "known to the Go runtime: $known " "$out" || fail "thread is not reported as known to Go: $known"
  grep -q "\"known_to_go\":\"$known\"" "$report" || fail "JSON thread.known_to_go is not $known"
fi
[ "$(grep -c '"cgoguard":"crash-report"' "$report")" = 1 ] || fail "expected exactly one JSON report"

if [ -n "$plain" ]; then
  # The same program without the guard must end the same way.
  env -u LD_PRELOAD -u CGOGUARD_REPORT "$plain" "$@" >"$tmp/plain.txt" 2>&1
  prc=$?
  [ "$prc" -eq "$rc" ] || fail "exit status $rc differs from $prc without the guard"
  grep -q "==cgoguard==" "$tmp/plain.txt" && fail "the plain run still had the guard"
fi
exit 0
