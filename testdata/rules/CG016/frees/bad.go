// Positive cases for CG016: Go memory reaches free/realloc in C.
package frees

/*
#include <stdlib.h>
#include "frees.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

func releaseGoBuffer() {
	buf := make([]byte, 64)
	C.buf_release(unsafe.Pointer(&buf[0])) // want CG016
}

func releaseThroughChain() {
	var x [8]C.int
	C.buf_release_deep(unsafe.Pointer(&x)) // want CG016
}

func growGoBytes() {
	b := make([]byte, 16)
	C.buf_grow((*C.char)(unsafe.Pointer(&b[0])), 32) // want CG016
}

func freeGoNode() {
	n := &C.struct_node{value: 1}
	C.node_free(n) // want CG016
}

// Pinning keeps the Go collector away; free() still does not own the memory.
func freePinned() {
	var p runtime.Pinner
	defer p.Unpin()
	v := new(C.int)
	p.Pin(v)
	C.buf_release(unsafe.Pointer(v)) // want CG016
}
