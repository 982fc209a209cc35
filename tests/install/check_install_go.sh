#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a Go program outside
# the repository against the *installed* Go binding (share/cgoguard/go, used
# through a go.mod replace line, as README.md tells users before the module
# is published) and the installed pkg-config files. The program posts from a
# C thread and receives in Go. Checks that the binary runs, that it has no
# dynamic dependency on libcgoguard (the binding links libcgoguard.a by
# default), that it still runs with the installed shared libraries gone, and
# that -tags cgoguard_dynamic links the shared library instead.
# usage: check_install_go.sh BUILD_DIR GO
set -eu
build=$1 go=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in share/cgoguard/go/go.mod share/cgoguard/go/mailbox.go lib/pkgconfig/cgoguard-static.pc lib/libcgoguard.a; do
  [ -e "$tmp/prefix/$f" ] || fail "$f was not installed"
done
module=$(sed -n 's/^module //p' "$tmp/prefix/share/cgoguard/go/go.mod")
[ "$module" = "github.com/cgoguard/cgoguard/go" ] || fail "installed module path is '$module'"

app=$tmp/app
mkdir "$app"
cat >"$app/go.mod" <<EOF
module example.com/app

go 1.21

require github.com/cgoguard/cgoguard/go v0.0.0

replace github.com/cgoguard/cgoguard/go => $tmp/prefix/share/cgoguard/go
EOF
cat >"$app/main.go" <<'GO'
// A user's program: a C thread posts to a mailbox, a goroutine receives.
// Its C code links libcgoguard the way the binding does (link_*.go).
package main

/*
#include <pthread.h>
#include <cgoguard/mailbox.h>

static void *produce(void *mb) {
	for (int i = 0; i < 1000; i++) cg_mailbox_post(mb, &i, sizeof i);
	cg_mailbox_close(mb);
	return NULL;
}
static void start(void *mb) {
	pthread_t t;
	pthread_create(&t, NULL, produce, mb);
	pthread_detach(t);
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

func main() {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 64, MaxMessage: 4, FullPolicy: cgoguard.FullBlock})
	if err != nil {
		panic(err)
	}
	C.start(mb.Ptr())
	buf := make([]byte, 4096)
	n, sum := 0, 0
	for {
		b, err := mb.Recv(buf, -1)
		if errors.Is(err, cgoguard.ErrClosed) {
			break
		}
		if err != nil {
			panic(err)
		}
		for msg, ok := b.Next(); ok; msg, ok = b.Next() {
			sum += int(binary.NativeEndian.Uint32(msg))
			n++
		}
	}
	if n != 1000 || sum != 999*1000/2 {
		fmt.Println("wrong messages:", n, sum)
		os.Exit(1)
	}
	fmt.Println("app ok")
}
GO
printf '//go:build !cgoguard_dynamic\n\npackage main\n\n// #cgo pkg-config: --static cgoguard-static\nimport "C"\n' >"$app/link_static.go"
printf '//go:build cgoguard_dynamic\n\npackage main\n\n// #cgo pkg-config: cgoguard\nimport "C"\n' >"$app/link_dynamic.go"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
       GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath"
(cd "$app" && "$go" build -o app .) || fail "go build against the installed binding"
"$app/app" | grep -q "app ok" || fail "the program did not run"
if readelf -d "$app/app" | grep NEEDED | grep -q cgoguard; then
  readelf -d "$app/app" | grep NEEDED
  fail "the binary depends on libcgoguard dynamically"
fi
echo "ok static: $(readelf -d "$app/app" | grep -c NEEDED) NEEDED entries, none of them libcgoguard"
# Self-contained: it runs with the installed libraries gone.
rm -f "$tmp/prefix/lib"/libcgoguard*.so*
"$app/app" | grep -q "app ok" || fail "the program needs the installed shared library"
echo "ok runs without libcgoguard.so"
# And the opt-out links the shared library.
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
(cd "$app" && "$go" build -tags cgoguard_dynamic -o app-dyn .) || fail "go build -tags cgoguard_dynamic"
readelf -d "$app/app-dyn" | grep NEEDED | grep -q "libcgoguard.so" || fail "-tags cgoguard_dynamic did not link libcgoguard.so"
"$app/app-dyn" | grep -q "app ok" || fail "the dynamically linked program did not run"
echo "ok -tags cgoguard_dynamic links libcgoguard.so"
