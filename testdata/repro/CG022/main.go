// CG022: the address of a slice element taken outside the C call.
//
// v is a sub-slice of an array field of a struct that also holds a Go
// pointer. Passing unsafe.Pointer(&v[0]) written in the call is fine: cgo
// hands the slice v to runtime.cgoCheckPointer, which checks only v's
// elements (bytes). Taking the address first, p := unsafe.Pointer(&v[0]),
// and passing p makes cgoCheckPointer check the whole heap object p points
// into (cgoCheckUnknownPointer), which is the frame struct: it panics as
// soon as frame.next is non-nil. The "intermittent" panic (it depends on the
// data) is made deterministic by setting next before the second call.
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

func inCall(v []byte) {
	C.use(unsafe.Pointer(&v[0]))
}

func outside(v []byte) {
	p := unsafe.Pointer(&v[0])
	C.use(p) // want CG022
}

func main() {
	f := &frame{}
	keep = f
	v := f.buf[8:16]
	outside(v) // f.next is nil: the whole-object check finds nothing
	fmt.Println("outside the call, next == nil: ok")
	f.next = &frame{}
	inCall(v)
	fmt.Println("address taken in the call, next != nil: ok")
	outside(v)
	fmt.Println("not reached")
}
