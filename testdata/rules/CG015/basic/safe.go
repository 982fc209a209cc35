// Look-alike safe cases for CG015.
package handles

/*
#include "lib.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

//export goCallback
func goCallback(ctx unsafe.Pointer) {
	h := *(*cgo.Handle)(ctx)
	_ = h.Value()
}

// safe: the handle value goes to C, which owns it from now on
func register(s *session) {
	C.lib_register_handle(C.uintptr_t(cgo.NewHandle(s)))
}

// safe: the handle is returned to the caller, who owns the Delete
func newSession(name string) cgo.Handle {
	h := cgo.NewHandle(&session{name: name})
	return h
}

// safe: the runtime/cgo documentation's pattern: C uses &h only during the call
func callNow(s *session) {
	h := cgo.NewHandle(s)
	defer h.Delete()
	C.lib_call_now(unsafe.Pointer(&h))
}

// safe: Value before the single Delete
func useThenDelete(s *session) string {
	h := cgo.NewHandle(s)
	name := h.Value().(*session).name
	h.Delete()
	return name
}

// safe: the path that deletes returns at once
func deleteOnError(s *session, fail bool) any {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	if fail {
		h.Delete()
		return nil
	}
	return h.Value()
}

// safe: h gets a new handle after the Delete
func renew(s *session) {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	h.Delete()
	h = cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	h.Delete()
}

// safe: stored in a field of the caller's object
type owner struct{ h cgo.Handle }

func (o *owner) attach(s *session) {
	o.h = cgo.NewHandle(s)
}

// safe: every iteration deletes the handle it created in that iteration
func perRound(n int) {
	for i := 0; i < n; i++ {
		h := cgo.NewHandle(i)
		C.lib_register_handle(C.uintptr_t(h))
		h.Delete()
	}
}
