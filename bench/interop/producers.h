/*
 * producers.h: the C side of the interop benchmark — producer threads that
 * Go did not create, delivering events to Go in one of four ways, paced like
 * a device (a burst of events every period) or back to back:
 *
 *   BENCH_DIRECT   one call of the exported Go function benchDirect per
 *                  event (the pattern CG017 points at);
 *   BENCH_CHAN     one call of benchChan per event, which copies the event
 *                  into a Go channel that a goroutine drains;
 *   BENCH_BATCH    the thread collects events and calls benchBatch once per
 *                  `batch` events (or when the oldest waited batch_delay_ns);
 *   BENCH_MAILBOX  cg_mailbox_post per event; a goroutine receives.
 *
 * Every event carries its producer id, sequence number and a time
 * (CLOCK_MONOTONIC ns) that the Go handler subtracts from the time it starts
 * handling the event. An event is *due* at the moment its burst was due when
 * the producer is late (the previous delivery kept it busy past that moment,
 * so a blocked callback counts for every event it holds up), else at the
 * moment the producer woke for it (its own wake-up jitter is nobody's
 * delivery latency). With time_posts the event carries the moment it was
 * handed over (the post or call starts) and late_ns[seq] says how long after
 * its due time that was, so the handler gets both "post -> handler start"
 * and "due -> handler start"; without, it carries its due time.
 */
#ifndef CG_BENCH_PRODUCERS_H
#define CG_BENCH_PRODUCERS_H

#include <pthread.h>
#include <stdint.h>

enum {
    BENCH_DIRECT = 0,
    BENCH_CHAN = 1,
    BENCH_BATCH = 2,
    BENCH_MAILBOX = 3,
    BENCH_MAX_MSG = 1024,
    BENCH_MAX_PRODUCERS = 8,
    BENCH_HEADER = 16, /* u32 id, u32 seq, i64 event time */
};

struct bench_run;

typedef struct bench_config {
    int mode;
    int producers;            /* 1 .. BENCH_MAX_PRODUCERS */
    uint32_t size;            /* BENCH_HEADER .. BENCH_MAX_MSG bytes per event */
    int64_t period_ns;        /* one burst per period; 0: back to back */
    uint32_t burst;           /* events per burst (>= 1) */
    uint32_t bursts;          /* bursts per producer */
    int64_t give_up_ns;       /* paced runs: stop posting once this far past the schedule's end */
    uint32_t batch;           /* BENCH_BATCH: events per callback */
    int64_t batch_delay_ns;   /* BENCH_BATCH: flush at a burst's end once the oldest waited this long */
    int time_posts;           /* record each post's/call's duration (producer latency) */
    void *mailbox;            /* cg_mailbox * for BENCH_MAILBOX */
} bench_config;

typedef struct bench_producer {
    struct bench_run *run;
    int id;
    int64_t phase_ns;         /* this producer's offset within the period */
    int64_t *post_ns;         /* time_posts: each post's/call's duration, bursts * burst entries */
    int64_t *late_ns;         /* time_posts: how long after its due time each event was handed over */
    uint32_t posted;          /* events handed over (posts that returned OK) */
    uint32_t skipped;         /* events never posted: the producer gave up (too far behind) */
    uint32_t dropped;         /* CG_MAILBOX_DROPPED */
    uint32_t late_bursts;     /* bursts that started after they were due */
    int failed_status;        /* first unexpected post status, 0 if none */
    pthread_t thread;
} bench_producer;

typedef struct bench_run {
    bench_config cfg;
    int64_t start_ns;         /* the schedule's origin, set by bench_go */
    int64_t end_ns;           /* when the last producer finished */
    _Atomic int go;           /* start barrier */
    bench_producer p[BENCH_MAX_PRODUCERS];
} bench_run;

/* Allocates everything up front (the producers never allocate) and starts
 * the threads, which wait for bench_go. NULL on bad arguments. */
bench_run *bench_start(const bench_config *cfg);
/* Starts the schedule 1 ms from now (so that every thread is waiting). */
void bench_go(bench_run *run);
void bench_join(bench_run *run);
void bench_free(bench_run *run);

int64_t bench_now_ns(void);

/* Callback costs: benchDirect count times from the calling (Go-owned)
 * thread; and on a new pthread its first callback (ns) and `count` more
 * (total ns). */
void bench_callback_loop(int id, uint32_t count);
void bench_callback_thread(int id, uint32_t count, int64_t *first_ns, int64_t *loop_ns);

/* Handle lookups from C: acquire + release of one handle, count times;
 * returns elapsed ns. The same from n threads at once (wall time). */
int64_t bench_handle_lookups(void *table, uint64_t handle, uint64_t count);
int64_t bench_handle_lookups_threads(void *table, const uint64_t *handles, int n, uint64_t count);

#endif /* CG_BENCH_PRODUCERS_H */
