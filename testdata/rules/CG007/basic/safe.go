// Look-alike safe cases for CG007: they must stay silent.
package basic

/*
#include <stdint.h>

typedef void (*handler_t)(int);
void c_handler(int code);
void c_handler(int code) { (void)code; }
void set_handler(handler_t h) { (void)h; }
void set_handler_ctx(handler_t h, uintptr_t ctx) { (void)h; (void)ctx; }
handler_t default_handler(void) { return c_handler; }
void goHandler(int code); // exported by export.go
void take_int(int v) { (void)v; }
void take_ptr(void *p) { (void)p; }
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// safe: a C function's address is a C function pointer.
func registerCFunction() {
	C.set_handler((*[0]byte)(C.c_handler))
}

// safe: an //export function is reachable from C through its C symbol, and
// the Go state travels as a cgo.Handle (an integer), not as a func value.
func registerExported(state func(int)) {
	h := cgo.NewHandle(state)
	C.set_handler_ctx((*[0]byte)(C.goHandler), C.uintptr_t(h))
}

// safe: a C function pointer that came from C.
func passCFunctionPointer() {
	h := C.default_handler()
	C.set_handler(h)
}

// safe: the result of calling a func is an int, not the func.
func passCallResult(f func() int) {
	C.take_int(C.int(f()))
}

// safe: the address of an int variable next to a func variable.
func passIntAddress() {
	x := 0
	f := func() { x++ }
	f()
	C.take_ptr(unsafe.Pointer(&x))
}
