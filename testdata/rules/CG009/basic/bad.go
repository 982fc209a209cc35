// Positive cases for CG009: a Go view of C memory outlives the memory.
package uaf

/*
#include <stdlib.h>
#include <string.h>
#include "lib.h"
*/
import "C"

import "unsafe"

// The view is read after C.free.
func readAfterFree(n int) byte {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	C.free(p)
	return b[0] // want CG009
}

// defer C.free runs when the function returns: the caller gets freed memory.
func returnView(s string) []byte {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return unsafe.Slice((*byte)(unsafe.Pointer(cs)), len(s)) // want CG009
}

// The old array-pointer idiom, stored in a named result under defer C.free.
func arrayView(n int) (out []C.char) {
	p := (*C.char)(C.malloc(C.size_t(n)))
	defer C.free(unsafe.Pointer(p))
	out = (*[1 << 28]C.char)(unsafe.Pointer(p))[:n:n] // want CG009
	return
}

// unsafe.String shares the bytes too.
func stringView(n int) string {
	cs := (*C.char)(C.calloc(C.size_t(n), 1))
	s := unsafe.String((*byte)(unsafe.Pointer(cs)), n)
	C.free(unsafe.Pointer(cs))
	return s // want CG009
}

// Freed on one path only: the use after the if is reached from the free.
func freedOnError(n int, fail bool) byte {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	if fail {
		C.free(p)
	}
	return b[0] // want CG009
}

// The C function frees its parameter (its C summary: through release_bytes).
func releasedByC(n int) byte {
	buf := C.buffer_new(C.size_t(n))
	data := unsafe.Slice((*byte)(unsafe.Pointer(buf.data)), n)
	C.buffer_release(buf.data)
	C.free(unsafe.Pointer(buf))
	return data[0] // want CG009
}

// A view stored in the receiver's memory outlives the deferred free.
type reader struct{ last []byte }

func (r *reader) fill(n int) {
	p := C.malloc(C.size_t(n))
	defer C.free(p)
	r.last = unsafe.Slice((*byte)(p), n) // want CG009
}

// A deferred call registered before C.free runs after it.
func deferredPrint(n int, sink func([]byte)) {
	p := C.malloc(C.size_t(n))
	v := unsafe.Slice((*byte)(p), n)
	defer sink(v) // want CG009
	C.free(p)
}

// A view made from the pointer after it was freed.
func viewAfterFree(n int) []byte {
	p := C.malloc(C.size_t(n))
	C.free(p)
	return unsafe.Slice((*byte)(p), n) // want CG009
}

// A sub-slice is still a view.
func subSlice(n int) byte {
	p := C.malloc(C.size_t(n))
	b := unsafe.Slice((*byte)(p), n)
	tail := b[1:]
	C.free(p)
	return tail[0] // want CG009
}

// The view of the previous iteration is used after that iteration freed it.
func previousRound(n int, sink func([]byte)) {
	var b []byte
	for i := 0; i < n; i++ {
		p := C.malloc(10)
		if i > 0 {
			sink(b) // want CG009
		}
		b = unsafe.Slice((*byte)(p), 10)
		C.free(p)
	}
}

type scratch struct {
	buf unsafe.Pointer
	cap int
}

// The freed field keeps its old value: the view is made of freed memory.
func (s *scratch) stale(sink func([]byte)) {
	C.free(s.buf)
	var view []byte
	if s.cap > 0 {
		view = unsafe.Slice((*byte)(s.buf), s.cap) // want CG009
	}
	sink(view)
}
