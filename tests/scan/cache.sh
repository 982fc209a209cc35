#!/usr/bin/env bash
# The result cache and the worker pool never change the output: byte-identical
# for any -j and with or without the cache; a second run on an unchanged tree
# analyses nothing; any change to a package's files or to a header outside the
# package (an -I directory) makes that package be analysed again; a corrupt
# entry is ignored and rewritten; concurrent runs share the cache safely.
# usage: cache.sh CGOGUARD SOURCE_DIR
set -u
cg=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
failures=0 passed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failures=$((failures + 1)); echo "FAIL $1"; }

# A small tree: the CG001 fixture, the examples, and a package whose preamble
# includes a header from a directory outside the package.
mkdir -p "$tmp/tree/inc" "$tmp/tree/withinc"
cp -r "$src/testdata/rules/CG001/basic" "$tmp/tree/basic"
cp -r "$src/examples/mapcache" "$src/examples/imaging" "$tmp/tree/"
cat >"$tmp/tree/inc/api.h" <<'H'
void consume(void *p);
H
cat >"$tmp/tree/withinc/pkg.go" <<'G'
package withinc

// #cgo CFLAGS: -I${SRCDIR}/../inc
// #include "api.h"
import "C"

import "unsafe"

func pass(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
G
cd "$tmp/tree"
scan() { "$cg" scan --stats "$@" ./... 2>"$tmp/stats"; }
packages() { sed -n 's/^cgoguard: \([0-9]*\) packages (\([0-9]*\) from the cache).*/\1 \2/p' "$tmp/stats"; }

scan -j2 >"$tmp/cold"
[ "$(packages)" = "4 0" ] && ok "cold run analyses all 4 packages" || fail "cold: $(cat "$tmp/stats")"
scan -j2 >"$tmp/warm"
[ "$(packages)" = "4 4" ] && ok "warm run takes all 4 from the cache" || fail "warm: $(cat "$tmp/stats")"
cmp -s "$tmp/cold" "$tmp/warm" && ok "warm output identical" || fail "warm output differs"
scan -j1 --no-cache >"$tmp/j1"
cmp -s "$tmp/cold" "$tmp/j1" && ok "-j1 --no-cache output identical" || fail "-j1 output differs"
scan -j4 --no-cache >"$tmp/j4"
cmp -s "$tmp/cold" "$tmp/j4" && ok "-j4 output identical" || fail "-j4 output differs"
grep -q "withinc/pkg.go:10:12: error" "$tmp/cold" && ok "the -I header was found" || fail "withinc finding missing"

echo "// an edit" >>basic/safe.go
scan >"$tmp/edit"
[ "$(packages)" = "4 3" ] && ok "an edited Go file re-analyses its package only" || fail "edit: $(cat "$tmp/stats")"

echo "void consume(void *p); /* changed */" >inc/api.h
touch -d '2001-01-01' inc/api.h
scan >"$tmp/header"
[ "$(packages)" = "4 3" ] && ok "a changed header outside the package re-analyses it" || fail "header: $(cat "$tmp/stats")"

entry=$(grep -l "withinc" -r "$XDG_CACHE_HOME/cgoguard" | head -1)
printf 'garbage' >"$entry"
scan >"$tmp/corrupt"
[ "$(packages)" = "4 3" ] && ok "a corrupt entry is a miss" || fail "corrupt: $(cat "$tmp/stats")"
cmp -s "$tmp/cold" "$tmp/corrupt" && ok "output identical after corruption" || fail "corrupt output differs"
scan >/dev/null
[ "$(packages)" = "4 4" ] && ok "the corrupt entry was rewritten" || fail "rewrite: $(cat "$tmp/stats")"

rm -rf "$XDG_CACHE_HOME"
for i in 1 2 3 4; do "$cg" scan ./... >"$tmp/par$i" 2>/dev/null & done
wait
same=1
for i in 1 2 3 4; do cmp -s "$tmp/cold" "$tmp/par$i" || same=0; done
[ $same = 1 ] && ok "4 concurrent runs on one cache agree" || fail "concurrent runs differ"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
