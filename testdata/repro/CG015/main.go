// Reproduction for CG015: a cgo.Handle is used after Delete. The handle
// table (runtime/cgo/handle.go) no longer has the entry, so Value panics
// with "runtime/cgo: misuse of an invalid Handle".
package main

/*
#include <stdint.h>

extern void goVisit(uintptr_t h);

static void visit(uintptr_t h) { goVisit(h); }
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
)

//export goVisit
func goVisit(h C.uintptr_t) {
	fmt.Println("callback sees", cgo.Handle(h).Value().(string))
}

func main() {
	h := cgo.NewHandle("session-1")
	C.visit(C.uintptr_t(h))
	h.Delete()
	fmt.Println("after delete:", h.Value()) // want CG015
}
