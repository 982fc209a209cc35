// CG013: a `double (double)` function is registered where a
// `float (*)(float)` callback is expected. On x86-64 (System V) both travel
// in xmm0, but as different formats: half reads the float 3.0's bits as a
// tiny double and the caller reads the low half of the double result as a
// float, so apply_scale(3) returns 1.3552527e-19 instead of 1.5, every time.
// clang 14's -fsanitize=function checks C++ only (C support came in clang 17),
// so the wrong result is the evidence; the program exits 1 when it sees it.
package main

/*
typedef float (*scale_fn)(float);
static scale_fn registered;
static void register_scale(scale_fn f) { registered = f; }
static float apply_scale(float x) { return registered(x); }

static double half(double x) { return x / 2; }
static void setup(void) {
	register_scale((scale_fn)half); // want CG013
}
*/
import "C"

import (
	"fmt"
	"os"
)

func main() {
	C.setup()
	got := float32(C.apply_scale(3))
	if got != 1.5 {
		fmt.Printf("wrong result through the cast function pointer: half(3) returned %g, want 1.5\n", got)
		os.Exit(1)
	}
	fmt.Println("half(3) =", got)
}
