// Look-alike safe cases for CG019: they must stay silent.
package basic

/*
#cgo nocallback pure_sum
#cgo nocallback pure_chain
#cgo nocallback fast_scale
extern void goTick(int);

static int pure_sum(int a, int b) { return a + b; }

static int square(int v) { return v * v; }
static int pure_chain(int v) { return square(v) + 1; }

static int fast_scale(int v) { return v * 3; }
static int fast_scale_notify(int v) { goTick(v); return v * 3; }

static void calls_go_plainly(int v) { goTick(v); }

#cgo nocallback through_c_hook
static int (*c_hook)(int) = square;
static int through_c_hook(int v) { return c_hook(v); }
*/
import "C"

var ticks int

//export goTick
func goTick(v C.int) { ticks += int(v) }

func safeCases() {
	// safe: nocallback and the function never calls Go.
	_ = C.pure_sum(1, 2)
	// safe: nocallback, the whole C call chain stays in C.
	_ = C.pure_chain(4)
	// safe: the function that calls Go is not the one marked nocallback.
	_ = C.fast_scale_notify(5)
	// safe: a look-alike name; fast_scale itself does not call Go.
	_ = C.fast_scale(6)
	// safe: calls back into Go but is not marked nocallback.
	C.calls_go_plainly(7)
	// safe: nocallback, and the function pointer it calls through was
	// initialised with a C function.
	_ = C.through_c_hook(8)
}
