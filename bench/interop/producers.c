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

static void sleep_until(int64_t t) {
    struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
    }
}

/* Bytes from BENCH_HEADER on are byte(i) at offset i; the Go handler checks
 * them. Written once per buffer, up front. */
static void init_payload(unsigned char *msg, uint32_t size) {
    for (uint32_t i = BENCH_HEADER; i < size; i++) msg[i] = (unsigned char)i;
}

static void fill(unsigned char *msg, uint32_t id, uint32_t seq, int64_t t) {
    memcpy(msg, &id, 4);
    memcpy(msg + 4, &seq, 4);
    memcpy(msg + 8, &t, 8);
}

typedef struct batcher {
    unsigned char *buf;
    uint32_t n;
    int64_t oldest;
} batcher;

static void flush(bench_producer *p, batcher *b, uint32_t size) {
    if (!b->n) return;
    benchBatch(b->buf, (int)b->n, (int)size);
    p->posted += b->n;
    b->n = 0;
}

/* Hands one event over; false when the producer must stop. */
static int deliver_one(bench_producer *p, const bench_config *c, unsigned char *msg, batcher *b,
                       int64_t t_event) {
    switch (c->mode) {
    case BENCH_DIRECT:
        benchDirect(msg, (int)c->size);
        p->posted++;
        return 1;
    case BENCH_CHAN:
        benchChan(msg, (int)c->size);
        p->posted++;
        return 1;
    case BENCH_BATCH:
        memcpy(b->buf + (size_t)b->n * c->size, msg, c->size);
        if (b->n++ == 0) b->oldest = t_event;
        if (b->n == c->batch) flush(p, b, c->size);
        return 1;
    default: {
        cg_mailbox_status st = cg_mailbox_post(c->mailbox, msg, c->size);
        if (st == CG_MAILBOX_OK) {
            p->posted++;
            return 1;
        }
        if (st == CG_MAILBOX_DROPPED) {
            p->dropped++;
            return 1;
        }
        p->failed_status = (int)st;
        return 0;
    }
    }
}

static void *producer_main(void *arg) {
    bench_producer *p = arg;
    bench_run *run = p->run;
    const bench_config *c = &run->cfg;
    unsigned char msg[BENCH_MAX_MSG];
    init_payload(msg, c->size);
    batcher b = {.buf = NULL};
    if (c->mode == BENCH_BATCH) {
        b.buf = malloc((size_t)c->batch * c->size);
        if (!b.buf) abort();
    }
    if (c->period_ns) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake on time */
    while (!atomic_load_explicit(&run->go, memory_order_acquire)) sched_yield();
    int64_t origin = run->start_ns + p->phase_ns;
    int64_t end = origin + (int64_t)c->bursts * c->period_ns;
    uint32_t seq = 0;
    for (uint32_t burst = 0; burst < c->bursts; burst++) {
        int64_t now = bench_now_ns(), t_event = now;
        if (c->period_ns) {
            int64_t due = origin + (int64_t)burst * c->period_ns;
            if (now < due) {
                sleep_until(due);
                t_event = bench_now_ns();
            } else {
                t_event = due; /* late: the wait since `due` is delivery latency */
                if (now - due > 1000) p->late_bursts++;
                if (c->give_up_ns && now > end + c->give_up_ns) {
                    p->skipped += (c->bursts - burst) * c->burst;
                    break;
                }
            }
        }
        for (uint32_t k = 0; k < c->burst; k++, seq++) {
            if (p->post_ns) {
                int64_t t0 = bench_now_ns();
                p->late_ns[seq] = t0 - t_event;
                fill(msg, (uint32_t)p->id, seq, t0);
                if (!deliver_one(p, c, msg, &b, t0)) goto out;
                p->post_ns[seq] = bench_now_ns() - t0;
            } else {
                fill(msg, (uint32_t)p->id, seq, t_event);
                if (!deliver_one(p, c, msg, &b, t_event)) goto out;
            }
        }
        if (b.n && bench_now_ns() - b.oldest >= c->batch_delay_ns) flush(p, &b, c->size);
    }
out:
    flush(p, &b, c->size);
    free(b.buf);
    return NULL;
}

bench_run *bench_start(const bench_config *cfg) {
    if (cfg->producers < 1 || cfg->producers > BENCH_MAX_PRODUCERS || cfg->size < BENCH_HEADER ||
        cfg->size > BENCH_MAX_MSG || cfg->burst == 0 || cfg->bursts == 0 ||
        (cfg->mode == BENCH_BATCH && cfg->batch == 0) || (cfg->mode == BENCH_MAILBOX && !cfg->mailbox))
        return NULL;
    bench_run *run = calloc(1, sizeof(*run));
    if (!run) return NULL;
    run->cfg = *cfg;
    uint64_t per_producer = (uint64_t)cfg->burst * cfg->bursts;
    for (int i = 0; i < cfg->producers; i++) {
        bench_producer *p = &run->p[i];
        p->run = run;
        p->id = i;
        p->phase_ns = cfg->period_ns * i / cfg->producers; /* independent devices, spread out */
        if (!cfg->time_posts) continue;
        p->post_ns = calloc(per_producer, sizeof(int64_t));
        p->late_ns = calloc(per_producer, sizeof(int64_t));
        if (!p->post_ns || !p->late_ns) abort();
        /* Touch the pages now so that page faults do not show up as latency. */
        memset(p->post_ns, 0, per_producer * sizeof(int64_t));
        memset(p->late_ns, 0, per_producer * sizeof(int64_t));
    }
    for (int i = 0; i < cfg->producers; i++) pthread_create(&run->p[i].thread, NULL, producer_main, &run->p[i]);
    return run;
}

void bench_go(bench_run *run) {
    run->start_ns = bench_now_ns() + 1000000;
    atomic_store_explicit(&run->go, 1, memory_order_release);
}

void bench_join(bench_run *run) {
    for (int i = 0; i < run->cfg.producers; i++) pthread_join(run->p[i].thread, NULL);
    run->end_ns = bench_now_ns();
}

void bench_free(bench_run *run) {
    for (int i = 0; i < run->cfg.producers; i++) {
        free(run->p[i].post_ns);
        free(run->p[i].late_ns);
    }
    free(run);
}

void bench_callback_loop(int id, uint32_t count) {
    unsigned char msg[BENCH_HEADER];
    for (uint32_t seq = 0; seq < count; seq++) {
        fill(msg, (uint32_t)id, seq, 0);
        benchDirect(msg, BENCH_HEADER);
    }
}

typedef struct callback_arg {
    int id;
    uint32_t count;
    int64_t first_ns, loop_ns;
} callback_arg;

static void *callback_main(void *arg) {
    callback_arg *a = arg;
    unsigned char msg[BENCH_HEADER];
    fill(msg, (uint32_t)a->id, 0, 0);
    int64_t t0 = bench_now_ns();
    benchDirect(msg, BENCH_HEADER);
    a->first_ns = bench_now_ns() - t0;
    t0 = bench_now_ns();
    bench_callback_loop(a->id, a->count); /* restarts at seq 0 */
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
