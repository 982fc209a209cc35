// Reproduction for CG009: a Go slice made with unsafe.Slice over C memory is
// returned from a function that frees the memory with defer C.free. Built
// with AddressSanitizer (go build -asan), the Go read through the slice is
// reported as a heap-use-after-free.
package main

/*
#include <stdlib.h>
#include <string.h>

static char *make_greeting(void) {
	char *p = malloc(64);
	strcpy(p, "hello from C");
	return p;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// greeting returns a view of C memory that the deferred free releases.
func greeting() []byte {
	p := C.make_greeting()
	defer C.free(unsafe.Pointer(p))
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), 12) // want CG009
}

func main() {
	b := greeting()
	// The bytes live in freed C memory: under ASan this read is reported.
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	fmt.Println("read", len(b), "bytes, sum", sum)
}
