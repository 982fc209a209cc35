/*
 * mailbox_c.c: the mailbox alone, C producers to a C receiver, to separate
 * its own cost from the Go side's in bench_interop. For 1 and 4 producer
 * threads and 16-byte and 1-KiB messages it prints messages per second
 * (from a run that reads no clock per message) and the producers' per-post
 * latency percentiles (from a second run that times every post; policy
 * FULL_BLOCK, so `waits` counts posts that slept because the receiver fell
 * behind), once with a wake-up per message and once with wake-up coalescing
 * (a batch of 32, at most 100 us of delay).
 *
 *   build/bench/interop/bench_mailbox_c [messages per producer] [capacity]
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgoguard/mailbox.h"

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct producer {
    cg_mailbox *mb;
    uint32_t count, size;
    int64_t *latency; /* NULL: a rate run, no clock reads */
    _Atomic int *go;
    int failed;
} producer;

static void *produce(void *arg) {
    producer *p = arg;
    unsigned char msg[1024];
    memset(msg, 0xab, sizeof(msg));
    while (!atomic_load(p->go)) sched_yield();
    for (uint32_t i = 0; i < p->count; i++) {
        memcpy(msg, &i, sizeof(i));
        int64_t t0 = p->latency ? now_ns() : 0;
        if (cg_mailbox_post(p->mb, msg, p->size) != CG_MAILBOX_OK) {
            p->failed = 1;
            break;
        }
        if (p->latency) p->latency[i] = now_ns() - t0;
    }
    return NULL;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct outcome {
    double msgs_per_s;
    uint64_t waits;
    bool complete;
} outcome;

/* One run; lat (producers * count entries) times every post, or NULL. */
static outcome run_once(int producers, uint32_t size, uint32_t count, uint32_t capacity, uint32_t wake_batch,
                        int64_t *lat) {
    cg_mailbox_config cfg = {.capacity = capacity,
                             .max_message = size,
                             .full_policy = CG_MAILBOX_FULL_BLOCK,
                             .block_timeout_ns = -1,
                             .wake_batch = wake_batch,
                             .wake_delay_ns = 100 * 1000};
    outcome out = {0};
    cg_mailbox *mb;
    if (cg_mailbox_new(&cfg, &mb) != CG_MAILBOX_OK) return out;
    _Atomic int go = 0;
    producer ps[4];
    pthread_t th[4];
    for (int i = 0; i < producers; i++) {
        ps[i] = (producer){mb, count, size, lat ? lat + (size_t)i * count : NULL, &go, 0};
        pthread_create(&th[i], NULL, produce, &ps[i]);
    }
    static unsigned char buf[256 << 10];
    uint64_t total = (uint64_t)producers * count, got = 0, check = 0;
    int64_t t0 = now_ns();
    atomic_store(&go, 1);
    while (got < total) {
        cg_mailbox_batch b;
        if (cg_mailbox_recv(mb, buf, sizeof(buf), 10000000000LL, &b) != CG_MAILBOX_OK) break;
        got += b.count;
        check += buf[4]; /* touch the data */
    }
    int64_t elapsed = now_ns() - t0;
    int failed = 0;
    for (int i = 0; i < producers; i++) {
        pthread_join(th[i], NULL);
        failed |= ps[i].failed;
    }
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    (void)check;
    cg_mailbox_release(mb);
    out.msgs_per_s = (double)got / ((double)elapsed / 1e9);
    out.waits = st.waits;
    out.complete = got == total && !failed;
    return out;
}

static int run(int producers, uint32_t size, uint32_t count, uint32_t capacity, uint32_t wake_batch) {
    uint64_t total = (uint64_t)producers * count;
    int64_t *lat = calloc(total, sizeof(int64_t));
    if (!lat) return 1;
    outcome rate = run_once(producers, size, count, capacity, wake_batch, NULL);
    outcome timed = run_once(producers, size, count, capacity, wake_batch, lat);
    qsort(lat, total, sizeof(int64_t), cmp64);
    bool ok = rate.complete && timed.complete;
    printf("  %5u %3d %5u %12.0f %7lld %7lld %7lld %9lld %8llu %s\n", wake_batch, producers, size, rate.msgs_per_s,
           (long long)lat[total / 2], (long long)lat[total * 99 / 100], (long long)lat[total * 999 / 1000],
           (long long)lat[total - 1], (unsigned long long)timed.waits, ok ? "" : "INCOMPLETE");
    free(lat);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    uint32_t count = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
    uint32_t capacity = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 4096;
    if (count == 0 || capacity == 0) {
        fprintf(stderr, "usage: %s [messages per producer] [capacity]\n", argv[0]);
        return 2;
    }
    printf("mailbox, C producers -> C receiver: %u messages per producer, capacity %u\n", count, capacity);
    printf("(msgs/s from a run without clock reads; latency and waits from a run that times every post)\n");
    printf("  batch thr bytes        msgs/s  p50 ns  p99 ns p99.9 ns    max ns    waits\n");
    int rc = 0;
    uint32_t batches[2] = {1, capacity >= 64 ? 32 : capacity / 2};
    for (int b = 0; b < 2; b++)
        for (int producers = 1; producers <= 4; producers *= 4)
            for (uint32_t size = 16; size <= 1024; size *= 64)
                rc |= run(producers, size, count, capacity, batches[b]);
    return rc;
}
