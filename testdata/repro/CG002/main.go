// CG002: a Go pointer stored into a field of a C struct allocated by C.
// Built with GOEXPERIMENT=cgocheck2, every pointer write goes through
// runtime.cgoCheckPtrWrite, which throws when an unpinned Go pointer is
// written into memory the Go runtime does not own. (With the default
// GODEBUG=cgocheck=1 the store goes unnoticed and the collector may free
// the int while C still points to it.)
package main

/*
#include <stdlib.h>
struct holder { int *value; };
static struct holder *new_holder(void) { return calloc(1, sizeof(struct holder)); }
*/
import "C"

import "fmt"

func main() {
	h := C.new_holder()
	h.value = new(C.int) // want CG002
	fmt.Println("not reached: cgocheck2 throws at the store above")
}
