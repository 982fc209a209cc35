// CG016: C frees memory that Go allocated. free() looks for malloc's chunk
// header in front of the pointer, finds Go heap bytes instead, and glibc
// aborts the process (SIGABRT, reported by the Go runtime as "signal
// arrived during cgo execution"); the exact glibc check that fires depends
// on those bytes.
package main

/*
#include <stdlib.h>
static void buf_release(void *p) { free(p); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	buf := make([]byte, 64)
	C.buf_release(unsafe.Pointer(&buf[0])) // want CG016
	fmt.Println("not reached")
}
