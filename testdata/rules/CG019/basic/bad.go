// Positive cases for CG019: C functions declared `#cgo nocallback` that call
// back into Go, directly, through other C functions, or from a .c file.
package basic

/*
#cgo nocallback notify_direct
#cgo nocallback notify_chain
#cgo nocallback notify_from_file
extern void goEvent(int);
extern void goProgress(int);

static void notify_direct(int v) { goEvent(v); }

static void deliver(int v) { goProgress(v); }
static void relay(int v) { if (v > 0) deliver(v - 1); }
static void notify_chain(int v) { relay(v); }

void notify_from_file(int v); // defined in callbacks.c

// A long chain: the finding shows its start and its end.
#cgo nocallback notify_deep
static void deep6(int v) { goEvent(v); }
static void deep5(int v) { deep6(v + 1); }
static void deep4(int v) { deep5(v + 1); }
static void deep3(int v) { deep4(v + 1); }
static void deep2(int v) { deep3(v + 1); }
static void deep1(int v) { deep2(v + 1); }
static void notify_deep(int v) { deep1(v); }

// The call into Go goes through a function pointer initialised with the
// export.
#cgo nocallback notify_indirect
static void (*event_hook)(int) = goEvent;
static void notify_indirect(int v) { event_hook(v); }
*/
import "C"

var total int

//export goEvent
func goEvent(v C.int) { total += int(v) }

//export goProgress
func goProgress(v C.int) { total -= int(v) }

func direct() {
	C.notify_direct(1) // want CG019
}

func chain() {
	C.notify_chain(3) // want CG019
}

func indirect() {
	C.notify_indirect(4) // want CG019
}

func deep() {
	C.notify_deep(0) // want CG019
}

func fromFile() {
	C.notify_from_file(2) // want CG019
}

// Every call site panics, not only the first one.
func again(n int) {
	for i := 0; i < n; i++ {
		C.notify_direct(C.int(i)) // want CG019
	}
}
