// Look-alike safe cases for CG010: they must stay silent.
package basic

/*
#include <setjmp.h>
extern void goLog(int);
extern void goParse(void);

// safe: the setjmp/longjmp pair never has Go between them (a C-only parser).
static jmp_buf parse_env;
static void parse_inner(int depth) { if (depth > 8) longjmp(parse_env, 1); }
static int parse(int depth) {
	if (setjmp(parse_env)) return -1;
	parse_inner(depth);
	return 0;
}

// safe: Go is called before the setjmp; it has returned when the jump happens.
static jmp_buf late_env;
static void late_fail(void) { longjmp(late_env, 1); }
static int late(int v) {
	goLog(v);
	if (setjmp(late_env)) return -1;
	late_fail();
	return 0;
}

// safe: calls Go after setjmp, but nothing ever longjmps to this buffer.
static jmp_buf unused_env;
static int never_jumped(void) {
	if (setjmp(unused_env)) return -1;
	goLog(0);
	return 0;
}

// safe: the longjmp is in the setjmp's own frame (a retry loop): it never crosses the Go call.
static jmp_buf retry_env;
static int retry(int n) {
	volatile int tries = 0;
	if (setjmp(retry_env)) tries++;
	if (tries < n) longjmp(retry_env, 1);
	goLog(tries);
	return tries;
}

// safe: the callback calls C that sets and jumps to its own buffer, below the Go frames.
static int self_contained(int v) {
	jmp_buf local;
	if (setjmp(local)) return -1;
	if (v < 0) longjmp(local, 1);
	return v;
}
*/
import "C"

var logged int

//export goLog
func goLog(v C.int) { logged += int(v) }

//export goParse
func goParse() {
	_ = C.self_contained(-1)
}

func runSafe() {
	_ = C.parse(9)
	_ = C.late(1)
	_ = C.never_jumped()
	_ = C.retry(3)
}
