// Positive cases for CG022: an address taken before the C call makes cgo
// check the whole allocation it points into.
package outside

/*
#include <stddef.h>
struct pair { int *a; int *b; };
static void use(void *p, size_t n) { (void)p; (void)n; }
static void use_pair(struct pair *p) { (void)p; }
*/
import "C"

import "unsafe"

type frame struct {
	next *frame
	buf  [64]byte
	pr   C.struct_pair
}

// A caller's slice may be part of a larger allocation that holds pointers.
func send(v []byte) {
	p := unsafe.Pointer(&v[0])
	C.use(p, C.size_t(len(v))) // want CG022
}

// An array field of a struct that holds a pointer: the panic is certain
// whenever f.next is set.
func sendFrame(f *frame) {
	ptr := unsafe.Pointer(&f.buf[8])
	C.use(ptr, 8) // want CG022
}

// Assigned later, declared earlier.
func sendAssigned(v []byte) {
	var ptr unsafe.Pointer
	ptr = unsafe.Pointer(&v[0])
	C.use(ptr, C.size_t(len(v))) // want CG022
}

// A field address passed to a typed pointer parameter that cgo checks.
func sendField(f *frame) {
	p := &f.pr
	C.use_pair(p) // want CG022
}

// A typed element pointer converted at the call.
func sendTyped(v []int32) {
	first := &v[0]
	C.use(unsafe.Pointer(first), C.size_t(len(v))) // want CG022
}

// unsafe.SliceData taken before the call: cgo sees only the pointer.
func sendSliceData(v []byte) {
	p := unsafe.Pointer(unsafe.SliceData(v))
	C.use(p, C.size_t(len(v))) // want CG022
}

// unsafe.SliceData(v) inside the call: cgo does not look through it to the
// slice v (only to &v[i] or v[a:b]), so the whole allocation is checked.
func sendSliceDataInCall(f *frame) {
	v := f.buf[:]
	C.use(unsafe.Pointer(unsafe.SliceData(v)), C.size_t(len(v))) // want CG022
}
