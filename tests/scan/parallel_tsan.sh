#!/usr/bin/env bash
# The scanner's worker pool under ThreadSanitizer: scans the rule fixtures,
# the examples and the bad-input packages with -j 2 (packages parsed, modelled
# and checked on two threads at once, sharing the precompiled-header cache
# and the runtime push tables) and fails on any TSan report. libclang itself
# is not instrumented; the reports that matter are in cgoguard's own code.
# usage: parallel_tsan.sh CGOGUARD SOURCE_DIR
set -u
cg=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache TMPDIR=$tmp
mkdir -p "$tmp/tmp"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_signal_unsafe=0 ${TSAN_OPTIONS:-}"
cd "$src"
failed=0
for run in "--no-cache" "" ; do # cold, then warm from the cache
  "$cg" scan $run -j 2 ./testdata/rules/... ./examples/... ./testdata/bad/... >"$tmp/out" 2>"$tmp/err"
  status=$?
  if grep -q "ThreadSanitizer" "$tmp/err" || [ "$status" -gt 1 ]; then
    echo "FAIL scan ${run:-(cached)} -j 2: status $status"
    grep -B2 -A30 "WARNING: ThreadSanitizer" "$tmp/err" | head -80
    failed=1
  else
    echo "ok scan ${run:-(cached)} -j 2: $(tail -1 "$tmp/out")"
  fi
done
exit $failed
