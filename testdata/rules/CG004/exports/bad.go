// Positive cases for CG004: exported Go functions store Go pointers
// through pointers their C caller passed.
package exports

/*
#include "slots.h"
*/
import "C"

import "unsafe"

var keepAlive []*C.int

//export goFill
func goFill(s *C.struct_slot) {
	v := new(C.int)
	keepAlive = append(keepAlive, v)
	s.p = unsafe.Pointer(v) // want CG004
}

//export goFillTyped
func goFillTyped(s C.slot_ptr) {
	var local C.int = 4
	s.p = unsafe.Pointer(&local) // want CG004
}

//export goFillVoid
func goFillVoid(pp *unsafe.Pointer) {
	buf := make([]byte, 32)
	*pp = unsafe.Pointer(&buf[0]) // want CG004
}

//export goFillArray
func goFillArray(names **C.char) {
	b := make([]byte, 16)
	*(**C.char)(unsafe.Pointer(names)) = (*C.char)(unsafe.Pointer(&b[0])) // want CG004
}

// []byte("literal") copies the literal into a new Go allocation.
//
//export goFillLiteral
func goFillLiteral(names **C.char) {
	b := []byte("go-owned\x00")
	*names = (*C.char)(unsafe.Pointer(&b[0])) // want CG004
}
