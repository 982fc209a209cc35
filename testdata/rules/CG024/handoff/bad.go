// Positive cases for CG024: C memory that Go frees is kept by C.
package handoff

/*
#include <stdlib.h>
#include "lib.h"
*/
import "C"

import "unsafe"

// A callback receives the library's struct and fills it with memory that
// is freed when the callback returns.
//
//export fill_config
func fill_config(cfg *C.struct_config) {
	name := C.CString("fixture")
	defer C.free(unsafe.Pointer(name))
	cfg.name = name // want CG024
}

// A package-level variable outlives the function.
var lastName *C.char

func remember(s string) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	lastName = cs // want CG024
}

// The C function keeps its parameter (its summary stores it in a global).
func setName(s string) {
	cs := C.CString(s)
	C.lib_set_name(cs) // want CG024
	C.free(unsafe.Pointer(cs))
}

// A C object the library returned.
func configure(s string) {
	cfg := C.lib_config()
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	cfg.name = cs // want CG024
}

// Stored by the C function into an object the library owns.
func configureVia(s string) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	C.lib_config_name(C.lib_config(), cs) // want CG024
}

// A package-level C struct.
var globalConfig C.struct_config

func configureGlobal(s string) {
	buf := C.malloc(C.size_t(len(s) + 1))
	defer C.free(buf)
	globalConfig.name = (*C.char)(buf) // want CG024
}

// Stored through an out-parameter (**C.char): the caller reads it after the
// return, when it is already freed.
func nameOut(out **C.char) {
	cs := C.CString("out")
	defer C.free(unsafe.Pointer(cs))
	*out = cs // want CG024
}

// The options outlive the function (returned), the path they hold does not.
func openOptions(path string) *C.struct_opts {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return C.opts_new(cpath) // want CG024
}

// The library keeps the name on one branch, and the free runs after both.
func setThenFree(s string, keep bool) {
	cs := C.CString(s)
	if keep {
		C.lib_set_name(cs) // want CG024
	}
	C.free(unsafe.Pointer(cs))
}
