//go:build linked

package main

/*
#cgo LDFLAGS: -lcgoguard
#include <cgoguard/crashguard.h>
#include <stdint.h>

static uintptr_t fake_page;
static uintptr_t fake_frames[1];

// A stand-in for the guarded allocator: claims one page.
static bool fake_describe(uintptr_t addr, cg_fault_detail *out) {
	if (addr < fake_page || addr >= fake_page + 4096) return false;
	out->kind = "heap-use-after-free";
	out->access_address = addr;
	out->block_address = fake_page;
	out->block_size = 64;
	out->alloc_frames = fake_frames;
	out->alloc_frame_count = 1;
	out->free_frames = fake_frames;
	out->free_frame_count = 1;
	return true;
}

static void fake_register(void *page) {
	fake_page = (uintptr_t)page;
	fake_frames[0] = (uintptr_t)__builtin_return_address(0);
	cg_crashguard_set_describer(fake_describe);
}
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

// With the `linked` tag the program links libcgoguard and installs the
// crash guard itself, after the Go runtime started (linked-in mode).
var installLinked = func() {
	if os.Getenv("CRASHPROG_NO_INSTALL") == "" && C.cg_crashguard_install() != 0 {
		fmt.Fprintln(os.Stderr, "cg_crashguard_install failed")
		os.Exit(3)
	}
}

func registerFakeDescriber(p unsafe.Pointer) { C.fake_register(p) }
