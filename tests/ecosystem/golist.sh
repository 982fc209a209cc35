#!/usr/bin/env bash
# Package loading through the go command: import-path patterns, --deps (the
# cgo packages of the module's dependencies, never the standard library),
# the build's tags (--tags and GOFLAGS), GOOS, CGO_CPPFLAGS/CGO_CFLAGS,
# nested modules, "did you mean DIR/...?", and the directory walk when no
# go command answers.
# usage: golist.sh CGOGUARD GO
set -u
cgoguard=$1 go=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off CGOGUARD_GO=$go
unset GOOS GOARCH CGO_CFLAGS CGO_CPPFLAGS
fail=0
expect() { # expect WHAT WANT GOT
  if [ "$2" != "$3" ]; then echo "FAIL $1: want $2, got $3"; fail=1; else echo "ok $1 ($3)"; fi
}
# files ARGS...: the distinct files with findings, one per line, sorted
files() { "$cgoguard" scan --format=json "$@" 2>"$tmp/err" | sed -n 's/^      "file": "\(.*\)",$/\1/p' | sort -u | tr '\n' ' '; }
status() { "$cgoguard" scan "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }

leak() { # leak FILE PACKAGE [BUILD-LINE]: a cgo file with one CG008 finding
  { [ -n "${3:-}" ] && printf '%s\n\n' "$3"
    printf 'package %s\n\n// #include <stdlib.h>\n// #include <stdio.h>\nimport "C"\n\n' "$2"
    printf 'func Leak%s(s string) { C.puts(C.CString(s)) }\n' "$(basename "$1" .go | tr -cd 'a-zA-Z')"; } >"$1"
}
# The dependency: a module of its own, required and replaced by a path.
mkdir -p "$tmp/dep/cdep" "$tmp/dep/pure"
printf 'module example.com/dep\n\ngo 1.21\n' >"$tmp/dep/go.mod"
leak "$tmp/dep/cdep/cdep.go" cdep
printf 'package pure\n\nfunc P() int { return 1 }\n' >"$tmp/dep/pure/pure.go"

m=$tmp/m
mkdir -p "$m/a" "$m/tagged" "$m/osonly" "$m/inc" "$m/flags" "$m/nested/inner" "$m/testdata/x"
printf 'module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n' >"$m/go.mod"
leak "$m/a/a.go" a
cat >"$m/a/deps.go" <<'GO'
package a

import (
	_ "example.com/dep/cdep"
	_ "example.com/dep/pure"
	_ "net"
)
GO
leak "$m/tagged/plain.go" tagged
leak "$m/tagged/extra.go" tagged '//go:build extra'
leak "$m/osonly/os_freebsd.go" osonly
printf 'package osonly\n' >"$m/osonly/doc.go"
printf '#define FLAGS_OK 1\n' >"$m/inc/needed.h"
cat >"$m/flags/flags.go" <<'GO'
package flags

/*
#include <stdio.h>
#include "needed.h"
*/
import "C"

func Flags(s string) { C.puts(C.CString(s)) }
GO
printf 'module example.com/nested\n\ngo 1.21\n' >"$m/nested/go.mod"
leak "$m/nested/inner/inner.go" inner
leak "$m/testdata/x/x.go" x
cd "$m" || exit 2

all="a/a.go flags/flags.go nested/inner/inner.go tagged/plain.go "
expect "./... in a module (go list; nested module too; no testdata, no tagged file)" "$all" "$(files ./...)"
expect "import path pattern example.com/m/..." "a/a.go flags/flags.go tagged/plain.go " "$(files example.com/m/...)"
expect "import path of one package" "a/a.go " "$(files example.com/m/a)"
expect "--tags extra" "tagged/extra.go tagged/plain.go " "$(files --tags extra ./tagged)"
expect "GOFLAGS=-tags=extra" "tagged/extra.go tagged/plain.go " "$(GOFLAGS="-mod=mod -tags=extra" files ./tagged)"
expect "GOOS=freebsd from the environment" "osonly/os_freebsd.go " "$(GOOS=freebsd files ./osonly)"
expect "--goos freebsd" "osonly/os_freebsd.go " "$(files --goos freebsd ./osonly)"
expect "linux: no cgo file in osonly" "" "$(files ./osonly)"

# CGO_CPPFLAGS reaches the C parser: without it the header is missing (CG000).
"$cgoguard" scan --format=json ./flags >"$tmp/j" 2>/dev/null
expect "missing header without CGO_CPPFLAGS" 1 "$(grep -c '"rule_id": "CG000"' "$tmp/j")"
CGO_CPPFLAGS="-I$m/inc" "$cgoguard" scan --format=json ./flags >"$tmp/j" 2>/dev/null
expect "CGO_CPPFLAGS=-I.../inc" 0 "$(grep -c '"rule_id": "CG000"' "$tmp/j")"
CGO_CFLAGS="-I$m/inc" "$cgoguard" scan --format=json ./flags >"$tmp/j" 2>/dev/null
expect "CGO_CFLAGS=-I.../inc" 0 "$(grep -c '"rule_id": "CG000"' "$tmp/j")"

# --deps: the dependency's cgo package from its module, not net (std).
deps=$(files --deps ./a)
expect "--deps adds example.com/dep/cdep" "$tmp/dep/cdep/cdep.go a/a.go " "$deps"
case "$deps" in *"/net/"*|*runtime*) echo "FAIL --deps scanned the standard library"; fail=1 ;; esac

# A directory with no cgo package but some below it.
expect "scan . at the module root exits 2" 2 "$(status .)"
grep -q "did you mean ./...?" "$tmp/err" || { echo "FAIL: no 'did you mean': $(cat "$tmp/err")"; fail=1; }
expect "scan nested (only a subdirectory has cgo) exits 2" 2 "$(status nested)"
grep -q "did you mean nested/...?" "$tmp/err" || { echo "FAIL: $(cat "$tmp/err")"; fail=1; }
expect "scan of a directory without cgo anywhere below: exit 0" 0 "$(status ./inc)"

# A package the go command cannot load: exit 2, and in SARIF a tool
# execution notification next to the results of what could be read.
expect "an import path no module provides exits 2" 2 "$(status --format=sarif -o "$tmp/s.sarif" example.com/m/nosuch ./a)"
grep -A3 '"toolExecutionNotifications"' "$tmp/s.sarif" | grep -q '"level": "error"' &&
  grep -q 'example.com/m/nosuch' "$tmp/s.sarif" && grep -q '"ruleId": "CG008"' "$tmp/s.sarif" ||
  { echo "FAIL: the SARIF log lacks the notification or the results"; fail=1; }
grep -q '"executionSuccessful": false' "$tmp/s.sarif" || { echo "FAIL: executionSuccessful"; fail=1; }

# A module the go command refuses (a go.work naming a missing module, as
# in libbpfgo's release in the module cache): its files are walked, with a
# note on stderr, and the findings are those of the walk; --loader go keeps
# the go command's verdict (exit 2).
mkdir -p "$tmp/broken/b" && cp "$m/a/a.go" "$tmp/broken/b/b.go"
printf 'module example.com/broken\n\ngo 1.21\n' >"$tmp/broken/go.mod"
printf 'go 1.21\n\nuse ./helpers\n' >"$tmp/broken/go.work"
(cd "$tmp/broken" && expect "go list refused: walked" "b/b.go " "$(files ./...)" &&
  grep -q "note: .: go list ./... failed (go: .*); its directories were walked instead" "$tmp/err" ||
  { echo "FAIL: no note: $(cat "$tmp/err")"; fail=1; })
(cd "$tmp/broken/b" && expect "go list refused, from a subdirectory" "b.go " "$(files .)")
(cd "$tmp/broken" && expect "--loader go: go list refused exits 2" 2 "$(status --loader go ./...)")

# Without a go command: the walk finds the same packages (and, as it always
# did, no file behind a tag it is not given).
expect "no go command: the walk" "$all" "$(CGOGUARD_GO=/nonexistent/go files ./...)"
expect "--loader walk" "$all" "$(files --loader walk ./...)"
expect "no go command: did you mean" 2 "$(CGOGUARD_GO=/nonexistent/go status .)"
expect "no go command: an import path is not found" 2 "$(CGOGUARD_GO=/nonexistent/go status example.com/m/...)"

# Outside any module: the walk (the fixtures and testdata keep working).
cp -r "$m/a" "$tmp/loose"
(cd "$tmp" && expect "a directory outside any module" "./loose/a.go " "$(files ./loose)")
exit $fail
