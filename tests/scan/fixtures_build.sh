#!/usr/bin/env bash
# Fixtures are real Go/C packages: each package folder of testdata/rules must
# build with the Go toolchain (cgo compiles its C too), so that a fixture is
# code the rule can meet, not text that only the scanner accepts. A package
# that must not build says so in a file NOBUILD with the reason (CG003:
# cgo itself refuses a Go-only type in an //export signature).
# usage: fixtures_build.sh GO RULES_DIR
set -u
go=$1 rules=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
failures=0 built=0
for dir in "$rules"/CG*/*/; do
  dir=${dir%/}
  [ -f "$dir/NOBUILD" ] && { echo "skip ${dir#$rules/}: $(head -1 "$dir/NOBUILD")"; continue; }
  # A folder without Go files is C a sibling package includes (CG013's
  # libheaders); the copy keeps the rule's folders side by side so that a
  # '-I${SRCDIR}/../libheaders' still finds them.
  compgen -G "$dir/*.go" >/dev/null || continue
  rule=${dir%/*} pkg=${dir##*/}
  rm -rf "$tmp/rule" && cp -r "$rule" "$tmp/rule"
  printf 'module fixture\n\ngo 1.24\n' >"$tmp/rule/$pkg/go.mod"
  if (cd "$tmp/rule/$pkg" && "$go" build ./...) >"$tmp/out" 2>&1; then
    built=$((built + 1))
  else
    failures=$((failures + 1))
    echo "FAIL ${dir#$rules/} does not build:"
    head -5 "$tmp/out"
  fi
done
echo "$built fixture packages build, $failures do not"
[ "$failures" -eq 0 ]
