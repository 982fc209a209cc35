#!/usr/bin/env bash
# The golangci-lint v2 module plugin, built the way users build it:
# `golangci-lint custom` with a .custom-gcl.yml naming go/analyzer, then the
# custom binary run on a module whose .golangci.yml enables cgoguard with
# settings. golangci-lint and its dependencies come from the Go module
# proxy. `golangci-lint custom` clones github.com/golangci/golangci-lint,
# which this machine cannot reach: a git repository made from the same
# version's module stands in for it (git's url.insteadOf, which the builder
# lets through as GIT_CONFIG_*); everything else is the real command.
# Two full golangci-lint builds: minutes, hence opt-in (CG_TEST_GOLANGCI).
# usage: golangci.sh CGOGUARD SOURCE_DIR GO [VERSION]
set -u
cgoguard=$1 src=$2 go=$3 ver=${4:-v2.15.0}
if [ -n "${GOLANGCI_WORK:-}" ]; then # keep the builds for a look afterwards
  tmp=$GOLANGCI_WORK && rm -rf "$tmp" && mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fi
export GOCACHE=$("$go" env GOCACHE) # the build cache survives: the second build is mostly cached
export PATH=$(dirname "$go"):$PATH GOTOOLCHAIN=local GOFLAGS=-mod=mod XDG_CACHE_HOME=$tmp/cache
fail=0
step() { echo "== $*"; }

step "golangci-lint $ver from the module proxy"
dir=$("$go" mod download -json "github.com/golangci/golangci-lint/v2@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "FAIL: cannot download golangci-lint $ver"; exit 1; }
cp -r "$dir" "$tmp/gcl" && chmod -R u+w "$tmp/gcl"
(cd "$tmp/gcl" && "$go" build -o "$tmp/golangci-lint" ./cmd/golangci-lint) || { echo "FAIL: building golangci-lint"; exit 1; }
(cd "$tmp/gcl" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm "$ver" &&
  git tag "$ver") || { echo "FAIL: git"; exit 1; }

step "golangci-lint custom"
mkdir -p "$tmp/build" "$tmp/bin"
cat >"$tmp/build/.custom-gcl.yml" <<YML
version: $ver
name: custom-gcl
destination: $tmp/bin
plugins:
  - module: github.com/cgoguard/cgoguard/go/analyzer
    import: github.com/cgoguard/cgoguard/go/analyzer/golangci
    path: $src/go/analyzer
YML
(cd "$tmp/build" && GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="url.file://$tmp/gcl.insteadOf" \
  GIT_CONFIG_VALUE_0=https://github.com/golangci/golangci-lint.git "$tmp/golangci-lint" custom -v) ||
  { echo "FAIL: golangci-lint custom"; exit 1; }
[ -x "$tmp/bin/custom-gcl" ] || { echo "FAIL: no custom-gcl"; exit 1; }

step "custom-gcl run"
m=$tmp/m
mkdir -p "$m/leak" "$m/excluded"
printf 'module example.com/gclmod\n\ngo 1.21\n' >"$m/go.mod"
cp "$src"/testdata/rules/CG008/basic/bad.go "$m/leak/"
cp "$src"/testdata/rules/CG008/basic/bad.go "$m/excluded/"
# golangci-lint's own //nolint applies to the plugin's issues.
mkdir -p "$m/nolint"
sed '0,/\/\/ want CG008$/s//\/\/nolint:cgoguard \/\/ golangci-lint applies it/' \
  "$src"/testdata/rules/CG008/basic/bad.go >"$m/nolint/bad.go"
cat >"$m/.golangci.yml" <<YML
version: "2"
linters:
  default: none
  enable: [cgoguard]
  settings:
    custom:
      cgoguard:
        type: module
        description: cgo boundary bugs
        settings:
          binary: $cgoguard
          exclude:
            - path: excluded/...
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
YML
(cd "$m" && "$tmp/bin/custom-gcl" linters 2>&1) | grep -q "^cgoguard" || { echo "FAIL: custom-gcl does not list cgoguard"; fail=1; }
(cd "$m" && "$tmp/bin/custom-gcl" run --output.text.path=stdout ./... >"$tmp/out" 2>"$tmp/err")
status=$?
want=$("$cgoguard" scan --no-config --format=json "$m/leak" | grep -c '"severity": "warning"\|"severity": "error"')
got=$(grep -c '^leak/bad.go:[0-9]*:[0-9]*: .*\[CG008 cstring-leak\] (cgoguard)$' "$tmp/out")
echo "custom-gcl: exit $status, $got findings in leak/ (cgoguard scan: $want)"
[ "$status" -eq 1 ] || { echo "FAIL: exit $status, want 1"; cat "$tmp/err"; fail=1; }
[ "$got" -eq "$want" ] || { echo "FAIL: $got findings, want $want"; cat "$tmp/out" "$tmp/err"; fail=1; }
grep -q '^excluded/' "$tmp/out" && { echo "FAIL: the settings' exclude was not applied"; fail=1; }
nolint=$(grep -c '^nolint/bad.go:[0-9]*:[0-9]*: .*\[CG008 cstring-leak\] (cgoguard)$' "$tmp/out")
[ "$nolint" -eq $((want - 1)) ] || { echo "FAIL: //nolint:cgoguard: $nolint findings in nolint/, want $((want - 1))"; fail=1; }
# The plugin's inline-settings file of this run (named by content, which
# holds this run's module directory).
grep -l "$m" "${TMPDIR:-/tmp}"/cgoguard-golangci-*.yml 2>/dev/null | xargs -r rm -f
exit $fail
