// Positive cases for CG002: Go pointers (or values holding them) stored into C memory.
package basic

/*
#include <stdlib.h>

struct node { int *value; struct node *next; char *name; };
struct table { struct node *slots[4]; void *user; };

static struct node *new_node(void) { return calloc(1, sizeof(struct node)); }
static struct table *new_table(void) { return calloc(1, sizeof(struct table)); }
void *last_user; // external linkage: Go code can only reach non-static C globals
*/
import "C"

import (
	"strings"
	"unsafe"
)

// A field of a struct returned by a C function.
func storeIntoCResult() {
	n := C.new_node()
	n.value = new(C.int) // want CG002
}

// Through *p where p is C.malloc memory viewed as a Go pointer type.
func storeThroughMalloc(x *int) {
	pp := (**int)(C.malloc(C.size_t(unsafe.Sizeof(x))))
	*pp = x // want CG002
}

// A Go struct laid out in C memory: its string and slice fields are Go pointers.
type header struct {
	name string
	data []byte
	n    int
}

func goStructInCMemory(name string) {
	h := (*header)(C.calloc(1, C.size_t(unsafe.Sizeof(header{}))))
	h.name = strings.ToUpper(name) // want CG002
	h.data = make([]byte, 16)      // want CG002
	h.n = 3
}

// An element of a C array field, in C memory reached through a C pointer.
func storeIntoCArrayField(local C.struct_node) {
	t := C.new_table()
	t.slots[0] = &local // want CG002
}

// An element of unsafe.Slice over C memory.
func storeIntoCSlice() {
	cs := unsafe.Slice((**C.int)(C.calloc(4, 8)), 4)
	v := C.int(7)
	cs[1] = &v // want CG002
}

// A C global variable is C memory.
func storeIntoCGlobal(m map[string]int) {
	C.last_user = unsafe.Pointer(&m) // want CG002
}

// A field of a C struct that is itself reached through a pointer field of C memory.
func storeThroughNext() {
	head := C.new_node()
	head.next.value = new(C.int) // want CG002
}

// copy() into a slice over C memory, with Go strings as elements.
func copyStrings(src []string) {
	dst := unsafe.Slice((*string)(C.malloc(64)), 4)
	copy(dst, src) // want CG002
}

// A C struct value holding a Go pointer, written into C memory as a whole.
func storeStructValue() {
	n := C.new_node()
	*n = C.struct_node{value: new(C.int)} // want CG002
}

// A Go slice header written over a C struct field through an unsafe cast.
func sliceIntoCField(data []byte) {
	n := C.new_node()
	*(*[]byte)(unsafe.Pointer(&n.name)) = data // want CG002
}

// The classic big-array cast over C memory, sliced to length.
func cArrayOfBuffers(n int) {
	ptrs := (*[1 << 20]*C.char)(C.malloc(C.size_t(n) * 8))[:n:n]
	for i := range ptrs {
		buf := make([]byte, 64)
		ptrs[i] = (*C.char)(unsafe.Pointer(&buf[0])) // want CG002
	}
}

// A range value over a Go [][]byte is a Go slice: its bytes are Go memory.
func rangeElements(words [][]byte) {
	ptrs := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(words)) * 8))[:len(words):len(words)]
	for i, w := range words {
		ptrs[i] = (*C.char)(unsafe.Pointer(&w[0])) // want CG002
	}
}
