// Positive cases for CG015: cgo.Handle leaked, deleted twice, used after
// Delete, or passed to C by address where C keeps it.
package handles

/*
#include "lib.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

type session struct{ name string }

// The handle is created and dropped: the table holds s forever.
func leakDiscarded(s *session) {
	cgo.NewHandle(s) // want CG015
}

// The local is only read, never deleted or handed on.
func leakLocal(s *session) string {
	h := cgo.NewHandle(s) // want CG015
	return h.Value().(*session).name
}

// Deleted twice on one path.
func deleteTwice(s *session) {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	h.Delete()
	h.Delete() // want CG015
}

// Value after Delete.
func valueAfterDelete(s *session) string {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	h.Delete()
	return h.Value().(*session).name // want CG015
}

// The deferred Delete runs after the explicit one.
func deferAndDelete(s *session, done bool) {
	h := cgo.NewHandle(s)
	defer h.Delete()
	C.lib_register_handle(C.uintptr_t(h))
	if done {
		h.Delete() // want CG015
	}
}

// Deleted in a branch, used after it.
func deleteInBranch(s *session, fail bool) any {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	if fail {
		h.Delete()
	}
	return h.Value() // want CG015
}

// C keeps the address of the Go variable h, not the handle.
func registerByAddress(s *session) {
	h := cgo.NewHandle(s)
	C.lib_register(unsafe.Pointer(&h)) // want CG015
}

// The handle created before the loop is deleted in every iteration.
func deleteInLoop(s *session, n int) {
	h := cgo.NewHandle(s)
	C.lib_register_handle(C.uintptr_t(h))
	for i := 0; i < n; i++ {
		h.Delete() // want CG015
	}
}
