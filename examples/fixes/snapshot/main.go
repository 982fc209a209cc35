// Example fix for CG005 (c-retains-go-pointer) with maps: C needs the
// program's settings after the call that passed them has returned, so the
// Go map is copied into a C-owned, immutable cgoguard snapshot.
//
// Before — C keeps pointers into Go memory:
//
//	for k, v := range settings {
//	    C.settings_put((*C.char)(unsafe.Pointer(unsafe.StringData(k))), ...) // CG005
//	}
//
// `go doc cmd/cgo` forbids C to keep a Go pointer after the call returns:
// the Go memory may move or be freed, and the map may change under C.
//
// After — one cgo call copies the whole map into one C block; a C
// background thread takes its own reference (cg_snapshot_retain) and reads
// it with O(1) lookups (cg_snapshot_get) for as long as it needs.
package main

/*
#cgo pkg-config: --static cgoguard-static
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cgoguard/snapshot.h>

static cg_snapshot *current; // owned by the C side: one reference

static void settings_install(void *snap) {
	cg_snapshot_retain(snap);
	cg_snapshot *old = current;
	current = snap;
	cg_snapshot_release(old);
}

// Runs later, on a C thread, after Go has released its reference. The
// report goes to C memory: the thread never sees a Go pointer.
static char report[256];

static void *reporter(void *arg) {
	(void)arg;
	char *out = report;
	cg_snapshot_str host, mode;
	if (cg_snapshot_get(current, "host", 4, &host) != CG_SNAPSHOT_OK ||
	    cg_snapshot_get(current, "mode", 4, &mode) != CG_SNAPSHOT_OK) {
		snprintf(out, 256, "missing keys");
		return NULL;
	}
	snprintf(out, 256, "host=%s mode=%s entries=%zu", host.data, mode.data, cg_snapshot_len(current));
	return NULL;
}

static const char *run_reporter(void) {
	pthread_t t;
	if (pthread_create(&t, NULL, reporter, NULL) != 0) return "cannot start the reporter";
	pthread_join(t, NULL);
	return report;
}

static void settings_drop(void) { cg_snapshot_release(current); current = NULL; }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

func main() {
	settings := map[string]string{"host": "example.org", "mode": "fast", "retries": "3"}
	snap, err := cgoguard.NewStringMapSnapshot(settings)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	C.settings_install(snap.Ptr())
	snap.Release() // Go is done; C holds its own reference

	// Go changes its map and collects garbage: C's copy is unaffected.
	settings["mode"] = "changed"
	delete(settings, "host")
	runtime.GC()

	got := C.GoString(C.run_reporter())
	fmt.Println("C thread read:", got)
	C.settings_drop()
	if got != "host=example.org mode=fast entries=3" {
		os.Exit(1)
	}
}
