// Command callback measures what one //export callback into Go costs on the
// installed Go, by the kind of thread that makes it. It is the measurement
// behind rule CG017 (callback-on-foreign-thread): a callback from a thread
// that C created works, but the runtime must first give the thread an M
// (needm, and since Go 1.21 cgoBindM keeps it bound until the thread exits,
// so only the first call pays for it). It prints, in nanoseconds:
//
//   - a callback from a Go-owned thread (Go calls C, C calls Go);
//   - the first callback from a new C-created thread (needm + bind);
//   - each further callback from that same C thread;
//   - a C thread that makes a single callback and exits (the M is dropped
//     in the thread's TLS destructor: the cost a thread-per-event design
//     pays on every event).
//
// Usage: go run . [-n calls] (see README.md).
package main

/*
#cgo CFLAGS: -O2
#include <pthread.h>
#include <stdint.h>
#include <time.h>

extern void benchCallback(int);

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Called from Go: n callbacks on the calling (Go-owned) thread.
static int64_t loop_from_go(int n) {
	int64_t t0 = now_ns();
	for (int i = 0; i < n; i++) benchCallback(i);
	return now_ns() - t0;
}

typedef struct run { int n; int64_t first, rest; } run;

static void *thread_main(void *arg) {
	run *r = arg;
	int64_t t0 = now_ns();
	benchCallback(0);
	int64_t t1 = now_ns();
	for (int i = 1; i < r->n; i++) benchCallback(i);
	r->first = t1 - t0;
	r->rest = now_ns() - t1;
	return NULL;
}

// One new C thread making n callbacks.
static void loop_from_c_thread(int n, int64_t *first, int64_t *rest) {
	run r = {n, 0, 0};
	pthread_t t;
	pthread_create(&t, NULL, thread_main, &r);
	pthread_join(t, NULL);
	*first = r.first;
	*rest = r.rest;
}

static void *one_call(void *arg) {
	(void)arg;
	benchCallback(0);
	return NULL;
}

// n threads one after the other, each making a single callback; returns
// the total time including thread creation and exit.
static int64_t thread_per_call(int n) {
	int64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, NULL, one_call, NULL);
		pthread_join(t, NULL);
	}
	return now_ns() - t0;
}

static void *no_call(void *arg) { return arg; }

// The same without the callback: the cost of the thread itself.
static int64_t thread_only(int n) {
	int64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, NULL, no_call, NULL);
		pthread_join(t, NULL);
	}
	return now_ns() - t0;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
)

var sink int

//export benchCallback
func benchCallback(i C.int) { sink += int(i) }

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func main() {
	n := flag.Int("n", 200000, "callbacks per measurement")
	threads := flag.Int("threads", 2000, "threads for the thread-per-call measurement")
	rounds := flag.Int("rounds", 5, "rounds (the median is printed)")
	flag.Parse()
	if *n < 2 || *threads < 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "callback: -n must be >= 2, -threads and -rounds >= 1")
		os.Exit(2)
	}
	var goOwned, first, repeated, perThread, threadOnly []float64
	for r := 0; r < *rounds; r++ {
		goOwned = append(goOwned, float64(C.loop_from_go(C.int(*n)))/float64(*n))
		var f, rest C.int64_t
		C.loop_from_c_thread(C.int(*n), &f, &rest)
		first = append(first, float64(f))
		repeated = append(repeated, float64(rest)/float64(*n-1))
		perThread = append(perThread, float64(C.thread_per_call(C.int(*threads)))/float64(*threads))
		threadOnly = append(threadOnly, float64(C.thread_only(C.int(*threads)))/float64(*threads))
	}
	fmt.Printf("%s %s/%s, %d CPUs; median of %d rounds\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), *rounds)
	fmt.Printf("callback from a Go-owned thread (Go -> C -> Go):   %8.0f ns per call\n", median(goOwned))
	fmt.Printf("callback from a C-created thread, first call:      %8.0f ns\n", median(first))
	fmt.Printf("callback from a C-created thread, further calls:   %8.0f ns per call\n", median(repeated))
	pt, to := median(perThread), median(threadOnly)
	fmt.Printf("new C thread per callback (create+call+exit):      %8.0f ns per call (thread alone %.0f ns, callback share %.0f ns)\n",
		pt, to, pt-to)
}
