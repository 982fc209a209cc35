/*
 * producers.h: the C side of the interop benchmark — producer threads that
 * Go did not create, delivering events either by calling the exported Go
 * function benchDirect (the pattern CG017 flags) or by posting to a
 * cgoguard mailbox, and recording the latency of every event.
 */
#ifndef CG_BENCH_PRODUCERS_H
#define CG_BENCH_PRODUCERS_H

#include <pthread.h>
#include <stdint.h>

enum { BENCH_DIRECT = 0, BENCH_MAILBOX = 1, BENCH_MAX_MSG = 1024 };
/* In BENCH_MAILBOX mode a CG_MAILBOX_DROPPED post counts as dropped and the
 * producer moves on (its sequence number is skipped, as the receiver sees). */

struct bench_run;

typedef struct bench_producer {
    struct bench_run *run;
    int id;
    int mode;
    uint32_t count, size;
    int64_t interval_ns;    /* 0: back to back; else one event per interval (sleeping between) */
    int timed;              /* time every event (latency runs); 0: no clock reads (rate runs) */
    void *mailbox;          /* cg_mailbox * in BENCH_MAILBOX mode */
    int64_t *latency_ns;    /* count entries when timed (else NULL), allocated by bench_start */
    uint32_t posted;        /* events delivered / posted OK */
    uint32_t dropped;       /* posts that returned CG_MAILBOX_DROPPED */
    int failed_status;      /* first non-OK post status, 0 if none */
    pthread_t thread;
} bench_producer;

typedef struct bench_run {
    int n;
    bench_producer p[8];
    _Atomic int go;         /* start barrier */
} bench_run;

/* Allocates everything up front (the timed loop never allocates) and starts
 * the threads, which wait for bench_go. Returns NULL on bad arguments. */
bench_run *bench_start(int n, int mode, uint32_t count, uint32_t size, int64_t interval_ns,
                       int timed, void *mailbox);
void bench_go(bench_run *run);
void bench_join(bench_run *run);
void bench_free(bench_run *run);

/* Calls benchDirect count times from the calling (Go-owned) thread. */
void bench_callback_loop(int id, uint32_t count, uint32_t size);

/* On a new pthread: times the thread's first callback into Go, then count
 * more (no per-call timing). Both in nanoseconds. */
void bench_callback_thread(int id, uint32_t count, int64_t *first_ns, int64_t *loop_ns);

/* Handle lookups from C: acquire + release of one handle, count times.
 * Returns elapsed nanoseconds. */
int64_t bench_handle_lookups(void *table, uint64_t handle, uint64_t count);
/* The same from n C threads at once, each on its own handle; returns the
 * wall time. */
int64_t bench_handle_lookups_threads(void *table, const uint64_t *handles, int n, uint64_t count);

int64_t bench_now_ns(void);

#endif /* CG_BENCH_PRODUCERS_H */
