// Look-alike safe cases for CG017: they must stay silent.
package basic

/*
#include <pthread.h>
#include <stdint.h>
extern void goCount(int);

static volatile int produced;

// safe: the thread never calls Go; Go polls what it produced.
static void *producer_main(void *arg) { produced = (int)(intptr_t)arg; return NULL; }

static int compute(int v) { return v * 2; }
// safe: the thread's call chain stays in C.
static void *worker_main(void *arg) { produced = compute((int)(intptr_t)arg); return NULL; }

// safe: calls Go, but from the Go-owned thread that called C, not a new thread.
static void count_inline(int v) { goCount(v); }

// safe: a small explicit stack, but the thread never calls Go.
static void *big_main(void *arg) { (void)arg; produced = 7; return NULL; }

static void start_safe(void) {
	pthread_t a, b, c;
	pthread_create(&a, NULL, producer_main, (void *)(intptr_t)1);
	pthread_create(&b, NULL, worker_main, (void *)(intptr_t)2);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 8192);
	pthread_create(&c, &attr, big_main, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
}
*/
import "C"

var counted int

//export goCount
func goCount(v C.int) { counted += int(v) }

func runSafe() {
	C.start_safe()
	C.count_inline(C.int(C.produced))
}
