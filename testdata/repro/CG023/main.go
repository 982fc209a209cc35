// CG023: a cgo.Handle (an integer) converted to unsafe.Pointer.
//
// cgo.NewHandle returns small integers (1, 2, ...). Converted to
// unsafe.Pointer they are "pointers" below minLegalPointer (4096). When the
// goroutine's stack grows while such a value is live in a frame, the
// runtime's stack copier (runtime/stack.go adjustpointers) finds it and
// throws "invalid pointer found on stack" (GODEBUG=invalidptr=1, the
// default). Built with checkptr (-race, or -gcflags=all=-d=checkptr) the
// conversion itself throws "checkptr: pointer arithmetic computed bad
// pointer value". Passing C.uintptr_t(h) instead is correct.
package main

/*
static void *saved;
static void keep(void *p) { saved = p; }
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// grow uses enough stack to make the runtime copy the goroutine's stack.
//
//go:noinline
func grow(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return grow(n-1) + int(pad[n%256])
}

func main() {
	h := cgo.NewHandle("session state")
	p := unsafe.Pointer(uintptr(h)) // want CG023
	C.keep(p)
	grow(1000)
	fmt.Println("not reached:", p)
}
