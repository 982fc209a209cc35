// Look-alike safe cases for CG002: they must stay silent.
package basic

/*
#include <stdlib.h>
struct cbox { int *value; long count; char *label; };
static struct cbox *new_cbox(void) { return calloc(1, sizeof(struct cbox)); }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// safe: the stored pointer is C memory itself.
func storeCPointer() {
	b := C.new_cbox()
	b.value = (*C.int)(C.malloc(4))
	b.label = C.CString("x")
}

// safe: integers hold no pointers.
func storeInteger(n int) {
	b := C.new_cbox()
	b.count = C.long(n)
}

// safe: a Go pointer stored into Go memory (a Go variable of C struct type).
func storeIntoGoMemory() {
	var b C.struct_cbox
	b.value = new(C.int)
	_ = b
}

// safe: runtime.cgoCheckPtrWrite skips pinned objects (Go 1.21+).
func storePinned() {
	var pinner runtime.Pinner
	defer pinner.Unpin()
	v := new(C.int)
	pinner.Pin(v)
	b := C.new_cbox()
	b.value = v
}

// safe: nil and a string literal are not Go heap, data or bss memory.
type named struct {
	label string
	next  *named
}

func storeStatic() {
	h := (*named)(C.calloc(1, C.size_t(unsafe.Sizeof(named{}))))
	h.label = "static"
	h.next = nil
}

// safe: copy of bytes into C memory moves no pointers.
func copyBytes(data []byte) {
	dst := unsafe.Slice((*byte)(C.malloc(C.size_t(len(data)))), len(data))
	copy(dst, data)
}

// safe: a pointer of unknown provenance (a parameter of C type) is not reported alone.
func storeUnknown(b *C.struct_cbox, v *C.int) {
	b.value = v
}

// safe: the target is a Go slice, not C memory.
func storeIntoGoSlice(dst []*C.int) {
	dst[0] = new(C.int)
}

var counter C.int
var counters [4]C.int

// safe: package-level variables are linker-allocated, outside the heap;
// runtime.isPinned counts them as pinned, so cgoCheckPtrWrite accepts them.
func storeGlobalAddress() {
	b := C.new_cbox()
	b.value = &counter
	b.value = &counters[2]
}

// safe: range values over a []*C.char are C pointers, not Go memory.
func rangeCPointers(names []*C.char) {
	ptrs := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(names)) * 8))[:len(names):len(names)]
	for i, p := range names {
		ptrs[i] = p
	}
}

// safe: the range key is an index; the stored value is a copy in C memory.
func rangeCopies(words [][]byte) {
	ptrs := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(words)) * 8))[:len(words):len(words)]
	for i := range words {
		ptrs[i] = (*C.char)(C.CBytes(words[i]))
	}
}
