// Positive cases for CG005: C keeps a Go pointer after the call returns.
package keep

/*
#include "keep.h"

// _GoString_ exists only in preambles: keep the bytes of a Go string.
static const char *kept_name;
static void keep_name(_GoString_ s) { kept_name = _GoStringPtr(s); }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// C stores the address of a Go array in a static variable.
func keepArray() {
	var a [4]C.int
	C.keep(unsafe.Pointer(&a)) // want CG005
}

// The keep happens three calls down in C.
func keepThroughChain() {
	x := new(C.int)
	C.keep_chain(unsafe.Pointer(x)) // want CG005
}

// The element pointer of a slice: the whole backing array is kept.
func keepSliceElement() {
	s := make([]C.int, 8)
	C.keep_boxed(&s[0]) // want CG005
}

// A built Go string passed as _GoString_: its bytes cannot be pinned.
func keepString(name string) {
	s := name + "!"
	C.keep_name(s) // want CG005
	C.keep_name("constant") // safe: a string constant is static data, never freed or moved
}

// C stores the Go pointer into C memory that another argument points to.
func storeIntoCBox() {
	b := (*C.struct_box)(C.malloc(C.size_t(unsafe.Sizeof(C.struct_box{}))))
	v := C.int(7)
	C.box_set(b, unsafe.Pointer(&v)) // want CG005
}

// Pinned, but unpinned right after the call while C still holds it.
func unpinTooEarly() {
	var pinner runtime.Pinner
	v := new(C.int)
	pinner.Pin(v)
	C.keep(unsafe.Pointer(v)) // want CG005
	pinner.Unpin()
}

// A deferred Unpin ends the pin when this function returns; C keeps it longer.
func deferredUnpin() {
	var pinner runtime.Pinner
	defer pinner.Unpin()
	v := new(C.int)
	pinner.Pin(v)
	C.keep(unsafe.Pointer(v)) // want CG005
}

// Pinning the string variable pins its header, not the bytes C keeps.
func keepPinnedString(name string) {
	var pinner runtime.Pinner
	s := name + "?"
	pinner.Pin(&s)
	C.keep_name(s) // want CG005
}

// The pointer becomes the start argument of a thread that outlives the call.
func startWorker() {
	job := new([8]C.int)
	C.start_worker(unsafe.Pointer(job)) // want CG005
}

// C keeps a pointer derived by arithmetic: still into the Go array.
func keepInterior() {
	var b [4]C.int
	C.keep_interior(&b[0]) // want CG005
}

// Known false negative of the C summaries: the pointer value is copied
// with memcpy (csummary.h tracks pointer values, not bytes copied).
func keepCopiedBytes() {
	var a [4]C.int
	C.keep_bytes(unsafe.Pointer(&a)) // want CG005 known-to-fail
}
