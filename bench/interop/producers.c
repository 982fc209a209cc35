/*
 * producers.c: producer threads and C-side loops of the interop benchmark
 * (see producers.h). Lives in a .c file because a cgo preamble of a file
 * with //export may only hold declarations.
 */
#include "producers.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <cgoguard/handle.h>
#include <cgoguard/mailbox.h>

#include "_cgo_export.h"

int64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The payload after the 8-byte header is byte(i) at offset i; the Go
 * handler checks its sum. Written once per buffer, up front. */
static void init_payload(unsigned char *msg, uint32_t size) {
    for (uint32_t i = 8; i < size; i++) msg[i] = (unsigned char)i;
}

static void fill(unsigned char *msg, uint32_t id, uint32_t seq) {
    memcpy(msg, &id, 4);
    memcpy(msg + 4, &seq, 4);
}


static void *producer_main(void *arg) {
    bench_producer *p = arg;
    bench_run *run = p->run;
    unsigned char msg[BENCH_MAX_MSG];
    init_payload(msg, p->size);
    if (p->interval_ns) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake on time */
    while (!atomic_load_explicit(&run->go, memory_order_acquire)) sched_yield();
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (uint32_t seq = 0; seq < p->count; seq++) {
        if (p->interval_ns) {
            /* Paced like a device callback: sleep to the next period. */
            next.tv_nsec += p->interval_ns;
            while (next.tv_nsec >= 1000000000) {
                next.tv_nsec -= 1000000000;
                next.tv_sec++;
            }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        }
        fill(msg, (uint32_t)p->id, seq);
        /* Rate runs read no clock: two clock reads (~20 ns each on this VM)
         * would be most of a mailbox post's cost. */
        int64_t t0 = p->timed ? bench_now_ns() : 0;
        if (p->mode == BENCH_DIRECT) {
            benchDirect(msg, (int)p->size);
        } else {
            cg_mailbox_status st = cg_mailbox_post(p->mailbox, msg, p->size);
            if (st == CG_MAILBOX_DROPPED) {
                if (p->timed) p->latency_ns[seq] = bench_now_ns() - t0;
                p->dropped++;
                continue;
            }
            if (st != CG_MAILBOX_OK) {
                p->failed_status = (int)st;
                break;
            }
        }
        if (p->timed) p->latency_ns[seq] = bench_now_ns() - t0;
        p->posted++;
    }
    return NULL;
}

bench_run *bench_start(int n, int mode, uint32_t count, uint32_t size, int64_t interval_ns,
                       int timed, void *mailbox) {
    if (n < 1 || n > 8 || size < 8 || size > BENCH_MAX_MSG || count == 0) return NULL;
    bench_run *run = calloc(1, sizeof(*run));
    if (!run) return NULL;
    run->n = n;
    for (int i = 0; i < n; i++) {
        bench_producer *p = &run->p[i];
        *p = (bench_producer){.run = run, .id = i, .mode = mode, .count = count, .size = size,
                              .interval_ns = interval_ns, .timed = timed, .mailbox = mailbox};
        if (!timed) continue;
        p->latency_ns = calloc(count, sizeof(int64_t));
        if (!p->latency_ns) abort();
        /* Touch the pages now so that page faults do not show up as latency. */
        memset(p->latency_ns, 0, count * sizeof(int64_t));
    }
    for (int i = 0; i < n; i++) pthread_create(&run->p[i].thread, NULL, producer_main, &run->p[i]);
    return run;
}

void bench_go(bench_run *run) { atomic_store_explicit(&run->go, 1, memory_order_release); }

void bench_join(bench_run *run) {
    for (int i = 0; i < run->n; i++) pthread_join(run->p[i].thread, NULL);
}

void bench_free(bench_run *run) {
    for (int i = 0; i < run->n; i++) free(run->p[i].latency_ns);
    free(run);
}

void bench_callback_loop(int id, uint32_t count, uint32_t size) {
    unsigned char msg[BENCH_MAX_MSG];
    if (size > BENCH_MAX_MSG) size = BENCH_MAX_MSG;
    init_payload(msg, size);
    for (uint32_t seq = 0; seq < count; seq++) {
        fill(msg, (uint32_t)id, seq);
        benchDirect(msg, (int)size);
    }
}

typedef struct callback_arg {
    int id;
    uint32_t count;
    int64_t first_ns, loop_ns;
} callback_arg;

static void *callback_main(void *arg) {
    callback_arg *a = arg;
    unsigned char msg[16];
    init_payload(msg, 16);
    fill(msg, (uint32_t)a->id, 0);
    int64_t t0 = bench_now_ns();
    benchDirect(msg, 16);
    a->first_ns = bench_now_ns() - t0;
    t0 = bench_now_ns();
    bench_callback_loop(a->id, a->count, 16); /* restarts at seq 0 */
    a->loop_ns = bench_now_ns() - t0;
    return NULL;
}

void bench_callback_thread(int id, uint32_t count, int64_t *first_ns, int64_t *loop_ns) {
    callback_arg a = {id, count, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, callback_main, &a);
    pthread_join(t, NULL);
    *first_ns = a.first_ns;
    *loop_ns = a.loop_ns;
}

int64_t bench_handle_lookups(void *table, uint64_t handle, uint64_t count) {
    int64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < count; i++) {
        void *obj;
        if (cg_handle_acquire(table, handle, &obj) != CG_HANDLE_OK) abort();
        /* Touch the object so the lookup cannot be optimised away. */
        __asm__ volatile("" : : "r"(obj) : "memory");
        cg_handle_release(table, handle);
    }
    return bench_now_ns() - t0;
}

typedef struct lookup_arg {
    void *table;
    uint64_t handle, count;
} lookup_arg;

static void *lookup_main(void *arg) {
    lookup_arg *a = arg;
    bench_handle_lookups(a->table, a->handle, a->count);
    return NULL;
}

int64_t bench_handle_lookups_threads(void *table, const uint64_t *handles, int n, uint64_t count) {
    pthread_t th[8];
    lookup_arg args[8];
    if (n > 8) n = 8;
    int64_t t0 = bench_now_ns();
    for (int i = 0; i < n; i++) {
        args[i] = (lookup_arg){table, handles[i], count};
        pthread_create(&th[i], NULL, lookup_main, &args[i]);
    }
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
    return bench_now_ns() - t0;
}
