/*
 * mailbox_c.c: the mailbox alone, C producers to a C receiver, to separate
 * its own cost from the Go side's in bench_interop. For 1 and 4 producer
 * threads and 16-byte and 1-KiB messages it prints messages per second
 * (from a run that reads no clock per message) and the producers' per-post
 * latency percentiles (from a second run that times every post; policy
 * FULL_BLOCK, so `waits` counts posts that slept because the receiver fell
 * behind), once with a wake-up per message and once with wake-up coalescing
 * (a batch of 32, at most 100 us of delay). Then the wake-up latency of a
 * parked receiver (see wake_latency).
 *
 *   build/bench/interop/bench_mailbox_c [messages per producer] [capacity]
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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


/* ---- Wake-up latency of a parked receiver, without Go ----
 * One producer posts a 16-byte message carrying its post time every
 * `interval` ns; the receiver, which has drained the mailbox and sleeps,
 * records post -> its own return from the wait. That is the floor of the
 * mailbox's end-to-end latency whenever its receiver is parked (a Go
 * receiver adds returning from the cgo call and getting a P): the kernel's
 * wake-up of another thread, which a direct //export callback never pays
 * (it runs the handler on the producer's own thread). Both ways of waiting:
 * the futex inside cg_mailbox_recv, and poll() on the event fd. */
typedef struct pacer {
    cg_mailbox *mb;
    uint32_t count;
    int64_t interval;
} pacer;

static void *pace(void *arg) {
    pacer *p = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (uint32_t i = 0; i < p->count; i++) {
        next.tv_nsec += p->interval;
        while (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        int64_t t = now_ns();
        unsigned char msg[16] = {0};
        memcpy(msg, &t, sizeof t);
        if (cg_mailbox_post(p->mb, msg, sizeof msg) != CG_MAILBOX_OK) abort();
    }
    return NULL;
}

static int wake_latency(bool use_fd, uint32_t count, int64_t interval) {
    /* wake_batch 1: a wake-up per message, the latency of the wake itself. */
    cg_mailbox_config cfg = {.capacity = 1024, .max_message = 16, .full_policy = CG_MAILBOX_FULL_FAIL, .wake_batch = 1};
    cg_mailbox *mb;
    if (cg_mailbox_new(&cfg, &mb) != CG_MAILBOX_OK) return 1;
    int fd = use_fd ? cg_mailbox_event_fd(mb) : -1;
    int64_t *lat = calloc(count, sizeof(int64_t));
    if (!lat || (use_fd && fd < 0)) return 1;
    pacer p = {mb, count, interval};
    pthread_t t;
    pthread_create(&t, NULL, pace, &p);
    static unsigned char buf[64 << 10];
    uint32_t got = 0;
    while (got < count) {
        cg_mailbox_batch b;
        cg_mailbox_status st;
        if (use_fd) {
            st = cg_mailbox_recv_nowait(mb, buf, sizeof buf, CG_MAILBOX_ARM, &b);
            if (st == CG_MAILBOX_WAIT) {
                struct pollfd pf = {.fd = fd, .events = POLLIN};
                poll(&pf, 1, 10000);
                uint64_t v;
                if (read(fd, &v, sizeof v) < 0) { /* a spurious wake-up: nothing to read */
                }
                continue;
            }
        } else {
            st = cg_mailbox_recv(mb, buf, sizeof buf, 10000000000LL, &b);
        }
        int64_t now = now_ns();
        if (st != CG_MAILBOX_OK) break;
        for (size_t i = 0, off = 0; i < b.count && got < count; i++, got++) {
            uint32_t len;
            int64_t posted;
            memcpy(&len, buf + off, 4);
            memcpy(&posted, buf + off + 4, 8);
            lat[got] = now - posted;
            off += CG_MAILBOX_RECORD_SIZE(len);
        }
    }
    pthread_join(t, NULL);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    cg_mailbox_release(mb);
    qsort(lat, got, sizeof(int64_t), cmp64);
    printf("  %-28s %7lld %7lld %8lld %9lld  %5.1f%%\n", use_fd ? "event fd + poll()" : "futex (cg_mailbox_recv)",
           (long long)lat[got / 2], (long long)lat[got * 99 / 100], (long long)lat[got * 999 / 1000],
           (long long)lat[got - 1], 100.0 * (double)st.wakeups / (double)got);
    free(lat);
    return got == count ? 0 : 1;
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
    printf("\nwake-up latency of a parked receiver, 1 producer, one 16-byte message every 50 us, %u messages:\n",
           count / 50);
    printf("  %-28s %7s %7s %8s %9s  %6s\n", "receiver waits in", "p50 ns", "p99 ns", "p99.9 ns", "max ns", "wakes");
    rc |= wake_latency(false, count / 50, 50000);
    rc |= wake_latency(true, count / 50, 50000);
    return rc;
}
