// CG019 through a function pointer: the C function marked nocallback calls
// the exported Go function through a pointer variable initialised with it.
// The runtime's check (cgocallbackg, on entry to the callback) does not care
// how C got there: it panics as for a direct call.
package main

/*
#cgo nocallback notify_indirect
extern void goEvent(int);
static void (*event_hook)(int) = goEvent;
static void notify_indirect(int v) { event_hook(v); }
*/
import "C"

import "fmt"

var total int

//export goEvent
func goEvent(v C.int) { total += int(v) }

func main() {
	C.notify_indirect(4) // want CG019
	fmt.Println("not reached", total)
}
