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

struct bench_run;

typedef struct bench_producer {
    struct bench_run *run;
    int id;
    int mode;
    uint32_t count, size;
    void *mailbox;          /* cg_mailbox * in BENCH_MAILBOX mode */
    int64_t *latency_ns;    /* count entries, allocated by bench_start */
    uint32_t posted;        /* events delivered / posted OK */
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
bench_run *bench_start(int n, int mode, uint32_t count, uint32_t size, void *mailbox);
void bench_go(bench_run *run);
void bench_join(bench_run *run);
void bench_free(bench_run *run);

/* Calls benchDirect count times from the calling (Go-owned) thread. */
void bench_callback_loop(int id, uint32_t count, uint32_t size);

/* Handle lookups from C: acquire + release of one handle, count times.
 * Returns elapsed nanoseconds. */
int64_t bench_handle_lookups(void *table, uint64_t handle, uint64_t count);
/* The same from n C threads at once, each on its own handle; returns the
 * wall time. */
int64_t bench_handle_lookups_threads(void *table, const uint64_t *handles, int n, uint64_t count);

int64_t bench_now_ns(void);

#endif /* CG_BENCH_PRODUCERS_H */
