// Program uaf: case (1) of issue 6. Go keeps a slice made with unsafe.Slice
// over a C buffer after C.free and reads it again; the stale read is a copy
// executed by the Go runtime (runtime.memmove), not by C code.
//
// Without the guarded allocator the read returns whatever glibc left in the
// freed chunk and the program exits 0. With CGOGUARD_SAMPLE=1 the freed
// block is an inaccessible page: the copy faults, and the report names
// heap-use-after-free at offset 8 of a 64-byte block, allocated by
// newBuffer and freed by releaseBuffer.
//
// The helpers are go:noinline so that each is its own frame in the stacks
// the allocator records, as it would be in a larger program.
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

//go:noinline
func newBuffer(n int) []byte {
	p := C.malloc(C.size_t(n))
	return unsafe.Slice((*byte)(p), n)
}

//go:noinline
func releaseBuffer(b []byte) {
	C.free(unsafe.Pointer(&b[0]))
}

//go:noinline
func readStale(b []byte) []byte {
	out := make([]byte, 16)
	copy(out, b[8:24])
	return out
}

func main() {
	buf := newBuffer(64)
	copy(buf, "header: payload bytes that Go still references")
	releaseBuffer(buf) // buf still points at the C memory
	out := readStale(buf)
	fmt.Printf("read after free returned %d bytes\n", len(out))
}
