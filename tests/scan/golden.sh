#!/usr/bin/env bash
# Pins the exact text, JSON and SARIF output of a scan of testdata/golden/pkg.
# usage: golden.sh CGOGUARD SOURCE_DIR       (CG_UPDATE_GOLDEN=1 rewrites the files)
set -u
cg=$1 src=$2
cd "$src"
failures=0
for format in text json sarif; do
  want=tests/scan/golden/pkg.$format
  got=$(mktemp)
  NO_COLOR=1 "$cg" scan --no-cache --format=$format --go 1.26 testdata/golden/pkg >"$got.raw" 2>&1
  status=$?
  # The SARIF %SRCROOT% is the checkout's absolute path: pin it as SRCROOT.
  sed "s|file://$PWD/|file://SRCROOT/|g" "$got.raw" >"$got" && rm -f "$got.raw"
  echo "exit status: $status" >>"$got"
  if [ "${CG_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$got" "$want"
    echo "updated $want"
  elif ! diff -u "$want" "$got"; then
    echo "FAIL: $format output differs from $want (CG_UPDATE_GOLDEN=1 rewrites it)"
    failures=$((failures + 1))
  else
    echo "ok $format"
  fi
  rm -f "$got"
done
[ "$failures" = 0 ]
