#!/usr/bin/env bash
# A package whose analysis crashes does not take the scan down: it becomes a
# CG000 warning, the other packages are reported as usual, and the output is
# the same for any -j and the same as an in-process scan for the others.
# usage: isolation.sh CGOGUARD
set -u
cg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
failures=0 passed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failures=$((failures + 1)); echo "FAIL $1"; }

cd "$tmp"
printf 'module example.com/iso\n\ngo 1.21\n' >go.mod
for p in a b c d; do
  mkdir -p $p
  cat >$p/$p.go <<G
package $p

/*
#include <stdlib.h>
void consume_$p(void *p) { (void)p; }
*/
import "C"

import "unsafe"

func pass(m map[string]int) {
	C.consume_$p(unsafe.Pointer(&m))
}
G
done
scan() { "$cg" scan --go 1.26 --no-cache "$@" ./... 2>"$tmp/err"; }

scan -j 1 >"$tmp/clean1"; s1=$?
CGOGUARD_NO_ISOLATION=1 scan -j 2 >"$tmp/inproc"; s2=$?
scan -j 2 >"$tmp/clean2"; s3=$?
[ $s1 = 1 ] && [ $s2 = 1 ] && [ $s3 = 1 ] && [ "$(grep -c 'CG001' "$tmp/clean1")" = 4 ] &&
  cmp -s "$tmp/clean1" "$tmp/clean2" && cmp -s "$tmp/clean1" "$tmp/inproc" &&
  ok "without a crash: 4 findings, the same in a worker process (-j 1, -j 2) and in process" ||
  fail "clean runs differ: $s1 $s2 $s3 $(diff "$tmp/clean1" "$tmp/inproc" | head -5)"

for j in 1 2; do
  CGOGUARD_TEST_CRASH_PACKAGE=b scan -j $j >"$tmp/crash$j"; st=$?
  if [ $st = 1 ] && grep -q '^b/b.go:1:1: warning: package not analysed: its analysis crashed (Aborted)' "$tmp/crash$j" &&
     [ "$(grep -c 'CG001' "$tmp/crash$j")" = 3 ] && ! grep -q 'b/b.go:.*CG001' "$tmp/crash$j"; then
    ok "-j $j: the crashing package is a CG000, the 3 others are reported"
  else
    fail "-j $j crash: status $st: $(cat "$tmp/crash$j" "$tmp/err" | head -20)"
  fi
done
cmp -s "$tmp/crash1" "$tmp/crash2" && ok "the same output for -j 1 and -j 2" || fail "crash outputs differ: $(diff "$tmp/crash1" "$tmp/crash2")"
grep -v '^b/' "$tmp/clean1" | grep CG001 >"$tmp/others_clean"
grep -v '^b/' "$tmp/crash1" | grep CG001 >"$tmp/others_crash"
cmp -s "$tmp/others_clean" "$tmp/others_crash" && ok "the other packages' findings are unchanged" ||
  fail "others differ: $(diff "$tmp/others_clean" "$tmp/others_crash")"
# Two packages crash, with -j 2 both may be in flight when the worker dies.
CGOGUARD_TEST_CRASH_PACKAGE=c scan -j 2 >"$tmp/crashc"; st=$?
[ $st = 1 ] && [ "$(grep -c 'package not analysed' "$tmp/crashc")" = 1 ] && grep -q '^c/c.go:1:1: warning: package not analysed' "$tmp/crashc" &&
  ok "another package crashing: only it is a CG000" || fail "crash c: $(cat "$tmp/crashc" | head)"
left=$(find "$TMPDIR" -mindepth 1 | head -3)
[ -z "$left" ] && ok "no temporary file left by the dead workers" || fail "left behind: $left"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
