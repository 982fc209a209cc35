// CG019: a C function declared `#cgo nocallback` calls an exported Go
// function. cgo sets g.nocgocallback for the duration of the call and
// runtime.cgocallbackg (runtime/cgocall.go) panics when C calls back:
// "runtime: function marked with #cgo nocallback called back into Go".
package main

/*
#cgo nocallback notify
extern void goNotified(int);
static void notify(int v) { goNotified(v); }
*/
import "C"

import "fmt"

//export goNotified
func goNotified(v C.int) { fmt.Println("callback ran with", v) }

func main() {
	C.notify(1) // want CG019
	fmt.Println("not reached: the runtime panics when notify calls back into Go")
}
