// CG022 with unsafe.SliceData written inside the C call.
//
// cgo narrows its pointer check to the slice only when it can see the slice
// in the argument: `&v[i]` (checkIndex) or a slice expression `v[a:b]`
// (checkSlice), also under conversions and unsafe.SliceData
// (cmd/cgo/gcc.go). unsafe.SliceData(v[:]) is therefore checked as the
// slice v[:]; unsafe.SliceData(v) with a plain v is neither form, so the
// pointer is checked like an unknown one: the whole heap object it points
// into, here the frame struct, whose next field is set.
package main

/*
static void use(void *p) { (void)p; }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

type frame struct {
	next *frame
	buf  [64]byte
}

var keep *frame // forces the frames onto the heap, as in real programs

func main() {
	f := &frame{}
	keep = f
	f.next = &frame{}
	v := f.buf[8:16]
	C.use(unsafe.Pointer(unsafe.SliceData(v[:])))
	fmt.Println("unsafe.SliceData(v[:]) in the call: ok")
	C.use(unsafe.Pointer(&v[0]))
	fmt.Println("&v[0] in the call: ok")
	C.use(unsafe.Pointer(unsafe.SliceData(v))) // want CG022
	fmt.Println("not reached")
}
