// Look-alike safe cases for CG024: they must stay silent.
package handoff

/*
#include <stdlib.h>
#include <string.h>
#include "lib.h"
*/
import "C"

import "unsafe"

// safe: the library only reads the string during the call.
func printIt(s string) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	C.lib_print(cs)
}

// safe: ownership is handed over; Go does not free it.
//
//export fill_config_owned
func fill_config_owned(cfg *C.struct_config) {
	cfg.name = C.CString("kept by the library")
}

// safe: the struct is C memory this function allocated and frees too.
func local() {
	cfg := (*C.struct_config)(C.malloc(C.size_t(unsafe.Sizeof(C.struct_config{}))))
	defer C.free(unsafe.Pointer(cfg))
	cs := C.CString("temporary")
	defer C.free(unsafe.Pointer(cs))
	cfg.name = cs
	C.lib_print(cfg.name)
}

// safe: the library gets a copy made with its allocator, not the freed memory.
//
//export fill_config_copy
func fill_config_copy(cfg *C.struct_config) {
	cs := C.CString("copied")
	defer C.free(unsafe.Pointer(cs))
	cfg.name = C.strdup(cs)
}

// safe: a Go local struct dies with the function.
type options struct{ name *C.char }

func goLocal() int {
	cs := C.CString("x")
	defer C.free(unsafe.Pointer(cs))
	var o options
	o.name = cs
	return int(C.lib_print(o.name))
}

// safe: the out-parameter receives memory this function does not free: the
// caller owns it now.
func nameOutOwned(out **C.char) {
	*out = C.CString("owned")
}

// safe: the freed string is only read before the free; the out-parameter
// gets a number.
func lengthOut(out *C.size_t) {
	cs := C.CString("len")
	defer C.free(unsafe.Pointer(cs))
	*out = C.strlen(cs)
}

// safe: the library copies only the level out of its local settings struct; the title stays in that local
func window(title string) {
	cs := C.CString(title)
	defer C.free(unsafe.Pointer(cs))
	C.lib_window_new(cs, 2)
}

// safe: the vector is this function's own allocation (make_strings returns fresh memory), destroyed before the strings
func runWith(args []string) int {
	cargs := C.make_strings(C.int(len(args)))
	defer C.destroy_strings(cargs)
	for i, arg := range args {
		cstr := C.CString(arg)
		defer C.free(unsafe.Pointer(cstr))
		C.set_string(cargs, C.int(i), cstr)
	}
	return int(C.use_strings(C.int(len(args)), cargs))
}

// safe: the options that hold the path are freed by this function too (opts_free runs before the path's free)
func openWith(path string) int {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	opts := C.opts_new(cpath)
	defer C.opts_free(opts)
	return int(C.opts_use(opts))
}

// safe: either the library keeps the name or the function frees it, never both
func setOrDrop(s string, keep bool) {
	cs := C.CString(s)
	if keep {
		C.lib_set_name(cs)
	} else {
		C.free(unsafe.Pointer(cs))
	}
}
