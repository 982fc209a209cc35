// CG003: an exported Go function returns a Go pointer to its C caller.
// cgo wraps the exported function and passes its result to
// runtime.cgoCheckResult, which panics with the default GODEBUG=cgocheck=1.
package main

/*
int call_counter(void);
*/
import "C"

import "fmt"

//export newCounter
func newCounter() *C.int { return new(C.int) } // want CG003

func main() {
	fmt.Println("not reached:", C.call_counter())
}
