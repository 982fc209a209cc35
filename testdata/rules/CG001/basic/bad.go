// Positive cases for CG001: Go memory that holds Go pointers is passed to C.
package basic

/*
#include <stdlib.h>

struct node { int *value; int count; };
typedef struct node node_t;
typedef void *handle_ptr;

void consume(void *p) { (void)p; }
void consume_node(struct node *n) { (void)n; }
void consume_nodes(node_t *n, int len) { (void)n; (void)len; }
void consume_int(int *p) { (void)p; }
void consume_handle(handle_ptr p) { (void)p; }
*/
import "C"

import "unsafe"

// A Go map is a pointer to the runtime's map header.
func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001@12 "m is a map \(map\[string\]int\)"
}

// The composite literal stores a Go pointer (new) in a C pointer field.
func passLiteral() {
	C.consume_node(&C.struct_node{value: new(C.int)}) // want CG001
}

// Elements of the slice hold Go pointers: the runtime checks the whole backing array.
func passSliceOfPointers(s []*buffer) {
	C.consume(unsafe.Pointer(&s[0])) // want CG001
}

// A Go struct whose field is a slice.
type buffer struct {
	data []byte
	n    int
}

func passGoStruct() {
	b := buffer{data: make([]byte, 8)}
	C.consume(unsafe.Pointer(&b)) // want CG001
}

// The field itself holds a Go pointer.
type holder struct {
	inner *holder
	count int
}

func passPointerField(h *holder) {
	C.consume(unsafe.Pointer(&h.inner)) // want CG001
}

// Through a typedef'd pointer type and a C struct filled later by assignment.
func passAssignedStruct() {
	var n C.node_t
	x := C.int(3)
	n.value = &x
	C.consume_nodes(&n, 1) // want CG001
	C.consume_handle(C.handle_ptr(unsafe.Pointer(&n))) // want CG001
}

// A pointer variable that holds the address of a string.
func passStringPointer(s string) {
	p := &s
	C.consume(unsafe.Pointer(p)) // want CG001
}

// A variable declared without a value, then given a Go pointer before the
// call: not its zero value any more.
func passAfterStore() {
	var v withPointers
	name := "x"
	v.name = &name
	C.consume(unsafe.Pointer(&v)) // want CG001
}

// A grouped parameter list types every name: src is a []*buffer too.
func passGroupedParam(dst, src []*buffer) {
	C.consume(unsafe.Pointer(&src[0])) // want CG001 "an element of src"
}

// In this case clause v is a []*buffer.
func passTypeSwitchCase(x interface{}) {
	switch v := x.(type) {
	case []*buffer:
		C.consume(unsafe.Pointer(&v[0])) // want CG001 "an element of v"
	case []byte:
		C.consume(unsafe.Pointer(&v[0])) // safe: a []byte holds no pointers
	}
}

// A pointer field assigned after the literal, through the pointer C gets.
func passFieldSetLater() {
	p := &C.struct_node{}
	p.value = (*C.int)(unsafe.Pointer(new(int32)))
	C.consume_node(p) // want CG001 "p.value is assigned"
}

// A helper returns, by value, a C struct whose field holds a Go pointer.
func nodeOf(v *C.int) C.struct_node { return C.struct_node{value: v} }

func passHelperResult() {
	x := C.int(1)
	n := nodeOf(&x)
	C.consume_node(&n) // want CG001
}

// An array of Go pointers: its type prints with its length.
func passArray(b *buffer) {
	a := [4]*buffer{b}
	C.consume(unsafe.Pointer(&a)) // want CG001 "a has type \[4\]\*buffer, whose elements hold Go pointers"
}

// blst's way of switching cgocheck off for one call: a local named like
// the function cgo's generated code calls. The rule still applies.
func shadowedCheck(points []*string) {
	_cgoCheckPointer := func(...interface{}) {}
	C.consume(unsafe.Pointer(&points[0])) // want CG001 "an element of points is a Go pointer"
}
