// CG024: Go frees C memory that a C library keeps.
//
// The library calls back into Go to fill its configuration; the callback
// stores a C.CString into the library's struct and frees it with
// `defer C.free` when the callback returns. The library then reads the
// name: a heap use after free. Built with -asan (GOFLAGS=-asan, see
// repro.txt), AddressSanitizer reports it precisely and exits non-zero.
package main

/*
#include <stdlib.h>
#include "lib.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

//export fill_config
func fill_config(cfg *C.struct_config) {
	name := C.CString("production")
	defer C.free(unsafe.Pointer(name))
	cfg.name = name // want CG024
}

func main() {
	fmt.Println("name length:", C.lib_start())
}
