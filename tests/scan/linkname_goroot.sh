#!/usr/bin/env bash
# CG014 says what the installed Go's linker does with a //go:linkname pull of
# a runtime symbol, from that Go's own runtime sources (src/model/goroot.h):
# runtime.gcount is not pushed (the linker refuses it, as
# testdata/repro/CG014_linkname shows), runtime.nanotime is pushed for
# compatibility (it links); with --go, or when GOROOT has no runtime sources,
# the finding keeps the version-independent wording.
# usage: linkname_goroot.sh CGOGUARD SOURCE_DIR GO
set -u
cg=$1 src=$2 go=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache CGOGUARD_GO=$go
failures=0 passed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failures=$((failures + 1)); echo "FAIL $1"; }
minor=$("$go" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')

mkdir -p "$tmp/pushed"
cat >"$tmp/pushed/main.go" <<'G'
package main

import "C"

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() { println(nanotime()) }
G

out=$("$cg" scan --no-cache "$src/testdata/repro/CG014_linkname/linked" 2>&1)
echo "$out" | grep -q "the installed Go 1.$minor refuses to link it (\"link: <package>: invalid reference to runtime.gcount\")" &&
  ok "gcount: the installed linker refuses it" || fail "gcount: $out"

out=$("$cg" scan --no-cache "$tmp/pushed" 2>&1)
echo "$out" | grep -q "the installed Go 1.$minor still links it only because its runtime pushes the symbol for compatibility (//go:linkname nanotime in runtime/time_nofake.go)" &&
  ok "nanotime: pushed by time_nofake.go" || fail "nanotime: $out"

out=$("$cg" scan --no-cache --go 1.$minor "$tmp/pushed" 2>&1)
echo "$out" | grep -q "unless the runtime keeps the symbol linkname-able for compatibility" &&
  ok "--go: no GOROOT, the general wording" || fail "--go: $out"

# A Go whose GOROOT has no runtime sources.
cat >"$tmp/fakego" <<G
#!/bin/sh
printf 'go1.$minor.0\n$tmp/empty-goroot\n'
G
chmod +x "$tmp/fakego"
out=$(CGOGUARD_GO=$tmp/fakego "$cg" scan --no-cache "$tmp/pushed" 2>&1)
echo "$out" | grep -q "unless the runtime keeps the symbol linkname-able for compatibility" &&
  ok "unreadable runtime sources: the general wording" || fail "no sources: $out"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
