#!/usr/bin/env bash
# go vet -vettool=cgoguard on a scratch module: findings in vet's format
# and exit status, the build's exact file list (a file behind a build tag
# counts only when the build uses the tag: -tags or GOFLAGS), -json, the
# test variant of a package, rule selection and .cgoguard.yml, -fix -diff
# and -fix (Go 1.26's fix archive). With OLD_GO set (a go command older
# than 1.26, which does not pass -json), the plain-text protocol too.
# usage: vet.sh CGOGUARD SOURCE_DIR GO
set -u
cgoguard=$1 src=$2 go=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=1
fail=0
check() { # check WHAT COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then echo "ok $what"; else echo "FAIL $what"; fail=1; fi
}
mod=$tmp/mod
mkdir -p "$mod/leak" "$mod/tagged" "$mod/plain"
printf 'module example.com/vetmod\n\ngo 1.21\n' >"$mod/go.mod"
cp "$src"/testdata/rules/CG008/basic/bad.go "$mod/leak/"
printf 'package basic\n\nimport "testing"\n\nfunc TestNothing(t *testing.T) {}\n' >"$mod/leak/leak_test.go"
cat >"$mod/tagged/a.go" <<'GO'
package tagged

/*
#include <stdlib.h>
int use(const char *s) { return s[0]; }
*/
import "C"

func A(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe_pointer(cs))
	return int(C.use(cs))
}
GO
cat >"$mod/tagged/ptr.go" <<'GO'
package tagged

import "C"

import "unsafe"

func unsafe_pointer(p *C.char) unsafe.Pointer { return unsafe.Pointer(p) }
GO
cat >"$mod/tagged/extra.go" <<'GO'
//go:build extra

package tagged

/*
int use(const char *s);
*/
import "C"

func B(s string) int {
	cs := C.CString(s) // leaks: only built with -tags extra
	return int(C.use(cs))
}
GO
printf 'package plain\n\nfunc P() int { return 1 }\n' >"$mod/plain/p.go"
cd "$mod" || exit 2
want=$("$cgoguard" scan --format=json ./leak | grep -c '"severity": "warning"\|"severity": "error"')

"$go" vet -vettool="$cgoguard" ./... >"$tmp/out" 2>"$tmp/err"
check "go vet exits 1 on findings" test $? -eq 1
got=$(grep -c '^leak/bad.go:[0-9]*:[0-9]*: .*\[CG008 cstring-leak\]$' "$tmp/err")
check "go vet prints the $want findings of cgoguard scan in vet's format ($got)" test "$got" -eq "$want"
check "related locations follow as tab-indented lines" grep -q '^leak/bad.go:24:2: 	returns here without freeing cs$' "$tmp/err"
check "nothing from the file behind the build tag" sh -c "! grep -q extra.go '$tmp/err'"
check "nothing from the package without cgo" sh -c "! grep -q plain '$tmp/err'"

"$go" vet -vettool="$cgoguard" -tags extra ./tagged >"$tmp/out" 2>"$tmp/err"
check "-tags extra: the tagged file is in the build, its leak reported" grep -q '^tagged/extra.go:11:8: .*CG008' "$tmp/err"
GOFLAGS=-tags=extra "$go" vet -vettool="$cgoguard" ./tagged >"$tmp/out" 2>"$tmp/err"
check "GOFLAGS=-tags=extra: the same" grep -q '^tagged/extra.go:11:8: .*CG008' "$tmp/err"

"$go" vet -vettool="$cgoguard" -json ./... >"$tmp/json" 2>"$tmp/err"
check "-json exits 0" test $? -eq 0
check "-json: the package (vetted as its test variant) and the analyzer" grep -q "\"example.com/vetmod/leak\": {" "$tmp/json"
check "-json: diagnostics with category and suggested fixes" sh -c "grep -q '\"category\": \"CG008\"' '$tmp/json' && grep -q '\"suggested_fixes\"' '$tmp/json'"

"$go" vet -vettool="$cgoguard" -disable cstring-leak ./... >"$tmp/out" 2>"$tmp/err"
check "-disable cstring-leak: exit 0, no output" sh -c "test $? -eq 0 && ! test -s '$tmp/err'"
printf 'exclude:\n  - path: leak/...\n' >.cgoguard.yml
"$go" vet -vettool="$cgoguard" ./... >"$tmp/out" 2>"$tmp/err"
check ".cgoguard.yml excludes leak/...: exit 0" test $? -eq 0
rm .cgoguard.yml
"$go" vet -vettool="$cgoguard" -enable CG08 ./... >"$tmp/out" 2>"$tmp/err"
check "-enable CG08 fails" test $? -ne 0

minor=$("$go" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ "${minor:-0}" -ge 26 ]; then # go vet -fix and its fix archive are Go 1.26's
  cp leak/bad.go "$tmp/bad.go"
  "$go" vet -vettool="$cgoguard" -fix -diff ./leak >"$tmp/diff" 2>"$tmp/err"
  check "go vet -fix -diff prints the fix" grep -q '^+	defer C.free(unsafe.Pointer(cs))$' "$tmp/diff"
  check "... and changes nothing" cmp -s leak/bad.go "$tmp/bad.go"
  "$go" vet -vettool="$cgoguard" -fix ./leak >"$tmp/out" 2>"$tmp/err"
  check "go vet -fix applies it (through go's fix archive)" grep -q '^	defer C.free(unsafe.Pointer(cs))$' leak/bad.go
  "$go" build ./leak
  check "... and the package builds" test $? -eq 0
  cp "$tmp/bad.go" leak/bad.go
fi

# Go before 1.26 passes no -json: text on stderr, exit 1.
if [ -n "${OLD_GO:-}" ]; then
  $OLD_GO vet -vettool="$cgoguard" ./leak >"$tmp/out" 2>"$tmp/err"
  status=$?
  got=$(grep -c 'leak/bad.go:[0-9]*:[0-9]*: .*\[CG008 cstring-leak\]$' "$tmp/err")
  check "$($OLD_GO version | cut -d' ' -f3): exit $status (want 1), $got findings (want $want)" test "$status" -eq 1 -a "$got" -eq "$want"
fi
exit $fail
