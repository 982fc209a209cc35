// CG010: a C function sets a jmp_buf, calls an exported Go function, and
// the Go function calls C that longjmps back. The jump discards goStep's
// frames (its deferred call never runs) and lands in guarded, which returns
// into the original cgocall; runtime.exitsyscall finds the goroutine's
// syscall frame gone and throws "exitsyscall: syscall frame is no longer
// valid" (runtime/proc.go). The program prints a line from the deferred
// call only if Go unwound normally, which it never does.
package main

/*
#include <setjmp.h>
extern void goStep(void);
static jmp_buf env;
static int guarded(void) {
	if (setjmp(env) == 0) { // want CG010
		goStep();
		return 0;
	}
	return 1;
}
static void fail(void) { longjmp(env, 1); }
*/
import "C"

import "fmt"

//export goStep
func goStep() {
	defer fmt.Println("deferred call in goStep ran")
	C.fail() // want CG010
}

func main() {
	fmt.Println("guarded returned", C.guarded())
}
