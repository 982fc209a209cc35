#!/usr/bin/env bash
# --baseline FILE: only findings that are new relative to a previous JSON or
# SARIF report are reported (and decide the exit status). Lines inserted above
# a known finding keep it matched; a new finding is reported; a fixed one
# disappears; JSON and SARIF reports carry the same fingerprints; a bad
# baseline is a usage error (exit 2, a message naming the problem, no report).
# usage: baseline.sh CGOGUARD SOURCE_DIR
set -u
cg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
failures=0 passed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failures=$((failures + 1)); echo "FAIL $1"; }

mkdir -p "$tmp/tree/pkg"
cd "$tmp/tree"
cat >pkg/pkg.go <<'G'
package pkg

/*
void consume(void *p) { (void)p; }
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m))
}

func passPointers(s []*string) {
	C.consume(unsafe.Pointer(&s[0]))
}
G
scan() { "$cg" scan --go 1.26 "$@" ./... 2>"$tmp/err"; }
# "file:line rule" of each finding of a JSON report.
findings() { tr -d ' \n' <"$1" |
             grep -o '"rule_id":"CG[0-9]*","rule_name":"[^"]*","severity":"[a-z]*","file":"[^"]*","line":[0-9]*' |
             sed 's/"rule_id":"\(CG[0-9]*\)".*"file":"\([^"]*\)","line":\([0-9]*\)/\2:\3 \1/'; }

scan --format=json >"$tmp/base.json"; st=$?
scan --format=sarif >"$tmp/base.sarif"
[ $st = 1 ] && [ "$(findings "$tmp/base.json" | wc -l)" = 2 ] && ok "the base scan finds 2" ||
  fail "base scan: status $st, $(findings "$tmp/base.json")"

# JSON and SARIF agree on the fingerprints.
fj=$(grep -o '"fingerprint": "[0-9a-f]*:[0-9]*"' "$tmp/base.json" | sed 's/.*: //' | sort)
fs=$(grep -o '"cgoguard/v1": "[0-9a-f]*:[0-9]*"' "$tmp/base.sarif" | sed 's/.*: //' | sort)
[ -n "$fj" ] && [ "$fj" = "$fs" ] && ok "JSON and SARIF fingerprints agree" || fail "fingerprints: json [$fj] sarif [$fs]"

for kind in json sarif; do
  scan --format=json --baseline "$tmp/base.$kind" >"$tmp/out"; st=$?
  [ $st = 0 ] && [ -z "$(findings "$tmp/out")" ] && ok "$kind: unchanged tree, nothing new, exit 0" ||
    fail "$kind unchanged: status $st, $(findings "$tmp/out") $(cat "$tmp/err")"
done

# Unrelated lines above both findings move them down by 4 lines.
sed -i 's|^import "unsafe"|// Added later:\n// a comment block\n// that moves everything below.\nvar counter int\n\nimport "unsafe"|' pkg/pkg.go
sed -i 's|^var counter int$||' pkg/pkg.go
scan --format=json >"$tmp/shifted.json"
l=$(grep -n 'unsafe.Pointer(&m)' pkg/pkg.go | cut -d: -f1)
[ "$l" = 16 ] && findings "$tmp/shifted.json" | grep -q "pkg/pkg.go:16 CG001" && ok "the findings moved down" ||
  fail "shift did not move the findings: $(findings "$tmp/shifted.json")"
for kind in json sarif; do
  scan --format=json --baseline "$tmp/base.$kind" >"$tmp/out"; st=$?
  [ $st = 0 ] && [ -z "$(findings "$tmp/out")" ] && ok "$kind: a line shift keeps both matched" ||
    fail "$kind shift: status $st, $(findings "$tmp/out")"
  scan --format=text --baseline "$tmp/base.$kind" >"$tmp/out.txt"; st=$?
  [ $st = 0 ] && grep -qx "no findings" "$tmp/out.txt" && ok "$kind: text output reports 0 findings" ||
    fail "$kind text: status $st, $(cat "$tmp/out.txt")"
done

# A new finding, on a line identical (modulo whitespace) to a known one: the
# occurrence index tells them apart.
cat >>pkg/pkg.go <<'G'

func passStruct() {
	b := struct{ p *int }{new(int)}
	C.consume(unsafe.Pointer(&b))
}

func passMapAgain(m map[string]int) {
	C.consume(unsafe.Pointer(&m))
}
G
l1=$(grep -n 'unsafe.Pointer(&b)' pkg/pkg.go | cut -d: -f1)
l2=$(grep -n 'unsafe.Pointer(&m)' pkg/pkg.go | tail -1 | cut -d: -f1)
for kind in json sarif; do
  scan --format=json --baseline "$tmp/base.$kind" >"$tmp/out"; st=$?
  got=$(findings "$tmp/out" | tr '\n' ' ')
  [ $st = 1 ] && [ "$got" = "pkg/pkg.go:$l1 CG001 pkg/pkg.go:$l2 CG001 " ] &&
    ok "$kind: only the 2 new findings are reported" || fail "$kind new: status $st, [$got]"
  scan --format=sarif --baseline "$tmp/base.$kind" >"$tmp/out.sarif"
  [ "$(grep -c '"ruleId"' "$tmp/out.sarif")" = 2 ] && ok "$kind: SARIF output has the 2 new results" ||
    fail "$kind sarif new: $(grep -c '"ruleId"' "$tmp/out.sarif") results"
done
# The fingerprints of a filtered report are those of the full scan, so it can
# serve as a baseline itself: with both reports, nothing is new.
scan --format=json >"$tmp/full.json"
scan --format=json --baseline "$tmp/base.json" >"$tmp/new.json"
fn=$(grep -o '"fingerprint": "[^"]*"' "$tmp/new.json" | sort)
ff=$(grep -o '"fingerprint": "[^"]*"' "$tmp/full.json" | sort)
[ -n "$fn" ] && [ "$(comm -23 <(echo "$fn") <(echo "$ff"))" = "" ] &&
  ok "a filtered report keeps the full scan's fingerprints" || fail "filtered fingerprints [$fn] not in [$ff]"

# Fix one known finding: it disappears, with or without the baseline.
sed -i '/func passPointers/,/^}/d' pkg/pkg.go
scan --format=json >"$tmp/fixed.json"
[ "$(findings "$tmp/fixed.json" | wc -l)" = 3 ] && ! grep -q 's\[0\]' "$tmp/fixed.json" &&
  ok "the fixed finding is gone from the full scan" || fail "fixed: $(findings "$tmp/fixed.json")"
scan --format=json --baseline "$tmp/base.sarif" >"$tmp/out"; st=$?
got=$(findings "$tmp/out" | wc -l)
[ $st = 1 ] && [ "$got" = 2 ] && ok "after the fix, only the 2 new findings remain" ||
  fail "after fix: status $st, $(findings "$tmp/out")"

# -o may overwrite the baseline itself: it is read before the output is opened.
cp "$tmp/full.json" "$tmp/rolling.json"
scan --format=json --baseline "$tmp/rolling.json" -o "$tmp/rolling.json"; st=$?
[ $st = 0 ] && [ -z "$(findings "$tmp/rolling.json")" ] && ok "-o over the baseline file works" ||
  fail "rolling: status $st $(cat "$tmp/err")"

# --stats says how many were left out.
scan --format=json --stats --baseline "$tmp/full.json" >/dev/null
grep -q "3 findings left out as already in the baseline (4 there)" "$tmp/err" && ok "--stats counts the known findings" ||
  fail "stats: $(cat "$tmp/err")"

# Bad baselines: exit 2, a clear message, no report.
bad() {
  local name=$1 want=$2
  scan --format=json --baseline "$tmp/bad" >"$tmp/out"; st=$?
  if [ $st = 2 ] && [ ! -s "$tmp/out" ] && grep -q -- "$want" "$tmp/err"; then ok "bad baseline: $name"
  else fail "bad baseline $name: status $st, stderr: $(cat "$tmp/err")"; fi
}
rm -f "$tmp/bad"
bad "missing file" "cannot read baseline $tmp/bad"
printf '' >"$tmp/bad"; bad "empty file" "not valid JSON: line 1, column 1"
printf '{"version": 1, "findings": [' >"$tmp/bad"; bad "truncated" "not valid JSON: line 1, column 29"
head -c 300 "$tmp/base.sarif" >"$tmp/bad"; bad "truncated SARIF" "is not valid JSON"
printf '{"version": 1, "findings": [],}' >"$tmp/bad"; bad "trailing comma" "expected a string key"
printf '\xff\xfe{}' >"$tmp/bad"; bad "UTF-16 bytes" "not valid JSON"
printf '[1, 2]' >"$tmp/bad"; bad "an array" "top level is not an object"
printf '{"a": 1}' >"$tmp/bad"; bad "not a report" "neither a cgoguard JSON report"
printf '{"version": 2, "findings": []}' >"$tmp/bad"; bad "JSON version 2" "unsupported JSON report version"
sed 's/"fingerprint": "[^"]*"/"fingerprint": 7/' "$tmp/base.json" >"$tmp/bad"; bad "numeric fingerprint" "\"fingerprint\" is not a string"
grep -v '"fingerprint"' "$tmp/base.json" | sed 's/"confidence": null,/"confidence": null/' >"$tmp/bad"
bad "JSON without fingerprints" "has no \"fingerprint\""
sed 's/"cgoguard\/v1"/"other\/v1"/' "$tmp/base.sarif" >"$tmp/bad"; bad "SARIF without our fingerprint" "not a cgoguard report"
printf '{"runs": [{"results": [{"ruleId": "CG001"}]}]}' >"$tmp/bad"; bad "SARIF result without location" "has no location URI"
printf '{"runs": {}}' >"$tmp/bad"; bad "runs not an array" "\"runs\" is not an array"
# An empty SARIF run is a valid (empty) baseline.
printf '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]}' >"$tmp/empty.sarif"
scan --format=json --baseline "$tmp/empty.sarif" >"$tmp/out"; st=$?
[ $st = 1 ] && [ "$(findings "$tmp/out" | wc -l)" = 3 ] && ok "an empty SARIF baseline hides nothing" ||
  fail "empty sarif: status $st"

# The working directory is not part of a fingerprint: a baseline written at
# the module root suppresses the same findings when the tree is scanned from
# a package directory, from elsewhere by absolute path, or from a copy of the
# module somewhere else (the module path from go.mod names the files).
printf 'module example.com/tree\n\ngo 1.21\n' >go.mod
scan --format=json >"$tmp/root.json"
n_root=$(findings "$tmp/root.json" | wc -l)
for from in "pkg ." "/ $tmp/tree/..." "$tmp $tmp/tree/pkg"; do
  set -- $from
  (cd "$1" && "$cg" scan --go 1.26 --format=json --baseline "$tmp/root.json" "$2" >"$tmp/out" 2>"$tmp/err"); st=$?
  [ "$n_root" = 3 ] && [ $st = 0 ] && [ -z "$(findings "$tmp/out")" ] &&
    ok "a baseline written at the module root matches a scan of $2 from $1" ||
    fail "scan of $2 from $1 with the root's baseline: status $st, $(findings "$tmp/out") $(cat "$tmp/err")"
done
cp -r "$tmp/tree" "$tmp/copy"
(cd "$tmp/copy" && "$cg" scan --go 1.26 --format=sarif --baseline "$tmp/root.json" ./... >"$tmp/out" 2>"$tmp/err"); st=$?
[ $st = 0 ] && [ "$(grep -c '"ruleId"' "$tmp/out")" = 0 ] && ok "a copy of the module matches the baseline of the original" ||
  fail "copy: status $st, $(grep -c "\"ruleId\"" "$tmp/out") results, $(cat "$tmp/err")"
# Without go.mod, files are named relative to the scan root: the same root
# scanned from another directory still matches.
rm go.mod
scan --format=json >"$tmp/nomod.json"
(cd / && "$cg" scan --go 1.26 --format=json --baseline "$tmp/nomod.json" "$tmp/tree/..." >"$tmp/out" 2>"$tmp/err"); st=$?
[ $st = 0 ] && [ -z "$(findings "$tmp/out")" ] && ok "without go.mod, the scan root names the files" ||
  fail "no go.mod from /: status $st, $(findings "$tmp/out")"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
