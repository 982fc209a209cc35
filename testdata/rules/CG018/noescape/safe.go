// Look-alike safe cases for CG018.
package noescape

/*
#include <stdlib.h>
#include "slots.h"
*/
import "C"

import "unsafe"

func safeCases() {
	var a [4]C.int
	C.sum(&a[0], 4) // safe: sum is noescape and only reads during the call
	C.copy_out(unsafe.Pointer(&a), 16) // safe: memcpy copies the data out
	C.stash(C.malloc(8)) // safe: the kept pointer is C memory
	var x C.int
	C.stash_plain(unsafe.Pointer(&x)) // want CG005 (stash_plain is not noescape: CG005's finding, not CG018's)
	var gs C.struct_slot
	var v C.int
	C.attach(&gs, unsafe.Pointer(&v)) // safe: stored into Go memory, not C memory
}
