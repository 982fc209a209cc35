// Positive cases for CG010: setjmp/longjmp pairs with Go frames between the
// setjmp and the longjmp.
package basic

/*
#include <setjmp.h>
extern void goStep(void);
extern void goWork(int);

// The repro's shape: setjmp, call Go, Go calls C, C longjmps.
static jmp_buf env;
static int guarded(void) {
	if (setjmp(env) == 0) { // want CG010
		goStep();
		return 0;
	}
	return 1;
}
static void fail(void) { longjmp(env, 1); }

// Through a context struct and two C calls before Go runs.
struct job { jmp_buf jb; int step; };
static void run_step(struct job *j) { goWork(j->step); }
static void run_steps(struct job *j) { for (j->step = 0; j->step < 3; j->step++) run_step(j); }
static int run_protected(struct job *j) {
	if (setjmp(j->jb)) return -1; // want CG010
	run_steps(j);
	return 0;
}
static void raise_error(struct job *j) { longjmp(j->jb, 1); }
static void check_step(struct job *j, int ok) { if (!ok) raise_error(j); }

// Known false negative: the jmp_buf reaches the longjmp under another name
// (a pointer parameter), so the buffers are not matched.
static jmp_buf outer_env;
static void bail(jmp_buf *where) { longjmp(*where, 1); }
static void bail_outer(void) { bail(&outer_env); }
extern void goOuter(void);
static int outer(void) {
	if (setjmp(outer_env)) return -1; // want CG010 known-to-fail
	goOuter();
	return 0;
}

// The exported function reaches the longjmp through a Go helper.
static jmp_buf batch_env;
extern void goBatch(void);
static int run_batch(void) {
	if (setjmp(batch_env)) return -1; // want CG010
	goBatch();
	return 0;
}
static void batch_abort(void) { longjmp(batch_env, 2); }

int run_sig_protected(void); // unwind.c
void abort_sig(void);        // unwind.c
*/
import "C"

import "fmt"

//export goStep
func goStep() {
	defer fmt.Println("never printed: longjmp skips this deferred call")
	C.fail() // want CG010
}

var current *C.struct_job

//export goWork
func goWork(step C.int) {
	C.check_step(current, C.int(step%2)) // want CG010
}

//export goSigStep
func goSigStep() {
	C.abort_sig() // want CG010
}

//export goOuter
func goOuter() {
	C.bail_outer() // want CG010 known-to-fail
}

//export goBatch
func goBatch() {
	validateBatch(0)
}

func validateBatch(n int) {
	if n == 0 {
		C.batch_abort() // want CG010
	}
}

func run() {
	_ = C.guarded()
	var j C.struct_job
	current = &j
	_ = C.run_protected(&j)
	_ = C.run_sig_protected()
	_ = C.outer()
	_ = C.run_batch()
}
