#!/usr/bin/env bash
# cgoguard scan --fix and --diff on the fixtures of the rules with
# machine-applicable fixes: each fixture package is copied into a scratch
# module; --diff must print the edits and change nothing; --fix must remove
# exactly the findings that had a fix (no new finding, no fixable one left),
# and the fixed package must still build with the go command.
# usage: fix.sh CGOGUARD SOURCE_DIR GO
set -u
cgoguard=$1 src=$2 go=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache GOFLAGS=-mod=mod
fail=0
count() { grep -c "\"$1\"" "$2"; }
builds_alone() { # builds_alone FILE: does the file build as a package of its own?
  rm -rf "$tmp/alone" && mkdir -p "$tmp/alone" && cp "$1" "$tmp/alone/" &&
    printf 'module alone\n\ngo 1.21\n' >"$tmp/alone/go.mod" && (cd "$tmp/alone" && "$go" build ./... 2>"$tmp/alone.err")
}

for rule in CG008 CG020 CG022; do
  for pkg in "$src"/testdata/rules/$rule/*/; do
    name=$(basename "$pkg")
    dir=$tmp/$rule/$name
    mkdir -p "$dir"
    cp "$pkg"/* "$dir"/
    printf 'module fixtest\n\ngo 1.21\n' >"$dir/go.mod"
    cd "$dir" || exit 2
    "$cgoguard" scan --format=json -o "$tmp/before.json" . >/dev/null
    before=$(count rule_id "$tmp/before.json")
    fixable=$(count suggested_fix "$tmp/before.json")
    if [ "$fixable" -eq 0 ]; then
      echo "FAIL $rule/$name: no finding has a machine-applicable fix"; fail=1; continue
    fi
    # The fixed package must build when the fixture does; when it does not
    # (two files declaring one name), each file that builds on its own must
    # still build on its own.
    builds=1 alone=""
    if ! "$go" build ./... 2>"$tmp/build0.err"; then
      builds=0
      echo "note $rule/$name: the fixture does not build as a whole: $(head -2 "$tmp/build0.err" | tr '\n' ' ')"
      for f in ./*.go; do
        builds_alone "$f" && alone="$alone $f"
      done
      [ -n "$alone" ] || { echo "FAIL $rule/$name: no file of the fixture builds, nothing to check the fix with"; fail=1; }
    fi
    sum=$(cat ./*.go | cksum)
    "$cgoguard" scan --diff . >"$tmp/diff" 2>/dev/null
    if [ "$(cat ./*.go | cksum)" != "$sum" ]; then echo "FAIL $rule/$name: --diff changed files"; fail=1; fi
    if ! grep -q '^+++ ' "$tmp/diff" || ! grep -q '^@@ ' "$tmp/diff"; then
      echo "FAIL $rule/$name: --diff printed no diff"; cat "$tmp/diff"; fail=1
    fi
    # The diff is the fix: patch applies it to a second copy.
    if command -v patch >/dev/null 2>&1; then
      mkdir -p "$tmp/patched" && rm -rf "$tmp/patched"/* && cp ./*.go "$tmp/patched/"
      (cd "$tmp/patched" && sed 's#^\(---\|+++\) \./#\1 #' "$tmp/diff" | patch -s -p0 >/dev/null) ||
        { echo "FAIL $rule/$name: patch cannot apply the --diff output"; fail=1; }
    fi
    "$cgoguard" scan --fix . >/dev/null 2>"$tmp/fix.err"
    grep -q "applied $fixable fix" "$tmp/fix.err" || { echo "FAIL $rule/$name: $(cat "$tmp/fix.err")"; fail=1; }
    if command -v patch >/dev/null 2>&1; then
      for f in ./*.go; do cmp -s "$f" "$tmp/patched/$(basename "$f")" || { echo "FAIL $rule/$name: --diff and --fix differ on $f"; fail=1; }; done
    fi
    "$cgoguard" scan --format=json -o "$tmp/after.json" . >/dev/null
    after=$(count rule_id "$tmp/after.json")
    left=$(count suggested_fix "$tmp/after.json")
    if [ "$after" -ne $((before - fixable)) ] || [ "$left" -ne 0 ]; then
      echo "FAIL $rule/$name: $before findings, $fixable fixable; after --fix $after findings, $left fixable"; fail=1
    fi
    if [ $builds = 1 ] && ! "$go" build ./... 2>"$tmp/build.err"; then
      echo "FAIL $rule/$name: the fixed package does not build:"; cat "$tmp/build.err"; fail=1
    fi
    for f in $alone; do
      builds_alone "$f" || { echo "FAIL $rule/$name: fixed $f no longer builds on its own:"; cat "$tmp/alone.err"; fail=1; }
    done
    echo "ok $rule/$name: $fixable of $before findings fixed, $after left, builds${alone:+ (files alone:$alone)}"
  done
done
exit $fail
