// Positive cases for CG018: functions declared #cgo noescape keep or
// return a pointer argument.
package noescape

/*
#cgo noescape stash
#cgo nocallback stash
#cgo nocallback identity
#cgo noescape stash_deep
#cgo noescape identity
#cgo noescape attach
#cgo noescape stash_name
#cgo noescape sum
#cgo noescape copy_out
#include <stdlib.h>
#include "slots.h"

// _GoString_ exists only in preambles.
static const char *saved_name;
static void stash_name(_GoString_ s) { saved_name = _GoStringPtr(s); }
*/
import "C"

import "unsafe"

func stackKeep() {
	var x C.int = 1
	C.stash(unsafe.Pointer(&x)) // want CG018
}

func stackKeepDeep() {
	var a [4]C.int
	C.stash_deep(unsafe.Pointer(&a[0])) // want CG018
}

func stackReturn() *C.int {
	var v C.int = 3
	return C.identity(&v) // want CG018
}

func stackIntoCMemory() {
	s := (*C.struct_slot)(C.malloc(C.size_t(unsafe.Sizeof(C.struct_slot{}))))
	var v C.int
	C.attach(s, unsafe.Pointer(&v)) // want CG018
}

func stringKept(name string) {
	n := name + ".txt"
	C.stash_name(n) // want CG018
	C.stash_name("config") // safe: a string constant is static data, never on the stack
}
