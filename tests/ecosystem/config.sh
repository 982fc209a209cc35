#!/usr/bin/env bash
# Configuration: --enable/--disable by id, name and severity; .cgoguard.yml
# found upward from the package, with rule selection, per-path excludes
# and CG012's settings; --config and --no-config; file-level suppression;
# bad selectors and malformed files are usage errors (exit 2).
# usage: config.sh CGOGUARD SOURCE_DIR
set -u
cgoguard=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
fail=0
# findings RULE [scan args...]: how many findings of RULE the scan reports
findings() {
  local rule=$1; shift
  "$cgoguard" scan --format=json "$@" 2>"$tmp/err" | grep -c "\"rule_id\": \"$rule\""
}
expect() { # expect WHAT WANT GOT
  if [ "$2" != "$3" ]; then echo "FAIL $1: want $2, got $3"; fail=1; else echo "ok $1 ($3)"; fi
}
status() { "$cgoguard" scan "$@" >/dev/null 2>"$tmp/err"; echo $?; }

mkdir -p "$tmp/repo/sub"
cp "$src"/testdata/rules/CG008/basic/*.go "$tmp/repo/sub/"
cp -r "$src"/testdata/rules/CG012/basic "$tmp/repo/render"
cp -r "$src"/testdata/rules/CG001/* "$tmp/repo/" 2>/dev/null
cd "$tmp/repo" || exit 2
all8=$(findings CG008 ./sub)
[ "$all8" -gt 0 ] || { echo "FAIL: the CG008 fixture has no findings"; exit 1; }

# The command line: by id, name, severity; --disable wins; unknown = usage.
expect "--disable CG008" 0 "$(findings CG008 --disable CG008 ./sub)"
expect "--disable cstring-leak" 0 "$(findings CG008 --disable cstring-leak ./sub)"
expect "--enable error (CG008 is a warning)" 0 "$(findings CG008 --enable error ./sub)"
expect "--enable warning" "$all8" "$(findings CG008 --enable warning ./sub)"
expect "--enable CG008,CG001 --disable warning" 0 "$(findings CG008 --enable CG008,CG001 --disable warning ./sub)"
expect "--enable CG08 is a usage error" 2 "$(status --enable CG08 ./sub)"
grep -q "did you mean 'CG008'" "$tmp/err" || { echo "FAIL: no suggestion for CG08: $(cat "$tmp/err")"; fail=1; }

# A config in a parent directory applies; --no-config ignores it; the
# command line's --enable turns back on what the file disables.
printf 'version: 1\nrules:\n  disable: [cstring-leak]\n' >.cgoguard.yml
expect "config disable, found upward" 0 "$(findings CG008 ./sub)"
expect "--no-config" "$all8" "$(findings CG008 --no-config ./sub)"
expect "--enable CG008 over the config" "$all8" "$(findings CG008 --enable CG008 ./sub)"
# The nearest file wins, whole.
printf 'rules:\n  enable: [warning]\n' >sub/.cgoguard.yml
expect "nearest config wins" "$all8" "$(findings CG008 ./sub)"
rm sub/.cgoguard.yml

# Excludes: by path pattern, optionally by rule.
printf 'exclude:\n  - path: sub/bad.go\n    rules: [CG001]\n' >.cgoguard.yml
expect "exclude of another rule" "$all8" "$(findings CG008 ./sub)"
printf 'exclude:\n  - path: sub/*.go\n    rules: [CG008, warning]\n' >.cgoguard.yml
expect "exclude sub/*.go for CG008" 0 "$(findings CG008 ./sub)"
printf 'exclude:\n  - path: "**/bad.go"\n' >.cgoguard.yml
expect "exclude **/bad.go" 0 "$(findings CG008 ./sub)"
printf 'exclude:\n  - path: sub/...\n' >.cgoguard.yml
expect "exclude sub/..." 0 "$(findings CG008 ./sub)"
printf 'exclude:\n  - path: other/...\n' >.cgoguard.yml
expect "exclude elsewhere" "$all8" "$(findings CG008 ./sub)"
# --config names the file for every package.
printf 'rules:\n  disable: [CG008]\n' >"$tmp/strict.yml"
expect "--config FILE" 0 "$(findings CG008 --config "$tmp/strict.yml" ./sub)"

# Malformed files: exit 2, the file, line and column named.
printf 'rules:\n  disable: [CG08]\n' >.cgoguard.yml
expect "unknown rule in the config is a usage error" 2 "$(status ./sub)"
grep -q '.cgoguard.yml:2:12: rules.disable: unknown rule or severity .CG08.' "$tmp/err" ||
  { echo "FAIL: message: $(cat "$tmp/err")"; fail=1; }
printf 'exclude:\n  - pth: x\n' >.cgoguard.yml
expect "unknown key" 2 "$(status ./sub)"
printf 'rules: [\n' >.cgoguard.yml
expect "not YAML" 2 "$(status ./sub)"
grep -q 'not valid YAML' "$tmp/err" || { echo "FAIL: message: $(cat "$tmp/err")"; fail=1; }
rm .cgoguard.yml

# CG012's settings move to the file: without the Go directive the vendor
# getter is unknown; the config's thread-error-api makes it known again.
grep -v '^//cgoguard:thread-error-api' render/bad.go >render/bad.go.new && mv render/bad.go.new render/bad.go
with_directive=$(cd "$src" && "$cgoguard" scan --format=json --no-config testdata/rules/CG012/basic | grep -c '"rule_id": "CG012"')
without=$(findings CG012 ./render)
expect "CG012 without the directive loses vendor_errstr" $((with_directive - 1)) "$without"
printf 'rules:\n  settings:\n    thread-affinity:\n      thread-error-api: [vendor_errstr]\n' >render/.cgoguard.yml
expect "rules.settings.thread-affinity.thread-error-api" "$with_directive" "$(findings CG012 ./render)"
printf 'rules:\n  settings:\n    CG008:\n      thread-affine: [x]\n' >render/.cgoguard.yml
expect "settings of a rule without settings" 2 "$(status ./render)"
rm render/.cgoguard.yml

# //cgoguard:file-ignore: the whole file, with a reason; //nolint is not ours.
{ echo '//cgoguard:file-ignore CG008 strings are freed by the caller in this file'; cat sub/bad.go; } >sub/bad.go.new
mv sub/bad.go.new sub/bad.go
expect "file-ignore CG008" 0 "$(findings CG008 ./sub)"
sed -i '1s/.*/\/\/cgoguard:file-ignore CG008/' sub/bad.go
expect "file-ignore without a reason suppresses nothing" "$all8" "$(findings CG008 ./sub)"
expect "... and is CG099" 1 "$(findings CG099 ./sub)"
sed -i '1s/.*/\/\/nolint:cgoguard/' sub/bad.go
expect "//nolint is not honoured" "$all8" "$(findings CG008 ./sub)"
exit $fail
