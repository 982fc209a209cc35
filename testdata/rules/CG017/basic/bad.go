// Positive cases for CG017: threads created by C that call exported Go
// functions (a note; a warning when the thread's stack is set too small).
package basic

/*
#include <pthread.h>
#include <stdint.h>
#include <threads.h>
extern void goSample(int);
extern void goStatus(int);

static void *sampler_main(void *arg) { goSample((int)(intptr_t)arg); return NULL; }

static void report_status(int v) { goStatus(v); }
static void *watcher_main(void *arg) { (void)arg; report_status(1); return NULL; }

static int c11_main(void *arg) { goSample((int)(intptr_t)arg); return 0; }

static void *tiny_main(void *arg) { goStatus((int)(intptr_t)arg); return NULL; }

static void start_threads(void) {
	pthread_t t1, t2;
	thrd_t t3;
	pthread_create(&t1, NULL, sampler_main, (void *)(intptr_t)1); // want CG017:note
	pthread_create(&t2, NULL, watcher_main, NULL); // want CG017:note
	thrd_create(&t3, c11_main, (void *)(intptr_t)3); // want CG017:note
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	thrd_join(t3, NULL);
}

// Through a wrapper that starts whatever routine it is given.
static void *poller_main(void *arg) { (void)arg; goSample(9); return NULL; }
static void spawn(void *(*fn)(void *), void *arg) {
	pthread_t t;
	pthread_create(&t, NULL, fn, arg);
	pthread_detach(t);
}
static void start_poller(void) {
	spawn(poller_main, NULL); // want CG017:note
}

// A warning: 16 KiB is below the 32 KiB the runtime assumes a C thread has.
static void start_tiny(void) {
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16384);
	pthread_create(&t, &attr, tiny_main, NULL); // want CG017:warning
	pthread_join(t, NULL);
}

// The small stack goes to a thread that never calls Go: the thread that does
// runs on a default stack, so its finding stays a note.
static void *quiet_main(void *arg) { (void)arg; return NULL; }
static void *busy_main(void *arg) { (void)arg; goSample(5); return NULL; }
static void start_mixed(void) {
	pthread_t a, b;
	pthread_attr_t small;
	pthread_attr_init(&small);
	pthread_attr_setstacksize(&small, 16384);
	pthread_create(&a, &small, quiet_main, NULL);
	pthread_create(&b, NULL, busy_main, NULL); // want CG017:note
	pthread_join(a, NULL);
	pthread_join(b, NULL);
}
*/
import "C"

var samples, status int

//export goSample
func goSample(v C.int) { samples += int(v) }

//export goStatus
func goStatus(v C.int) { status = int(v) }

func run() {
	C.start_threads()
	C.start_tiny()
	C.start_poller()
	C.start_mixed()
}
