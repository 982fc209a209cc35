// Look-alike safe cases for CG016.
package frees

/*
#include <stdlib.h>
#include "frees.h"
*/
import "C"

import "unsafe"

func safeCases(unknown unsafe.Pointer) {
	m := C.malloc(64)
	C.buf_release(m) // safe: C memory from C.malloc may be freed by C

	cs := C.CString("hello")
	C.buf_release_deep(unsafe.Pointer(cs)) // safe: C.CString allocates with malloc

	b := make([]byte, 16)
	C.buf_sum((*C.uchar)(unsafe.Pointer(&b[0])), 16) // safe: buf_sum only reads
	C.buf_clear(unsafe.Pointer(&b[0]), 16) // safe: memset writes, it does not free

	g := C.buf_grow(nil, 8)
	C.buf_grow(g, 16) // safe: realloc of memory C allocated

	C.buf_release(unknown) // safe: provenance of a parameter is unknown
}
