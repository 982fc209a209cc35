// Look-alike safe cases for CG022: they must stay silent.
package outside

/*
#include <stddef.h>
#include <stdlib.h>
static void use_bytes(char *p, size_t n) { (void)p; (void)n; }
static void use_void(void *p, size_t n) { (void)p; (void)n; }
struct cpair { int *a; int *b; };
static void take(void *p) { (void)p; }
*/
import "C"

import "unsafe"

// safe: the address is taken in the call, so cgo checks only v's elements.
func inCall(v []byte) {
	C.use_void(unsafe.Pointer(&v[0]), C.size_t(len(v)))
}

// safe: a fresh make of a pointer-free type is its own allocation.
func freshMake(n int) {
	buf := make([]byte, n)
	p := unsafe.Pointer(&buf[0])
	C.use_void(p, C.size_t(n))
}

// safe: a local array variable is its own allocation, without pointers.
func localArray() {
	var buf [32]byte
	p := unsafe.Pointer(&buf[0])
	C.use_void(p, 32)
}

// safe: a char * parameter is never checked by cgo (no pointers behind it).
func charParam(v []byte) {
	p := (*C.char)(unsafe.Pointer(&v[0]))
	C.use_bytes(p, C.size_t(len(v)))
}

// safe: C memory is not checked at all.
func cMemory(n int) {
	c := (*[1 << 20]byte)(C.malloc(C.size_t(n)))[:n:n]
	p := unsafe.Pointer(&c[0])
	C.use_void(p, C.size_t(n))
	C.free(unsafe.Pointer(&c[0]))
}

// safe: a fresh composite literal of a pointer-free struct.
type point struct{ x, y int32 }

func freshLiteral() {
	pt := point{1, 2}
	p := unsafe.Pointer(&pt.y)
	C.use_void(p, 4)
}

// safe: unsafe.SliceData of a slice expression in the call: cgo checks the
// slice v[:] only (its checkSlice looks through SliceData).
func sliceDataOfSliceExpr(v []byte) {
	C.use_void(unsafe.Pointer(unsafe.SliceData(v[:])), C.size_t(len(v)))
}

// safe: unsafe.SliceData of a fresh pointer-free allocation.
func sliceDataFresh(n int) {
	buf := make([]byte, n)
	C.use_void(unsafe.Pointer(unsafe.SliceData(buf)), C.size_t(n))
}

// safe: a caller's slice: nothing here shows an allocation around it that
// holds pointers (a []byte's own backing array holds none)
func sendParam(v []byte) {
	p := unsafe.Pointer(&v[0])
	C.take(p)
}

// safe: the same for unsafe.SliceData of a caller's slice
func sendSliceDataParam(v []int32) {
	p := unsafe.Pointer(unsafe.SliceData(v))
	C.take(p)
}

type wrapped struct{ inner C.struct_cpair }

// safe: the struct around the field holds only C pointer fields (a Go
// mirror of a C struct, gotk3's TreeIter): nothing Go-typed to trip over
func sendWrapped(w *wrapped) {
	p := &w.inner
	C.take(unsafe.Pointer(p))
}

// safe: one call level up, the helper's only caller passes its own
// pointer-free allocation
func sendScratch(v []byte) {
	p := unsafe.Pointer(&v[0])
	C.take(p)
}

func SendScratch(n int) {
	sendScratch(make([]byte, n))
}
