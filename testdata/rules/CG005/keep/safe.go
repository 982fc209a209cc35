// Look-alike safe cases for CG005.
package keep

/*
#include "keep.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

var pins runtime.Pinner

func safeCases(s string) {
	var a [4]C.int
	C.copy_in(unsafe.Pointer(&a), C.size_t(unsafe.Sizeof(a))) // safe: C copies the data out with memcpy
	C.sum(&a[0], 4) // safe: C only reads during the call

	m := C.malloc(16)
	C.keep(m) // safe: the kept pointer is C memory from C.malloc

	v := new(C.int)
	pins.Pin(v)
	C.keep(unsafe.Pointer(v)) // safe: pinned by a package-level Pinner that is not unpinned here

	w := C.int(1)
	var gobox C.struct_box
	C.box_set(&gobox, unsafe.Pointer(&w)) // safe: the pointer is stored into Go memory, not C memory
}

// Pin, keep, release in C, then Unpin: C has dropped the pointer first.
func pinReleaseUnpin() {
	var pinner runtime.Pinner
	v := new(C.int)
	pinner.Pin(v)
	C.keep(unsafe.Pointer(v)) // safe: C.release runs before the Unpin
	C.release()
	pinner.Unpin()
}

func unknownOrigin(p unsafe.Pointer) {
	C.keep(p) // safe: the provenance of a parameter is unknown
}
