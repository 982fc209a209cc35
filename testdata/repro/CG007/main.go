// CG007: C calls a Go func value through a pointer. The program takes the
// code pointer of a Go closure (reflect.ValueOf(f).Pointer(), the usual way
// this is attempted), converts it to a C function pointer and C calls it.
// The code behind the pointer is compiled for Go's internal ABI: its
// arguments and closure context come from Go's registers, and its prologue
// compares the stack pointer with the bound of the goroutine in R14. During a
// C call that is g0, the scheduler's goroutine, and its stack check fails:
// the runtime throws "morestack on g0" (runtime/proc.go, badmorestackg0).
package main

/*
typedef long (*callback_fn)(long);

static long call_it(callback_fn cb, long v) { return cb(v); }
*/
import "C"

import (
	"fmt"
	"reflect"
	"strconv"
	"unsafe"
)

func main() {
	prefix := "got "
	callback := func(v int) int { return len(prefix + strconv.Itoa(v)) }
	fmt.Println("handing the Go closure to C")
	r := C.call_it((C.callback_fn)(unsafe.Pointer(reflect.ValueOf(callback).Pointer())), 2) // want CG007
	fmt.Println("not reached: C returned", r)
}
