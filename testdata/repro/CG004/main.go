// CG004: an exported Go function stores a Go pointer through the pointer
// its C caller passed (a C global here). Built with GOEXPERIMENT=cgocheck2,
// the write barrier calls runtime.cgoCheckPtrWrite, which throws.
package main

/*
struct slot { void *p; };
extern void fill(struct slot *s);
static struct slot global_slot;
static void run(void) { fill(&global_slot); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

var sink *int

//export fill
func fill(s *C.struct_slot) {
	x := new(int)
	sink = x
	s.p = unsafe.Pointer(x) // want CG004
}

func main() {
	C.run()
	fmt.Println("stored without a check: build with GOEXPERIMENT=cgocheck2 to catch it")
}
