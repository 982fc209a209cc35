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

// A slice of the array field of a struct that holds a pointer, kept in a local.
func sendFrameSlice(f *frame) {
	v := f.buf[:]
	p := unsafe.Pointer(&v[0])
	C.use(p, C.size_t(len(v))) // want CG022 "holds &v\[0\]"
}

// An array field of a struct that holds a pointer: the panic is certain
// whenever f.next is set.
func sendFrame(f *frame) {
	ptr := unsafe.Pointer(&f.buf[8])
	C.use(ptr, 8) // want CG022
}

// Assigned later, declared earlier.
func sendAssigned(f *frame) {
	var ptr unsafe.Pointer
	ptr = unsafe.Pointer(&f.buf[0])
	C.use(ptr, 64) // want CG022
}

// A field address passed to a typed pointer parameter that cgo checks.
func sendField(f *frame) {
	p := &f.pr
	C.use_pair(p) // want CG022
}

// A typed element pointer converted at the call.
func sendTyped(f *frame) {
	first := &f.buf[0]
	C.use(unsafe.Pointer(first), 64) // want CG022
}

// unsafe.SliceData taken before the call: cgo sees only the pointer.
func sendSliceData(f *frame) {
	p := unsafe.Pointer(unsafe.SliceData(f.buf[:]))
	C.use(p, 64) // want CG022
}

// unsafe.SliceData(v) inside the call: cgo does not look through it to the
// slice v (only to &v[i] or v[a:b]), so the whole allocation is checked.
func sendSliceDataInCall(f *frame) {
	v := f.buf[:]
	C.use(unsafe.Pointer(unsafe.SliceData(v)), C.size_t(len(v))) // want CG022
}

// One call level up: the helper's caller passes a slice of the frame's array.
func sendPart(v []byte) {
	p := unsafe.Pointer(&v[0])
	C.use(p, C.size_t(len(v))) // want CG022 "taken outside the call to C.use"
}

func SendHeader(f *frame) {
	sendPart(f.buf[8:16])
}
