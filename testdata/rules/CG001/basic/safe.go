// Look-alike safe cases for CG001: they must stay silent.
package basic

/*
#include <stdlib.h>
struct pair { int a; int b; };
struct cnode { int *value; };
static int *c_int(void) { return malloc(sizeof(int)); }
void take(void *p) { (void)p; }
void take_pair(struct pair *p) { (void)p; }
void take_cnode(struct cnode *n) { (void)n; }
void take_ints(int *p, int n) { (void)p; (void)n; }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

type withPointers struct {
	name  *string
	count C.int
}

// safe: &p.count is a pointer to an int field; the runtime checks only that field.
func intFieldOfPointerStruct(p *withPointers) {
	C.take(unsafe.Pointer(&p.count))
}

// safe: the elements hold no pointers.
func pointerFreeSlice(s []C.int) {
	C.take_ints(&s[0], C.int(len(s)))
}

// safe: a C struct without pointer fields.
func pointerFreeStruct() {
	var p C.struct_pair
	C.take_pair(&p)
}

// safe: the pointer field holds C memory, not Go memory.
func cPointerInField() {
	n := C.struct_cnode{value: (*C.int)(C.malloc(4))}
	C.take_cnode(&n)
	C.free(unsafe.Pointer(n.value))
}

// safe: the inner pointer is pinned for the duration of the call (Go 1.21+).
func pinnedInner() {
	var pinner runtime.Pinner
	defer pinner.Unpin()
	v := new(C.int)
	pinner.Pin(v)
	C.take_cnode(&C.struct_cnode{value: v})
}

// safe: C memory holding whatever it holds is not Go memory.
func cMemory() {
	p := C.malloc(64)
	defer C.free(p)
	C.take(p)
}

// safe: a byte array has no pointers.
func byteArray() {
	var buf [16]byte
	C.take(unsafe.Pointer(&buf[0]))
}

// safe: a variable still at its zero value holds only nil pointers when the
// call checks it (the Go source tree's own cgo tests pass such values).
func passZeroValue() {
	var v withPointers
	C.take(unsafe.Pointer(&v))
	var s string
	C.take(unsafe.Pointer(&s))
}

// safe: an out-parameter: the variable holds nil (its zero value) when C
// fills it, and C pointers afterwards; cgocheck checks values
func outParameter() {
	var list **C.char
	C.take(unsafe.Pointer(&list))
	var hints *unsafe.Pointer
	C.take(unsafe.Pointer(&hints))
}

// safe: **uint8 of a caller may well be C memory (go-gl's Strs returns C
// strings as **uint8): nothing shows Go memory holding Go pointers
func shaderSource(xstring **uint8) {
	C.take(unsafe.Pointer(xstring))
}

// Format mirrors a C struct: the package lays it over C memory.
type Format struct {
	name *Format
	n    int
}

func lookupFormat() *Format { return (*Format)(unsafe.Pointer(C.malloc(16))) }

// safe: the receiver is C memory the package cast to *Format (see lookupFormat)
func (f *Format) Free() {
	C.take(unsafe.Pointer(f))
}

// A helper returns, by value, a C struct whose field holds a C pointer
// (graft's Output.c(): C.TF_Output{oper: p.Op.c}).
func cnodeOf() C.struct_cnode { return C.struct_cnode{value: C.c_int()} }

// safe: every element holds only what cnodeOf returns, a C pointer
func passCNodes(n int) {
	list := make([]C.struct_cnode, n)
	for i := range list {
		list[i] = cnodeOf()
	}
	C.take_cnode(&list[0])
}
