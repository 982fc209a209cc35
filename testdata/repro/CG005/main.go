// CG005: C keeps a Go pointer after the call returns. The Go array holds no
// pointers, so cgocheck has nothing to object to at the call; but once
// stash returns nothing in Go references the array, the collector frees it
// (it never scans C memory), and C's kept pointer reads freed memory. With
// GODEBUG=clobberfree=1 the collector fills freed objects with 0xdeadbeef,
// (or, when the whole span goes back to the heap, leaves it zeroed), which
// makes the stale read deterministic.
package main

/*
static int *kept;
static void keep(int *p) { kept = p; }
static int read_kept(void) { return kept[0]; }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
)

func stash() {
	a := new([16]C.int)
	for i := range a {
		a[i] = 42
	}
	C.keep(&a[0]) // want CG005
}

func main() {
	stash()
	fmt.Println("C reads its kept pointer before any GC:", C.read_kept())
	runtime.GC()
	runtime.GC()
	v := C.read_kept()
	fmt.Printf("C reads its kept pointer after GC: %#x\n", uint32(v))
	if v != 42 {
		fmt.Println("C read freed Go memory")
		os.Exit(3)
	}
	fmt.Println("the array survived (not the failure this program shows)")
}
