// Look-alike safe cases for CG003: they must stay silent.
package basic

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"net/http"
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

// safe: a bare return of named results that only ever hold C memory or nil.
//
//export CDescribe
func CDescribe(n C.int) (text *C.char, size C.int) {
	if n > 0 {
		text = C.CString("x")
		size = 1
	}
	return
}

// safe: the slice came from the C caller (a GoSlice C built, usually over C
// memory); handing it back returns C's own memory.
//
//export Echo
func Echo(data []byte) []byte {
	return data[1:]
}

func double(x int) int { return 2 * x }

// safe: a func literal that captures nothing and a top-level function are
// static funcvals, not Go heap, data or bss memory.
//
//export Doubler
func Doubler(static C.int) func(int) int {
	if static != 0 {
		f := func(x int) int { return 2 * x }
		return f
	}
	return double
}

// safe: another package's member may be a constant (static data); not reported on unknown alone.
//
//export Method
func Method() string {
	return http.MethodGet
}

func cNameAndOK() (*C.char, bool) { return C.CString("n"), true }

// safe: `return f()` forwards a function whose every return hands over C
// memory (or nil).
//
//export ForwardC
func ForwardC() (*C.char, bool) {
	return cNameAndOK()
}
