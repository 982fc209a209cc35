#!/usr/bin/env bash
# check_run.sh: runs one program and checks what it printed and how it ended.
# Used by the guarded allocator's end-to-end tests to compare the same Go
# program with and without libcgoguard-preload.so.
#
#   check_run.sh [--env VAR=VALUE]... [--exit N] [--expect ERE]... [--absent ERE]...
#                [--alloc ERE]... [--free ERE]... -- program [args]
#
#   --exit N     the exit status (a program killed by signal S has 128+S)
#   --expect     a line of the combined stdout+stderr matches the ERE
#   --absent     no line matches
#   --alloc      a frame of the report's "allocated by" stack matches
#   --free       a frame of the report's "freed by" stack matches
#
# On failure it prints every unmet expectation and the whole output.
set -u
envs=() expects=() absents=() allocs=() frees=() want_exit=""
while (($#)); do
  case "$1" in
    --env) envs+=("$2"); shift 2 ;;
    --exit) want_exit="$2"; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --absent) absents+=("$2"); shift 2 ;;
    --alloc) allocs+=("$2"); shift 2 ;;
    --free) frees+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "check_run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
(($#)) || { echo "check_run.sh: no program" >&2; exit 2; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
env "${envs[@]+"${envs[@]}"}" timeout 60 "$@" >"$out" 2>&1
status=$?

# The frames of one stack of the report: the lines after its heading up to
# the next heading (a line that does not start a frame "#N" or continue one).
section() {
  awk -v head="$1" '
    index($0, head) { on = 1; next }
    on && /==cgoguard==  +(#[0-9]|inlined into)/ { print; next }
    on { on = 0 }' "$out"
}

failed=0
fail() { echo "FAILED: $*"; failed=1; }
if [[ -n "$want_exit" && "$status" != "$want_exit" ]]; then
  fail "exit status $status, want $want_exit"
fi
for re in "${expects[@]+"${expects[@]}"}"; do
  grep -Eq -- "$re" "$out" || fail "no line matches: $re"
done
for re in "${absents[@]+"${absents[@]}"}"; do
  ! grep -Eq -- "$re" "$out" || fail "a line matches: $re"
done
for re in "${allocs[@]+"${allocs[@]}"}"; do
  section "allocated by thread" | grep -Eq -- "$re" || fail "no allocation frame matches: $re"
done
for re in "${frees[@]+"${frees[@]}"}"; do
  section "freed by thread" | grep -Eq -- "$re" || fail "no free frame matches: $re"
done
if ((failed)); then
  echo "---- output of: ${envs[*]+"${envs[*]}"} $* (exit $status)"
  cat "$out"
  exit 1
fi
echo "ok: $* (exit $status)"
