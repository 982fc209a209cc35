// Look-alike safe cases for CG004.
package exports

/*
#include <stdlib.h>
#include "slots.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

var pinner runtime.Pinner

//export goFillInts
func goFillInts(counts *C.int) {
	*counts = 7 // safe: an integer, not a pointer
}

//export goFillC
func goFillC(s *C.struct_slot) {
	s.p = C.malloc(16) // safe: C memory may be stored in C memory
	s.n = 3 // safe: a non-pointer field
}

//export goFillPinned
func goFillPinned(s *C.struct_slot) {
	v := new(C.int)
	pinner.Pin(v)
	s.p = unsafe.Pointer(v) // safe: pinned with a package-level Pinner, never unpinned here
}

//export goFillHandle
func goFillHandle(s *C.struct_slot) {
	h := cgo.NewHandle("value")
	s.n = C.int(h) // safe: a cgo.Handle is an integer, not a Go pointer
	s = &C.struct_slot{}
	s.p = nil // safe: s was reassigned to Go memory, and nil is not a Go pointer
}

func notExported(s *C.struct_slot) {
	v := new(C.int)
	runtime.KeepAlive(v)
	s.p = nil // safe: nil carries no pointer
}
