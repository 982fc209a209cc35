// Look-alike safe cases for CG003: they must stay silent.
package basic

/*
#include <stdlib.h>
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// safe: C memory that the caller frees.
//
//export CName
func CName(s string) *C.char {
	return C.CString(s)
}

// safe: C.malloc memory, returned through unsafe.Pointer.
//
//export Alloc
func Alloc(n C.size_t) unsafe.Pointer {
	p := C.malloc(n)
	return p
}

// safe: numbers hold no pointers; a cgo.Handle is an integer.
//
//export Register
func Register(v int) (C.int, C.uintptr_t) {
	h := cgo.NewHandle(v)
	return C.int(v), C.uintptr_t(h)
}

// safe: a string literal is static data, which cgoCheckResult does not count as Go memory.
//
//export Version
func Version() string {
	return "1.0"
}

// safe: a nil error and a nil slice hold no pointer.
//
//export NoError
func NoError() ([]byte, error) {
	return nil, nil
}

const label = "label"

// safe: a constant string is static data.
//
//export Label
func Label() string {
	return label
}

var pinner runtime.Pinner

// safe: the returned pointer is pinned (Go 1.21+): cgoCheckResult accepts pinned memory.
//
//export Pinned
func Pinned() *C.int {
	v := new(C.int)
	pinner.Pin(v)
	return v
}

// safe: not exported, so its result never reaches C through cgo.
func notExported() []byte {
	return make([]byte, 4)
}

var table [16]C.int

// safe: a package-level variable is linker-allocated, outside the heap;
// runtime.isPinned counts it as pinned, so cgoCheckResult accepts it.
//
//export Table
func Table() unsafe.Pointer {
	return unsafe.Pointer(&table[0])
}
