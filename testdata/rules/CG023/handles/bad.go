// Positive cases for CG023: integers that are not addresses cross into C as
// pointers.
package handles

/*
#include <stdint.h>
typedef void *ctx_ptr;
static void set_user_data(void *p) { (void)p; }
static void set_ctx(ctx_ptr p) { (void)p; }
static void set_char(char *p) { (void)p; }
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// The classic: a cgo.Handle smuggled through a void * user-data slot.
func register(v any) {
	h := cgo.NewHandle(v)
	C.set_user_data(unsafe.Pointer(uintptr(h))) // want CG023
}

// An id from a counter, through a local.
var nextID int

func registerID() {
	nextID++
	id := nextID
	p := unsafe.Pointer(uintptr(id)) // want CG023
	C.set_user_data(p)
}

// A file descriptor converted to a C pointer type.
func passFd(fd C.int) {
	C.set_char((*C.char)(unsafe.Pointer(uintptr(fd)))) // want CG023
}

// A constant tag through a C typedef of void *.
func passTag() {
	C.set_ctx(C.ctx_ptr(unsafe.Pointer(uintptr(7)))) // want CG023
}

// A uintptr local that holds a handle.
func registerLocal(v any) {
	u := uintptr(cgo.NewHandle(v))
	C.set_user_data(unsafe.Pointer(u)) // want CG023
}
