#!/usr/bin/env bash
# check_run.sh: runs a command and checks its exit status and that its
# combined output contains (or lacks) given texts.
# usage: check_run.sh [--status N] [--expect TEXT]... [--reject TEXT]... -- command args...
set -u
status="" expects=() rejects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --status) status=$2; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "check_run: unknown option $1" >&2; exit 2 ;;
  esac
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ulimit -c 0
"$@" >"$out" 2>&1
rc=$?
fail() { echo "FAIL: $*" >&2; echo "---- output ----" >&2; cat "$out" >&2; exit 1; }
[ -z "$status" ] || [ "$rc" -eq "$status" ] || fail "expected exit status $status, got $rc"
for e in "${expects[@]+"${expects[@]}"}"; do grep -qF -- "$e" "$out" || fail "output lacks: $e"; done
for r in "${rejects[@]+"${rejects[@]}"}"; do grep -qF -- "$r" "$out" && fail "output has: $r"; done
exit 0
