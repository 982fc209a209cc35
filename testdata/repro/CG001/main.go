// CG001: the motivating scenario (a). A Go map is passed to C as
// unsafe.Pointer(&m); the C side keeps it in a global to read it later from
// a callback. With the default GODEBUG=cgocheck=1 the runtime's
// cgoCheckPointer finds the Go map pointer inside the Go memory passed and
// panics before C runs.
package main

/*
static void *saved_map;
static void keep_map(void *m) { saved_map = m; }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	m := map[string]int{"answer": 42}
	C.keep_map(unsafe.Pointer(&m)) // want CG001 CG005
	fmt.Println("not reached: cgocheck lets this through only with GODEBUG=cgocheck=0")
}
