// CG006: Go pointers handed to C as integers.
//
// 1. cgocheck does not see them: a pointer to a Go map, which CG001's
//    reproduction shows the runtime rejects as an unsafe.Pointer argument,
//    passes unchecked as a C.uintptr_t.
// 2. The collector does not see them: C keeps the integer address of a Go
//    object, the last Go reference goes away, the object's finalizer runs
//    while C still holds the address, and the memory is handed out again to
//    a new object: C's integer now names something else.
//
// The program exits 0: nothing in Go or C notices; the output is the evidence.
package main

/*
#include <stdint.h>
static uintptr_t kept;
static void keep(uintptr_t p) { kept = p; }
static uintptr_t kept_value(void) { return kept; }
*/
import "C"

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"
)

type buffer struct{ data [64]byte }

var collected = make(chan uintptr, 1)

func handOver() {
	b := &buffer{}
	addr := uintptr(unsafe.Pointer(b))
	runtime.SetFinalizer(b, func(*buffer) { collected <- addr })
	C.keep(C.uintptr_t(addr)) // want CG006
}

var sink []*buffer

// reuse allocates objects of the same size until one lands at the address C holds.
func reuse(addr uintptr) {
	for round := 0; round < 10; round++ {
		runtime.GC()
		for i := 0; i < 4096; i++ {
			b := &buffer{}
			sink = append(sink, b)
			if uintptr(unsafe.Pointer(b)) == uintptr(C.kept_value()) {
				fmt.Printf("address %#x reused by a new object while C still holds it\n", addr)
				return
			}
		}
	}
	fmt.Println("address not reused")
}

func main() {
	m := map[string]int{"a": 1}
	C.keep(C.uintptr_t(uintptr(unsafe.Pointer(&m)))) // want CG006
	fmt.Println("cgocheck did not see the map pointer")
	handOver()
	for i := 0; i < 50; i++ {
		runtime.GC()
		select {
		case a := <-collected:
			fmt.Printf("collected object %#x while C still holds %#x\n", a, uintptr(C.kept_value()))
			reuse(a)
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	fmt.Println("object not collected")
}
