// Look-alike safe cases for CG023: they must stay silent.
package handles

/*
#include <stdint.h>
static void take_handle(uintptr_t h) { (void)h; }
static void take_ptr(void *p) { (void)p; }
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// safe: the handle crosses as an integer, as runtime/cgo documents.
func handleAsInteger(v any) {
	h := cgo.NewHandle(v)
	C.take_handle(C.uintptr_t(h))
}

// safe: address arithmetic on a real pointer (unsafe.Pointer rule 3).
func offset(b []byte) {
	C.take_ptr(unsafe.Pointer(uintptr(unsafe.Pointer(&b[0])) + 1))
}

// safe: nil written as a zero integer.
func zero() {
	C.take_ptr(unsafe.Pointer(uintptr(0)))
}

// safe: a uintptr of unknown origin may be an address from C.
func fromParam(addr uintptr) {
	C.take_ptr(unsafe.Pointer(addr))
}

// safe: a one-byte C token stands for the id; C gets a real C pointer.
func token(id int) unsafe.Pointer {
	tok := C.malloc(1)
	C.take_ptr(tok)
	_ = id
	return tok
}

// safe: an integer converted to a pointer that stays in Go is not this rule's business.
func goOnly(id int) bool {
	return unsafe.Pointer(uintptr(id)) == nil
}

// safe: a C long may carry an address (JNI-style jlong handles).
func fromLong(addr C.long) {
	C.take_ptr(unsafe.Pointer(uintptr(addr)))
}
