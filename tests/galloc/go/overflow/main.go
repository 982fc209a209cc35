// Program overflow: case (2) of issue 6. A C function with an off-by-one
// loop writes one byte past a buffer that Go allocated with C.malloc and
// passed to it.
//
// The size comes from the command line. With 32 (a multiple of malloc's
// 16-byte alignment) the guarded block ends exactly at the guard page and
// the write faults at once: heap-buffer-overflow at offset 32 of a 32-byte
// block. With 30 the block ends 2 bytes before the guard page; the byte
// lands in that slack, whose canary the allocator checks at free, so the
// same report comes from the C.free call. Without the guarded allocator
// the byte lands in glibc's chunk padding and nothing happens: exit 0.
package main

/*
#include <stdlib.h>

// Fills n bytes, and one more: the classic off-by-one.
static void fill_record(char *dst, size_t n) {
	for (size_t i = 0; i <= n; i++) dst[i] = 'x';
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"unsafe"
)

//go:noinline
func newRecord(n int) unsafe.Pointer {
	return C.malloc(C.size_t(n))
}

//go:noinline
func fillRecord(p unsafe.Pointer, n int) {
	C.fill_record((*C.char)(p), C.size_t(n))
}

//go:noinline
func freeRecord(p unsafe.Pointer) {
	C.free(p)
}

func main() {
	n := 32
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil || n <= 0 {
			fmt.Fprintln(os.Stderr, "usage: overflow [size]")
			os.Exit(2)
		}
	}
	p := newRecord(n)
	fillRecord(p, n)
	freeRecord(p)
	fmt.Printf("wrote %d bytes into a %d-byte buffer\n", n+1, n)
}
