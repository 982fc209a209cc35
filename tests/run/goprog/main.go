// Command runprog misbehaves at the cgo boundary in one way per mode, so
// that the tests can check which rule `cgoguard run` names for each.
package main

/*
#include <stdlib.h>
#include "c.h"
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

type holder struct{ p *int }

//export getPtr
func getPtr() *C.int {
	// CG003: returns a pointer to Go memory to C.
	return new(C.int)
}

//export goCallbackCrash
func goCallbackCrash() {
	// Runs on a thread C created; the C function it calls faults.
	C.crash_c()
}

var sink *int

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "ok":
		fmt.Println("fine")
	case "exit3":
		os.Exit(3)
	case "panic":
		panic("runprog: a Go panic")
	case "cg001":
		x := 1
		h := &holder{&x}
		C.take(unsafe.Pointer(h)) // CG001: Go pointer to a Go pointer
	case "cg002":
		x := new(int)
		sink = x
		mem := C.malloc(C.size_t(unsafe.Sizeof(uintptr(0))))
		*(**int)(mem) = x // CG002: Go pointer stored into C memory (cgocheck2)
		fmt.Println("stored")
	case "cg003":
		C.call_get_ptr()
	case "crash":
		C.crash_c()
	case "uaf":
		C.use_after_free()
	case "doublefree":
		C.double_free()
	case "cthread-callback-crash":
		C.run_cthread(1) // a C thread calls goCallbackCrash, which calls crash_c
	case "cthread-crash":
		C.run_cthread(0) // a C thread that never called Go calls crash_c
	default:
		fmt.Fprintln(os.Stderr, "usage: runprog ok|exit3|panic|cg001|cg002|cg003|crash|uaf|doublefree|cthread-callback-crash|cthread-crash")
		os.Exit(2)
	}
}
