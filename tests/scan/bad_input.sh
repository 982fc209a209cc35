#!/usr/bin/env bash
# Bad input never crashes cgoguard, always gives a clear message and the right
# exit status, and never drops the findings of the files that could be read.
# usage: bad_input.sh CGOGUARD_BINARY SOURCE_DIR
set -u
cg=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
failures=0 passed=0

# check NAME WANT_STATUS STDERR_REGEX STDOUT_REGEX -- args...
check() {
  local name=$1 want=$2 err_re=$3 out_re=$4
  shift 5
  "$cg" "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  local ok=1
  [ "$status" = "$want" ] || { echo "FAIL $name: exit status $status, want $want"; ok=0; }
  [ -z "$err_re" ] || grep -Eq -- "$err_re" "$tmp/err" || { echo "FAIL $name: stderr lacks /$err_re/"; ok=0; }
  [ -z "$out_re" ] || grep -Eq -- "$out_re" "$tmp/out" || { echo "FAIL $name: stdout lacks /$out_re/"; ok=0; }
  if [ $ok = 1 ]; then passed=$((passed + 1)); echo "ok $name"; else
    failures=$((failures + 1)); echo "--- stdout:"; head -20 "$tmp/out"; echo "--- stderr:"; head -20 "$tmp/err"; fi
}

cd "$src"
check nonexistent-path 2 "nonexistent/dir: no such file or directory" "" -- scan nonexistent/dir
check nonexistent-keeps-findings 2 "no such file" "CG001" -- scan nonexistent testdata/bad/syntax_go
check empty-dir 0 "no cgo packages" "" -- scan testdata/bad/empty
check unknown-flag 2 "unknown or incomplete flag '--frobnicate'" "" -- scan --frobnicate .
check bad-format 2 "unknown format 'xml'" "" -- scan --format=xml testdata/bad/syntax_go
check bad-fail-on 2 "unknown severity 'fatal'" "" -- scan --fail-on=fatal testdata/bad/syntax_go
check bad-size 2 "bad --max-file-size" "" -- scan --max-file-size=-3 testdata/bad/syntax_go
check unknown-command 2 "unknown command 'scna'" "" -- scna
check explain-unknown 2 "CG9999" "" -- explain CG9999
check not-go-file 2 "not a Go or C file" "" -- scan CMakeLists.txt
check syntax-go-findings 1 "" "CG001.*|CG000" -- scan testdata/bad/syntax_go

# A binary file with a .go name, and a 50 MB generated Go file.
mkdir -p "$tmp/pkg"
cp testdata/bad/syntax_go/broken.go "$tmp/pkg/ok.go"
head -c 4096 /dev/urandom > "$tmp/pkg/blob.go"
printf 'package syntaxgo\n\nimport "C"\n\nvar table = []int{\n' > "$tmp/pkg/huge.go"
yes '	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,' | head -c 52428800 >> "$tmp/pkg/huge.go"
printf '}\n' >> "$tmp/pkg/huge.go"
check binary-and-huge 1 "" "blob.go:1:1: warning: file not analysed: it contains NUL bytes" -- scan "$tmp/pkg"
check huge-is-noted 1 "" "huge.go:1:1: note: file not analysed: .* over the limit" -- scan "$tmp/pkg"
check huge-keeps-findings 1 "" "ok.go:12:12: error: .*CG001" -- scan "$tmp/pkg"
check json-valid-on-bad-input 1 "" '"rule_id": *"CG000"' -- scan --format=json "$tmp/pkg"
check sarif-on-bad-input 1 "" '"version": *"2.1.0"' -- scan --format=sarif testdata/bad/...
check output-file-unwritable 2 "" "" -- scan -o /nonexistent/dir/out.txt testdata/bad/syntax_go

# Colour: never in non-terminal output by default; --color=always wins over
# NO_COLOR, and --color=never wins over a terminal.
esc=$(printf '\033')
check color-default-pipe 1 "" "" -- scan --no-cache testdata/golden/pkg
grep -q "$esc" "$tmp/out" && { echo "FAIL color-default-pipe: escape codes in piped output"; failures=$((failures + 1)); }
NO_COLOR=1 check color-always-wins 1 "" "$esc\\[" -- scan --no-cache --color=always testdata/golden/pkg
check color-bad-value 2 "bad --color 'sometimes'" "" -- scan --color=sometimes testdata/golden/pkg

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
