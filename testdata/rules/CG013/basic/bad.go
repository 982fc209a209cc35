// Positive cases for CG013: function pointers cast to a function type with
// a different calling convention, then called or passed on.
package basic

/*
#include <pthread.h>
#include <stdio.h>

static void background(void) { }
static void start_background(void) {
	pthread_t t;
	pthread_create(&t, NULL, (void *(*)(void *))background, NULL); // want CG013
	pthread_join(t, NULL);
}

typedef float (*scale_fn)(float);
static scale_fn registered;
static void register_scale(scale_fn f) { registered = f; }
static double half(double x) { return x / 2; }
static void setup_scale(void) {
	register_scale((scale_fn)half); // want CG013
}

static int add3(int a, int b, int c) { return a + b + c; }
static int add_two(int a, int b) {
	return ((int (*)(int, int))add3)(a, b); // want CG013
}

static int log_line(const char *fmt, ...) { (void)fmt; return 0; }
static int log_number(int n) {
	return ((int (*)(const char *, int))log_line)("%d", n); // want CG013
}

// The cast's result is stored in a variable and called through it later.
static int add_pair_later(int a, int b) {
	int (*f)(int, int) = (int (*)(int, int))add3; // want CG013
	return f(a, b);
}

// Through the generic type on the way, the function's own type still decides.
typedef void (*free_fn)(void *);
void free_with_flags(void *p, int flags);
void free_all(void *l, free_fn f);
static void clear_flags(void *l) {
	free_all(l, (free_fn) (void (*)(void)) free_with_flags); // want CG013
}

// A start routine handed in through a parameter of the generic type.
static void worker(void) { }
static void start_thread(void (*f)(void)) {
	pthread_t t;
	pthread_create(&t, NULL, (void *(*)(void *))f, NULL); // want CG013
	pthread_join(t, NULL);
}
static void start_worker(void) { start_thread(worker); }

// The same, with the function passed from Go.
static void run_generic(void (*f)(void)) {
	((int (*)(int))f)(1); // want CG013
}

void setup_events(void); // events.c
*/
import "C"

func setup() {
	C.start_background()
	C.setup_scale()
	_ = C.add_two(1, 2)
	_ = C.log_number(3)
	_ = C.add_pair_later(1, 2)
	C.setup_events()
	C.start_worker()
	C.run_generic((*[0]byte)(C.worker))
	C.clear_flags(nil)
}
