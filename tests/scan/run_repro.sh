#!/usr/bin/env bash
# Builds and runs one reproduction program and checks the real failure.
# usage: run_repro.sh GO REPRO_ROOT NAME WANT_STATUS WANT_REGEX [VAR=VALUE ...]
#   WANT_STATUS  an exit status, or "nonzero"
#   VAR=VALUE    environment of the run; "build:VAR=VALUE" is for the build
set -u
go=$1 root=$2 name=$3 want_status=$4 want_re=$5
shift 5
build_env=() run_env=()
for kv in "$@"; do
  case "$kv" in
    build:*) build_env+=("${kv#build:}") ;;
    *) run_env+=("$kv") ;;
  esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$root" && env ${build_env[@]+"${build_env[@]}"} "$go" build -o "$tmp/prog" "./$name") >"$tmp/build" 2>&1; then
  echo "FAIL: cannot build $name:"; cat "$tmp/build"; exit 1
fi
env ${run_env[@]+"${run_env[@]}"} "$tmp/prog" >"$tmp/out" 2>&1
status=$?
echo "--- $name exited with status $status; output (first 30 lines):"
head -30 "$tmp/out"
if [ "$want_status" = nonzero ]; then
  [ "$status" -ne 0 ] || { echo "FAIL: expected a failure, the program succeeded"; exit 1; }
elif [ "$status" != "$want_status" ]; then
  echo "FAIL: exit status $status, want $want_status"; exit 1
fi
if ! grep -Eq -- "$want_re" "$tmp/out"; then
  echo "FAIL: output does not match /$want_re/"; exit 1
fi
echo "ok: $name: $(grep -Eo -- "$want_re" "$tmp/out" | head -1)"
