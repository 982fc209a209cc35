// Command callback measures what one //export callback into Go costs on the
// installed Go, by the kind of thread that makes it. It is the measurement
// behind rule CG017 (callback-on-foreign-thread): a callback from a thread
// that C created works, but the runtime must first give the thread an M
// (needm; since Go 1.21 cgoBindM keeps it bound until the thread exits, and
// the M goes back to the runtime's list of extra Ms then). It prints, in
// nanoseconds (medians):
//
//   - a callback from a Go-owned thread (Go calls C, C calls Go);
//   - the first callback on a new C thread when the runtime has to create
//     an M for it: the thread takes the last extra M, and the runtime
//     makes a replacement during the call (newextram); threads that stay
//     alive, as in a thread pool, each pay this once;
//   - the first callback on a new C thread that reuses the M of a thread
//     that exited (the list holds spare Ms then);
//   - each further callback from a C thread that has its M;
//   - a C thread per callback (create, one callback, exit), per call, next
//     to the same thread without the callback.
//
// Usage: go run . [-n calls] [-threads N] [-rounds R] (see README.md).
package main

/*
#cgo CFLAGS: -O2
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
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

// Threads that time their first callback and then stay alive (holding
// their M) until released: each new one finds no spare M.
typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int released, k;
	int64_t *first;
	pthread_t *t;
	struct member *m;
} pool;

typedef struct member { struct pool *p; int i; volatile int timed; } member;

static void *pool_main(void *arg) {
	member *m = arg;
	int64_t t0 = now_ns();
	benchCallback(0);
	m->p->first[m->i] = now_ns() - t0;
	__atomic_store_n(&m->timed, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&m->p->mu);
	while (!m->p->released) pthread_cond_wait(&m->p->cv, &m->p->mu);
	pthread_mutex_unlock(&m->p->mu);
	return NULL;
}

// k threads, started one after the other, each alive (with its M) until
// pool_release. first[i]: thread i's first callback.
static pool *pool_start(int k, int64_t *first) {
	pool *p = calloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->k = k;
	p->first = first;
	p->t = calloc((size_t)k, sizeof *p->t);
	p->m = calloc((size_t)k, sizeof *p->m);
	for (int i = 0; i < k; i++) {
		p->m[i] = (member){p, i, 0};
		pthread_create(&p->t[i], NULL, pool_main, &p->m[i]);
		while (!__atomic_load_n(&p->m[i].timed, __ATOMIC_ACQUIRE)) sched_yield();
	}
	return p;
}

// Lets the threads exit: their Ms go back to the runtime's list.
static void pool_release(pool *p) {
	pthread_mutex_lock(&p->mu);
	p->released = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->k; i++) pthread_join(p->t[i], NULL);
	free(p->t);
	free(p->m);
	free(p);
}

static void *first_call_main(void *arg) {
	int64_t t0 = now_ns();
	benchCallback(0);
	*(int64_t *)arg = now_ns() - t0;
	return NULL;
}

// k threads one after the other, each timing its first (and only)
// callback and exiting before the next starts.
static void first_calls_sequential(int k, int64_t *first) {
	for (int i = 0; i < k; i++) {
		pthread_t t;
		pthread_create(&t, NULL, first_call_main, &first[i]);
		pthread_join(t, NULL);
	}
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
	"strings"
)

var sink int

//export benchCallback
func benchCallback(i C.int) { sink += int(i) }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func main() {
	n := flag.Int("n", 200000, "callbacks per measurement")
	threads := flag.Int("threads", 2000, "threads for the thread-per-call measurement")
	alive := flag.Int("alive", 64, "threads per round for the first-call measurements")
	rounds := flag.Int("rounds", 5, "rounds (the median is printed)")
	flag.Parse()
	if *n < 2 || *threads < 1 || *rounds < 1 || *alive < 1 {
		fmt.Fprintln(os.Stderr, "callback: -n must be >= 2, -threads, -alive and -rounds >= 1")
		os.Exit(2)
	}
	fmt.Printf("%s %s/%s, %d CPUs, GOMAXPROCS=%d; medians of %d rounds; load average %s\n", runtime.Version(),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), *rounds, loadavg())
	var pools []*C.pool
	var goOwned, firstNew, firstReused, firstOfAll, repeated, perThread, threadOnly []float64
	for r := 0; r < *rounds; r++ {
		goOwned = append(goOwned, float64(C.loop_from_go(C.int(*n)))/float64(*n))
		// First calls while every earlier such thread stays alive (until
		// all rounds are over): the runtime creates an M each time. The
		// sequential threads exit and leave their Ms behind for the next.
		first := make([]C.int64_t, *alive)
		pools = append(pools, C.pool_start(C.int(*alive), &first[0]))
		if r == 0 {
			firstOfAll = append(firstOfAll, float64(first[0])) // the process's first C-thread callback
		}
		for _, f := range first {
			firstNew = append(firstNew, float64(f))
		}
		C.first_calls_sequential(C.int(*alive), &first[0])
		for _, f := range first {
			firstReused = append(firstReused, float64(f))
		}
		var f, rest C.int64_t
		C.loop_from_c_thread(C.int(*n), &f, &rest)
		repeated = append(repeated, float64(rest)/float64(*n-1))
		perThread = append(perThread, float64(C.thread_per_call(C.int(*threads)))/float64(*threads))
		threadOnly = append(threadOnly, float64(C.thread_only(C.int(*threads)))/float64(*threads))
	}
	for _, p := range pools {
		C.pool_release(p)
	}
	fmt.Printf("callback from a Go-owned thread (Go -> C -> Go):          %8.0f ns per call\n", median(goOwned))
	fmt.Printf("callback from a C thread that has its M, further calls:   %8.0f ns per call\n", median(repeated))
	fmt.Printf("first callback on a new C thread, the runtime creates an M: %6.0f ns (median of %d; the process's very first: %.0f ns)\n",
		median(firstNew), len(firstNew), firstOfAll[0])
	fmt.Printf("first callback on a new C thread, reusing an exited thread's M: %.0f ns (median of %d)\n",
		median(firstReused), len(firstReused))
	pt, to := median(perThread), median(threadOnly)
	fmt.Printf("new C thread per callback (create+call+exit):             %8.0f ns per call (thread alone %.0f ns, callback share %.0f ns)\n",
		pt, to, pt-to)
}
