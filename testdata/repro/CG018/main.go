// CG018: a C function declared noescape keeps the pointer it gets. With
// both `#cgo noescape` and `#cgo nocallback` (Go 1.24+), cgo stops forcing
// the argument to the heap (it uses _Cgo_keepalive instead of _Cgo_use), so
// x stays in stash's stack frame. C keeps its address; after stash returns
// the next calls reuse that frame and C reads whatever is there now.
package main

/*
#cgo noescape keep
#cgo nocallback keep
static int *kept;
static void keep(int *p) { kept = p; }
static int read_kept(void) { return *kept; }
*/
import "C"

import (
	"fmt"
	"os"
)

//go:noinline
func stash() {
	var x C.int = 42
	C.keep(&x) // want CG018
}

//go:noinline
func scribble() int {
	var a [64]int
	for i := range a {
		a[i] = 0x5a5a5a5a
	}
	s := 0
	for _, v := range a {
		s += v
	}
	return s
}

func main() {
	stash()
	scribble()
	v := C.read_kept()
	fmt.Printf("C reads its kept pointer into stash's dead frame: %#x\n", uint32(v))
	if v != 42 {
		fmt.Println("C read a dead stack frame")
		os.Exit(3)
	}
	fmt.Println("the frame still held 42 (not the failure this program shows)")
}
