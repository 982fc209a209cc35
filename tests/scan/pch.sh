#!/usr/bin/env bash
# The C front-end's precompiled include blocks (src/cfront/cfront.c) change
# nothing but speed: the reports of the fixtures, the examples, the bad-input
# packages and a tree built to stress the reuse rules are byte-identical with
# and without them (CGOGUARD_NO_PCH=1), at -j 1 and -j 2; blocks are really
# shared (CGOGUARD_DEBUG_PCH=1 says so), also across packages; a package
# whose directory shadows a header of a shared block does not use it; a
# header read only through a .pch still invalidates the result cache; no
# .pch file is left behind.
# usage: pch.sh CGOGUARD SOURCE_DIR
set -u
cg=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
failures=0 passed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failures=$((failures + 1)); echo "FAIL $1"; }

# A tree: three packages with the same system block (one starts with a
# licence comment), one whose directory holds its own "stdint.h", one with
# a missing header in the block, one whose block reaches an -I header.
mkdir -p "$tmp/tree"
cd "$tmp/tree"
for p in a b c; do
  mkdir -p $p
  for f in one two three; do
    cat >$p/$f.go <<G
package $p

/*
// Licence: the block may start with comments.
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

struct holder_$f { int *p; };
static void keep_$f(void *p) { static void *kept; kept = p; }
*/
import "C"

import "unsafe"

func pass_$f(m map[int]int) {
	C.keep_$f(unsafe.Pointer(&m))
}

func leak_$f(s string) {
	C.keep_$f(unsafe.Pointer(C.CString(s)))
}
G
  done
  cat >$p/impl.c <<C
/* impl.c of package $p:
 * a licence header over several lines. */
#include <stdlib.h>
#include <string.h>
int impl_$p(const char *s) { return (int)strlen(s); }
C
done
mkdir -p shadow
cp a/*.go a/impl.c shadow/
sed -i 's/^package a$/package shadow/' shadow/*.go
# The package's own stdint.h: with -I<package dir> first it is the one read.
cat >shadow/stdint.h <<'H'
#ifndef SHADOW_STDINT
#define SHADOW_STDINT
typedef struct { int *p; } shadow_only_t;
void shadow_only(void *p);
#endif
H
cat >>shadow/one.go <<'G'

func shadowCall(m map[int]int) {
	C.shadow_only(unsafe.Pointer(&m))
}
G
# More shadowing packages. Packages are analysed largest first, so a
# shadowing package (the largest) meets the block a second time and builds
# it: a .pch holding its own stdint.h must not be shared with a, b and c
# (they must still get a clean one), and the package tries only once.
for d in 0shadow1 0shadow2; do
  mkdir -p $d
  cp shadow/*.go shadow/stdint.h $d/
  sed -i "s/^package shadow$/package s$d/; s/^package s0/package s/" $d/*.go
done
mkdir -p missing
for f in one two three; do
  sed 's/^package a$/package missing/; s/#include <string.h>/#include <no_such_header_cg.h>/' a/$f.go >missing/$f.go
done
mkdir -p inc withinc
echo 'void inc_keep(void *p);' >inc/api.h
for f in one two three; do
  cat >withinc/$f.go <<G
package withinc

// #cgo CFLAGS: -I\${SRCDIR}/../inc
// #include <stdlib.h>
// #include <api.h>
import "C"

import "unsafe"

func pass_$f(m map[int]int) {
	C.inc_keep(unsafe.Pointer(&m))
}
G
done

compare() { # name dir...
  local name=$1
  shift
  for j in 1 2; do
    CGOGUARD_NO_PCH=1 "$cg" scan --no-cache --go 1.26 --format=json -j $j "$@" >"$tmp/plain.json" 2>"$tmp/plain.err"
    CGOGUARD_DEBUG_PCH=1 "$cg" scan --no-cache --go 1.26 --format=json -j $j "$@" >"$tmp/pch.json" 2>"$tmp/pch.err"
    grep -v '^cgoguard: pch: ' "$tmp/pch.err" >"$tmp/pch.err.rest"
    if cmp -s "$tmp/plain.json" "$tmp/pch.json" && cmp -s "$tmp/plain.err" "$tmp/pch.err.rest"; then
      ok "$name -j $j: identical with and without .pch ($(grep -c 'pch: used' "$tmp/pch.err") units used one)"
    else
      fail "$name -j $j: output differs with .pch"
      diff "$tmp/plain.json" "$tmp/pch.json" | head -20
    fi
  done
}

compare "stress tree" ./...
CGOGUARD_DEBUG_PCH=1 "$cg" scan --no-cache -j 1 ./... >/dev/null 2>"$tmp/debug"
built=$(grep -c 'pch: built' "$tmp/debug")
used_b=$(grep -c 'pch: used for b/' "$tmp/debug")
[ "$built" -ge 1 ] && [ "$used_b" -ge 3 ] && ok "blocks are shared across packages ($built built, b used $used_b)" ||
  fail "no sharing: built $built, b used $used_b"
# (its impl.c block, stdlib.h and string.h, reads no stdint.h: sharing that one is right)
grep -q 'pch: used for shadow/.*\.go' "$tmp/debug" && fail "the shadowing package used a shared block" ||
  ok "a package that shadows a header of the block does not use it"
[ "$(grep -c 'not shared, reads its own directory: ' "$tmp/debug")" = 1 ] && ! grep -q 'used for 0shadow' "$tmp/debug" &&
  ok "a shadowing package that meets a block first neither uses nor shares it" ||
  fail "0shadow2 built a shared block or used one"
grep -q 'shadow/one.go.*CG001' <("$cg" scan --no-cache ./shadow 2>/dev/null) && ok "the shadowing header's declarations are seen" ||
  fail "shadow_only unknown: $("$cg" scan --no-cache ./shadow 2>&1 | head -5)"
grep -q 'pch: used for missing/' "$tmp/debug" && fail "a block with a missing header was precompiled" ||
  ok "a block with a missing header is parsed whole"
grep -q 'pch: used for withinc/' "$tmp/debug" && ok "a block with an -I header is shared within its package" ||
  fail "withinc used no .pch"

# A snapshot, so that both runs read the same files.
mkdir -p "$tmp/snap"
cp -r "$src/testdata/rules" "$src/examples" "$src/testdata/bad" "$tmp/snap/"
cd "$tmp/snap"
compare "rule fixtures" ./rules/...
compare "examples" ./examples/...
compare "bad input" ./bad/...
cd "$tmp/tree"

# Headers read only through a .pch are still dependencies of the cache.
"$cg" scan --stats ./withinc >/dev/null 2>"$tmp/stats"
"$cg" scan --stats ./withinc >/dev/null 2>"$tmp/stats"
grep -q "1 packages (1 from the cache)" "$tmp/stats" && ok "warm run uses the cache" || fail "warm: $(cat "$tmp/stats")"
echo 'void inc_keep(void *p); /* changed */' >inc/api.h
touch -d '2001-01-01' inc/api.h
"$cg" scan --stats ./withinc >/dev/null 2>"$tmp/stats"
grep -q "1 packages (0 from the cache)" "$tmp/stats" && ok "a header read through the .pch invalidates the cache" ||
  fail "header change not seen: $(cat "$tmp/stats")"

# An output pipe that closes early kills the scan with SIGPIPE, after the
# temporary files are gone; an interrupted scan removes them on the way out.
cd "$tmp/snap"
"$cg" scan --no-cache ./rules/... 2>/dev/null | head -1 >/dev/null
left=$(find "$TMPDIR" -mindepth 1 | head -5)
[ -z "$left" ] && ok "nothing left after | head -1" || fail "left behind by | head -1: $left"
rm -rf "${TMPDIR:?}"/*
"$cg" scan --no-cache -j 2 ./rules/... ./examples/... >/dev/null 2>&1 &
scan_pid=$!
for _ in $(seq 1 100); do [ -n "$(find "$TMPDIR" -name '*.pch*' -o -name 'block-*' | head -1)" ] && break; sleep 0.05; done
kill -INT $scan_pid 2>/dev/null
wait $scan_pid
status=$?
left=$(find "$TMPDIR" -mindepth 1 | head -5)
if [ $status = 130 ]; then
  [ -z "$left" ] && ok "nothing left after SIGINT" || fail "left behind by SIGINT: $left"
else
  ok "nothing left after SIGINT (the scan ended first, status $status)"
fi
rm -rf "${TMPDIR:?}"/*

# The runs above and below leave nothing either.
"$cg" scan --stats ./rules/CG001/... >/dev/null 2>&1
left=$(find "$TMPDIR" -mindepth 1 | head -5)
[ -z "$left" ] && ok "no .pch file left in TMPDIR" || fail "left behind: $left"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
