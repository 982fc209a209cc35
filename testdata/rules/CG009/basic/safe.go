// Look-alike safe cases for CG009: copies, uses before the free, reassignment.
package uaf

/*
#include <stdlib.h>
#include "lib.h"
*/
import "C"

import "unsafe"

// safe: C.GoBytes copies the bytes into Go memory before the free
func copied(n int) []byte {
	p := C.malloc(C.size_t(n))
	defer C.free(p)
	return C.GoBytes(p, C.int(n))
}

// safe: the view is copied into a Go slice before the deferred free runs
func copiedOut(n int) []byte {
	p := C.malloc(C.size_t(n))
	defer C.free(p)
	out := make([]byte, n)
	copy(out, unsafe.Slice((*byte)(p), n))
	return out
}

// safe: string(view) copies; the deferred free runs after the conversion
func stringCopy(s string) string {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return string(unsafe.Slice((*byte)(unsafe.Pointer(cs)), len(s)))
}

// safe: every use of the view comes before C.free, and len reads only the header
func usedBefore(n int) (byte, int) {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	first := b[0]
	C.free(p)
	return first, len(b)
}

// safe: the view is pointed at fresh memory before it is used again
func reassigned(n int) byte {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	C.free(p)
	b = make([]byte, n)
	return b[0]
}

// safe: the path that frees returns at once
func freeAndReturn(n int, fail bool) byte {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	if fail {
		C.free(p)
		return 0
	}
	v := b[0]
	C.free(p)
	return v
}

// safe: a deferred call registered after defer C.free runs before it (LIFO)
func deferOrder(n int, sink func([]byte)) {
	p := C.malloc(C.size_t(n))
	defer C.free(p)
	v := unsafe.Slice((*byte)(p), n)
	defer sink(v)
}

// safe: buffer_new does not free, and the view is copied before buffer_destroy
func notFreedByC(n int) []byte {
	buf := C.buffer_new(C.size_t(n))
	data := C.GoBytes(unsafe.Pointer(buf.data), C.int(n))
	C.buffer_destroy(buf)
	return data
}

// safe: each iteration makes a new allocation and a new view before using it
func perRound(n int, sink func([]byte)) {
	for i := 0; i < n; i++ {
		p := C.malloc(10)
		b := unsafe.Slice((*byte)(p), 10)
		sink(b)
		C.free(p)
	}
}

type scratch struct {
	buf unsafe.Pointer
	cap int
}

// safe: the freed field is given new memory before the view is declared and made (go-sqlite3's argument buffer)
func (s *scratch) grow(need int, sink func([]byte)) {
	if need > s.cap {
		if s.buf != nil {
			C.free(s.buf)
		}
		s.buf = C.malloc(C.size_t(need))
		s.cap = need
	}
	var view []byte
	if s.cap > 0 {
		view = unsafe.Slice((*byte)(s.buf), s.cap)
	}
	sink(view)
}
