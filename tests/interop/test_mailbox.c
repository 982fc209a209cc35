/*
 * test_mailbox.c: unit and stress tests of cgoguard/mailbox.h.
 *
 * Unit tests pin every status of the API (full policies, timeouts, close,
 * the record format, a second receiver). The stress tests run N producer
 * threads x M variable-size messages against one receiver and check that
 * every message that was posted successfully arrives exactly once, intact,
 * in per-producer order — with a tiny ring so producers keep hitting
 * "full", and with close racing the producers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgoguard/mailbox.h"
#include "check.h"

enum { RECV_BUF = 1 << 16 };
static unsigned char recv_buf[RECV_BUF];

static cg_mailbox *make_coalescing(uint32_t capacity, uint32_t max_message,
                                   cg_mailbox_full_policy policy, int64_t block_timeout_ns,
                                   uint32_t wake_batch, int64_t wake_delay_ns) {
    cg_mailbox_config cfg = {.capacity = capacity,
                             .max_message = max_message,
                             .full_policy = policy,
                             .block_timeout_ns = block_timeout_ns,
                             .wake_batch = wake_batch,
                             .wake_delay_ns = wake_delay_ns};
    cg_mailbox *mb = NULL;
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_OK);
    CHECK(mb != NULL);
    return mb;
}

static cg_mailbox *make(uint32_t capacity, uint32_t max_message, cg_mailbox_full_policy policy,
                        int64_t block_timeout_ns) {
    cg_mailbox_config cfg = {.capacity = capacity,
                             .max_message = max_message,
                             .full_policy = policy,
                             .block_timeout_ns = block_timeout_ns};
    cg_mailbox *mb = NULL;
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_OK);
    CHECK(mb != NULL);
    return mb;
}

/* Walks the records of a batch. */
typedef struct cursor {
    const unsigned char *p, *end;
} cursor;

static bool next_record(cursor *c, const unsigned char **data, uint32_t *len) {
    if (c->p >= c->end) return false;
    memcpy(len, c->p, 4);
    *data = c->p + 4;
    c->p += CG_MAILBOX_RECORD_SIZE(*len);
    CHECK(c->p <= c->end);
    return true;
}

static void test_config_errors(void) {
    cg_mailbox *mb = (cg_mailbox *)1;
    cg_mailbox_config cfg = {.capacity = 0, .max_message = 16};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_INVALID);
    CHECK(mb == NULL);
    cfg = (cg_mailbox_config){.capacity = 8, .max_message = 0};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_INVALID);
    cfg = (cg_mailbox_config){.capacity = 8, .max_message = 16, .full_policy = (cg_mailbox_full_policy)7};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_INVALID);
    /* Coalescing: a batch of at most half the capacity, and a delay. */
    cfg = (cg_mailbox_config){.capacity = 8, .max_message = 16, .wake_batch = 5, .wake_delay_ns = 1000};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_INVALID);
    cfg = (cg_mailbox_config){.capacity = 8, .max_message = 16, .wake_batch = 4, .wake_delay_ns = -1};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_INVALID);
    /* Zero fields: the default coalescing, capped to capacity / 2 and off
     * below 2; wake_batch 1 is off. */
    cg_mailbox_stats st;
    uint32_t caps[3] = {1024, 8, 2}, batches[3] = {CG_MAILBOX_DEFAULT_WAKE_BATCH, 4, 1};
    for (int i = 0; i < 3; i++) {
        cfg = (cg_mailbox_config){.capacity = caps[i], .max_message = 16};
        CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_OK);
        cg_mailbox_get_stats(mb, &st);
        CHECK_EQ(st.wake_batch, batches[i]);
        CHECK_EQ(st.wake_delay_ns, CG_MAILBOX_DEFAULT_WAKE_DELAY_NS);
        cg_mailbox_release(mb);
    }
    cfg = (cg_mailbox_config){.capacity = 64, .max_message = 16, .wake_batch = 1, .wake_delay_ns = 7};
    CHECK_EQ(cg_mailbox_new(&cfg, &mb), CG_MAILBOX_OK);
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.wake_batch, 1);
    CHECK_EQ(st.wake_delay_ns, 7);
    cg_mailbox_release(mb);
    CHECK_EQ(cg_mailbox_new(NULL, &mb), CG_MAILBOX_INVALID);
    CHECK(strcmp(cg_mailbox_strerror(CG_MAILBOX_FULL), "mailbox full") == 0);
    cg_mailbox_release(NULL);
}

static void test_basic_and_record_format(void) {
    cg_mailbox *mb = make(5, 9, CG_MAILBOX_FULL_FAIL, 0);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.capacity, 8); /* rounded up to a power of two */
    CHECK_EQ(st.max_message, 9);

    const char *msgs[] = {"", "a", "hello", "123456789"};
    for (int i = 0; i < 4; i++) CHECK_EQ(cg_mailbox_post(mb, msgs[i], strlen(msgs[i])), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "0123456789", 10), CG_MAILBOX_TOO_BIG);
    CHECK_EQ(cg_mailbox_post(mb, NULL, 3), CG_MAILBOX_INVALID);

    cg_mailbox_batch batch;
    /* A buffer that cannot hold one max_message record is refused. */
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, CG_MAILBOX_RECORD_SIZE(9) - 1, 0, &batch), CG_MAILBOX_INVALID);
    /* A buffer for exactly one record returns the batch one at a time. */
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, CG_MAILBOX_RECORD_SIZE(9), 0, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 2); /* "" (4 bytes) and "a" (8 bytes) fit in 16 */
    CHECK_EQ(batch.bytes, 12);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 2);
    CHECK_EQ(batch.bytes, CG_MAILBOX_RECORD_SIZE(5) + CG_MAILBOX_RECORD_SIZE(9));
    cursor c = {recv_buf, recv_buf + batch.bytes};
    const unsigned char *data;
    uint32_t len;
    CHECK(next_record(&c, &data, &len) && len == 5 && memcmp(data, "hello", 5) == 0);
    CHECK(data[5] == 0 && data[6] == 0 && data[7] == 0); /* padding is zeroed */
    CHECK(next_record(&c, &data, &len) && len == 9 && memcmp(data, "123456789", 9) == 0);
    CHECK(!next_record(&c, &data, &len));

    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_TIMEOUT);
    CHECK_EQ(batch.count, 0);
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.posted, 4);
    CHECK_EQ(st.received, 4);
    cg_mailbox_release(mb);
}

static void test_full_fail_and_drop(void) {
    cg_mailbox *mb = make(4, 8, CG_MAILBOX_FULL_FAIL, 0);
    for (int i = 0; i < 4; i++) CHECK_EQ(cg_mailbox_post(mb, &i, sizeof(i)), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "x", 1), CG_MAILBOX_FULL);
    CHECK_EQ(cg_mailbox_post(mb, "x", 1), CG_MAILBOX_FULL);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.full, 2);
    CHECK_EQ(st.posted, 4);
    cg_mailbox_batch batch;
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, CG_MAILBOX_RECORD_SIZE(8), 0, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 1);
    CHECK_EQ(cg_mailbox_post(mb, "y", 1), CG_MAILBOX_OK); /* one slot free again */
    cg_mailbox_release(mb);

    mb = make(2, 8, CG_MAILBOX_FULL_DROP, 0);
    CHECK_EQ(cg_mailbox_post(mb, "a", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "b", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "c", 1), CG_MAILBOX_DROPPED);
    CHECK_EQ(cg_mailbox_post(mb, "d", 1), CG_MAILBOX_DROPPED);
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.dropped, 2);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 2); /* the new messages were dropped, the old ones kept */
    CHECK(recv_buf[4] == 'a' && recv_buf[12] == 'b');
    cg_mailbox_release(mb);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct poster {
    cg_mailbox *mb;
    cg_mailbox_status result;
} poster;

static void *post_one(void *arg) {
    poster *p = arg;
    p->result = cg_mailbox_post(p->mb, "late", 4);
    return NULL;
}

static void test_block_policy(void) {
    /* Times out when nobody makes room. */
    cg_mailbox *mb = make(2, 8, CG_MAILBOX_FULL_BLOCK, 20 * 1000 * 1000);
    CHECK_EQ(cg_mailbox_post(mb, "a", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "b", 1), CG_MAILBOX_OK);
    int64_t t0 = now_ns();
    CHECK_EQ(cg_mailbox_post(mb, "c", 1), CG_MAILBOX_TIMEOUT);
    CHECK(now_ns() - t0 >= 20 * 1000 * 1000);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.timeouts, 1);
    CHECK_EQ(st.waits, 1);
    cg_mailbox_release(mb);

    /* A blocked producer is woken by the receiver making room (timeout 0:
     * no limit). */
    mb = make(2, 8, CG_MAILBOX_FULL_BLOCK, 0);
    CHECK_EQ(cg_mailbox_post(mb, "a", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "b", 1), CG_MAILBOX_OK);
    poster p = {mb, CG_MAILBOX_INVALID};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, post_one, &p) == 0);
    cg_mailbox_batch batch;
    size_t got = 0;
    bool saw_late = false;
    while (!saw_late) {
        CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_OK);
        got += batch.count;
        cursor c = {recv_buf, recv_buf + batch.bytes};
        const unsigned char *data;
        uint32_t len;
        while (next_record(&c, &data, &len)) saw_late |= len == 4 && memcmp(data, "late", 4) == 0;
    }
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(p.result, CG_MAILBOX_OK);
    CHECK_EQ(got, 3);
    cg_mailbox_release(mb);

    /* A blocked producer is woken by close and fails. */
    mb = make(2, 8, CG_MAILBOX_FULL_BLOCK, -1);
    CHECK_EQ(cg_mailbox_post(mb, "a", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "b", 1), CG_MAILBOX_OK);
    p = (poster){mb, CG_MAILBOX_INVALID};
    CHECK(pthread_create(&t, NULL, post_one, &p) == 0);
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL); /* let it block (the test passes either way) */
    cg_mailbox_close(mb);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(p.result, CG_MAILBOX_CLOSED);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 2);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_CLOSED);
    cg_mailbox_release(mb);
}

static void test_close_semantics(void) {
    cg_mailbox *mb = make(8, 8, CG_MAILBOX_FULL_FAIL, 0);
    CHECK_EQ(cg_mailbox_post(mb, "1", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_post(mb, "2", 1), CG_MAILBOX_OK);
    cg_mailbox_close(mb);
    cg_mailbox_close(mb); /* idempotent */
    CHECK_EQ(cg_mailbox_post(mb, "3", 1), CG_MAILBOX_CLOSED);
    cg_mailbox_batch batch;
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 2);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_CLOSED);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_CLOSED);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.posted, 2);
    cg_mailbox_release(mb);
}

typedef struct receiver {
    cg_mailbox *mb;
    cg_mailbox_status first, second;
    size_t count;
} receiver;

static void *receive_twice(void *arg) {
    receiver *r = arg;
    static unsigned char buf[RECV_BUF];
    cg_mailbox_batch batch;
    do r->first = cg_mailbox_recv(r->mb, buf, sizeof(buf), -1, &batch);
    while (r->first == CG_MAILBOX_BUSY);
    r->count = batch.count;
    do r->second = cg_mailbox_recv(r->mb, buf, sizeof(buf), -1, &batch);
    while (r->second == CG_MAILBOX_BUSY);
    return NULL;
}

static void test_blocking_recv_and_busy(void) {
    cg_mailbox *mb = make(8, 8, CG_MAILBOX_FULL_FAIL, 0);
    receiver r = {mb, CG_MAILBOX_INVALID, CG_MAILBOX_INVALID, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, receive_twice, &r) == 0);
    /* While the other thread sleeps in recv, a second receiver is refused. */
    cg_mailbox_batch batch;
    cg_mailbox_status st;
    while ((st = cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch)) != CG_MAILBOX_BUSY) {
        CHECK_EQ(st, CG_MAILBOX_TIMEOUT);
        sched_yield();
    }
    CHECK_EQ(cg_mailbox_post(mb, "wake", 4), CG_MAILBOX_OK); /* wakes the first recv */
    /* The second recv sleeps until close wakes it. */
    while (cg_mailbox_recv(mb, recv_buf, RECV_BUF, 0, &batch) != CG_MAILBOX_BUSY) sched_yield();
    cg_mailbox_close(mb);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(r.first, CG_MAILBOX_OK);
    CHECK_EQ(r.count, 1);
    CHECK_EQ(r.second, CG_MAILBOX_CLOSED);

    /* An empty recv with a timeout sleeps about that long. */
    cg_mailbox *mb2 = make(8, 8, CG_MAILBOX_FULL_FAIL, 0);
    int64_t t0 = now_ns();
    CHECK_EQ(cg_mailbox_recv(mb2, recv_buf, RECV_BUF, 15 * 1000 * 1000, &batch), CG_MAILBOX_TIMEOUT);
    CHECK(now_ns() - t0 >= 15 * 1000 * 1000);
    cg_mailbox_release(mb2);
    cg_mailbox_release(mb);
}

typedef struct late_poster {
    cg_mailbox *mb;
    int count;
} late_poster;

static void *post_later(void *arg) {
    late_poster *p = arg;
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
    for (int i = 0; i < p->count; i++) CHECK_EQ(cg_mailbox_post(p->mb, &i, sizeof(i)), CG_MAILBOX_OK);
    return NULL;
}

/* Coalescing changes when the receiver wakes, never what it receives. */
static void test_coalescing(void) {
    /* Fewer messages than a batch arrive after the delay... */
    cg_mailbox *mb = make_coalescing(64, 8, CG_MAILBOX_FULL_FAIL, 0, 8, 2 * 1000 * 1000);
    late_poster lp = {mb, 1};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, post_later, &lp) == 0);
    cg_mailbox_batch batch;
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 1);
    CHECK(pthread_join(t, NULL) == 0);
    /* ...a full batch wakes the receiver, however long the delay... */
    cg_mailbox_release(mb);
    mb = make_coalescing(64, 8, CG_MAILBOX_FULL_FAIL, 0, 8, 3600LL * 1000 * 1000 * 1000);
    lp = (late_poster){mb, 8};
    CHECK(pthread_create(&t, NULL, post_later, &lp) == 0);
    size_t got = 0;
    while (got < 8) {
        CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 10LL * 1000 * 1000 * 1000, &batch), CG_MAILBOX_OK);
        got += batch.count;
    }
    CHECK(pthread_join(t, NULL) == 0);
    /* ...and so does close, with fewer. */
    CHECK_EQ(cg_mailbox_post(mb, "x", 1), CG_MAILBOX_OK);
    cg_mailbox_close(mb);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 1);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, -1, &batch), CG_MAILBOX_CLOSED);
    /* The caller's timeout still applies when it is shorter than the delay. */
    cg_mailbox_release(mb);
    mb = make_coalescing(64, 8, CG_MAILBOX_FULL_FAIL, 0, 8, 3600LL * 1000 * 1000 * 1000);
    CHECK_EQ(cg_mailbox_recv(mb, recv_buf, RECV_BUF, 1000 * 1000, &batch), CG_MAILBOX_TIMEOUT);
    cg_mailbox_release(mb);
}


/* ---- Receiving through the event fd (cg_mailbox_recv_nowait) ---- */

static bool fd_readable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;
    while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    return n == 1 && (p.revents & POLLIN);
}

static void drain_fd(int fd) {
    uint64_t v;
    while (read(fd, &v, sizeof v) == (ssize_t)sizeof v) {
    }
}

/* Arms with flags, posts n messages, checks that only the n-th makes fd
 * readable, and receives the n. */
static void arm_post_receive(cg_mailbox *mb, int fd, unsigned flags, int n) {
    cg_mailbox_batch batch;
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, flags, &batch), CG_MAILBOX_WAIT);
    for (int i = 0; i < n; i++) {
        CHECK(!fd_readable(fd, 0));
        CHECK_EQ(cg_mailbox_post(mb, "m", 1), CG_MAILBOX_OK);
    }
    CHECK(fd_readable(fd, 0));
    drain_fd(fd);
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, flags, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, (size_t)n);
}

static void test_recv_nowait(void) {
    cg_mailbox *mb = make_coalescing(16, 8, CG_MAILBOX_FULL_FAIL, 0, 4, 1000 * 1000);
    cg_mailbox_batch batch;
    /* Without ARM an empty mailbox is a timeout; ARM needs the fd. */
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, 0, &batch), CG_MAILBOX_TIMEOUT);
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, CG_MAILBOX_ARM, &batch), CG_MAILBOX_INVALID);
    int fd = cg_mailbox_event_fd(mb);
    CHECK(fd >= 0);
    CHECK_EQ(cg_mailbox_event_fd(mb), fd); /* created once */
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, 4, CG_MAILBOX_ARM, &batch), CG_MAILBOX_INVALID);

    /* Armed: the awaited message makes the fd readable, nothing before. */
    arm_post_receive(mb, fd, CG_MAILBOX_ARM, 1);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.wakeups, 1);

    /* Not armed: posts make no system call. */
    for (int i = 0; i < 3; i++) CHECK_EQ(cg_mailbox_post(mb, "b", 1), CG_MAILBOX_OK);
    CHECK(!fd_readable(fd, 0));
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.wakeups, 1);
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, CG_MAILBOX_ARM, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 3);

    /* Coalesced (wake_batch 4): only the 4th message signals. */
    arm_post_receive(mb, fd, CG_MAILBOX_ARM_COALESCED, 4);
    /* A message already there is taken instead of arming. */
    CHECK_EQ(cg_mailbox_post(mb, "e", 1), CG_MAILBOX_OK);
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, CG_MAILBOX_ARM_COALESCED, &batch), CG_MAILBOX_OK);
    CHECK_EQ(batch.count, 1);

    /* Close signals an armed receiver; CLOSED once drained. */
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, CG_MAILBOX_ARM, &batch), CG_MAILBOX_WAIT);
    cg_mailbox_close(mb);
    CHECK(fd_readable(fd, 0));
    CHECK_EQ(cg_mailbox_recv_nowait(mb, recv_buf, RECV_BUF, CG_MAILBOX_ARM, &batch), CG_MAILBOX_CLOSED);
    cg_mailbox_release(mb); /* closes the fd */
    CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
}

/* The stress tests receive either with cg_mailbox_recv (the library's
 * futex wait) or through the event fd, as the Go binding does. */
typedef enum recv_mode { RECV_FUTEX, RECV_FD } recv_mode;
static recv_mode stress_mode = RECV_FUTEX;

/* cg_mailbox_recv's contract on top of cg_mailbox_recv_nowait and poll. */
static cg_mailbox_status recv_fd(cg_mailbox *mb, void *buf, size_t len, int64_t timeout_ns, cg_mailbox_batch *out,
                                 int64_t wake_delay_ns) {
    int fd = cg_mailbox_event_fd(mb);
    CHECK(fd >= 0);
    int64_t deadline = now_ns() + timeout_ns;
    bool coalesce = wake_delay_ns > 0;
    for (;;) {
        unsigned flags = coalesce ? CG_MAILBOX_ARM_COALESCED : CG_MAILBOX_ARM;
        cg_mailbox_status st = cg_mailbox_recv_nowait(mb, buf, len, flags, out);
        if (st != CG_MAILBOX_WAIT) return st;
        int64_t until = deadline;
        if (coalesce && now_ns() + wake_delay_ns < until) until = now_ns() + wake_delay_ns;
        int64_t left = until - now_ns();
        if (left > 0 && fd_readable(fd, (int)((left + 999999) / 1000000))) {
            drain_fd(fd);
            continue;
        }
        if (coalesce && until < deadline) {
            coalesce = false;
            continue;
        }
        return cg_mailbox_recv_nowait(mb, buf, len, 0, out);
    }
}
/* ---- Stress ---- */

enum { PRODUCERS = 8, MAX_MSG = 200 };

typedef struct producer {
    cg_mailbox *mb;
    uint32_t id;
    uint32_t messages;  /* to post; UINT32_MAX = until closed */
    uint32_t ok;        /* posts that returned OK */
    uint64_t retries;   /* FULL outcomes retried */
    uint32_t burst;     /* if nonzero, yield the CPU after every `burst` posts */
} producer;

/* Message layout: u32 producer id, u32 sequence number, then a pattern
 * derived from both, of a length that varies with the sequence number. */
static size_t make_message(unsigned char *buf, uint32_t id, uint32_t seq) {
    size_t len = 8 + (seq * 7u + id) % (MAX_MSG - 8 + 1);
    memcpy(buf, &id, 4);
    memcpy(buf + 4, &seq, 4);
    for (size_t i = 8; i < len; i++) buf[i] = (unsigned char)(id * 31u + seq + i);
    return len;
}

static void *produce(void *arg) {
    producer *p = arg;
    unsigned char msg[MAX_MSG];
    for (uint32_t seq = 0; seq < p->messages;) {
        size_t len = make_message(msg, p->id, seq);
        cg_mailbox_status st = cg_mailbox_post(p->mb, msg, len);
        if (st == CG_MAILBOX_OK) {
            p->ok++;
            seq++;
            /* Bursts let the receiver run dry and sleep often, so that
             * wake-ups race with producers publishing out of order. */
            if (p->burst && seq % p->burst == 0) sched_yield();
        } else if (st == CG_MAILBOX_FULL) {
            p->retries++;
            sched_yield();
        } else {
            CHECK_EQ(st, CG_MAILBOX_CLOSED);
            CHECK(p->messages == UINT32_MAX);
            break;
        }
    }
    return NULL;
}

/* Receives until CLOSED (or until `close_after` messages, then closes),
 * checking content, exactly-once and per-producer order. Producers never
 * pause for long, so a receive that sleeps LOST_WAKEUP_NS means a lost
 * wake-up (the receiver, or a producer blocked for room, asleep although
 * its condition holds): reported as a failure instead of a hang or a stall. */
#define LOST_WAKEUP_NS 5000000000LL
static void consume(cg_mailbox *mb, uint32_t *next_seq, uint64_t close_after, int64_t wake_delay_ns) {
    uint64_t total = 0;
    bool closed = false;
    for (;;) {
        cg_mailbox_batch batch;
        int64_t t0 = now_ns();
        cg_mailbox_status st = stress_mode == RECV_FD
                                   ? recv_fd(mb, recv_buf, RECV_BUF, LOST_WAKEUP_NS, &batch, wake_delay_ns)
                                   : cg_mailbox_recv(mb, recv_buf, RECV_BUF, LOST_WAKEUP_NS, &batch);
        if (now_ns() - t0 >= LOST_WAKEUP_NS) {
            fprintf(stderr, "lost wake-up: recv slept %.1f s (status %s)\n",
                    (double)(now_ns() - t0) / 1e9, cg_mailbox_strerror(st));
            exit(1);
        }
        if (st == CG_MAILBOX_CLOSED) break;
        CHECK_EQ(st, CG_MAILBOX_OK);
        CHECK(batch.count > 0);
        cursor c = {recv_buf, recv_buf + batch.bytes};
        const unsigned char *data;
        uint32_t len, id, seq;
        while (next_record(&c, &data, &len)) {
            CHECK(len >= 8);
            memcpy(&id, data, 4);
            memcpy(&seq, data + 4, 4);
            CHECK(id < PRODUCERS);
            CHECK_EQ(seq, next_seq[id]); /* no loss, no duplicate, in order */
            next_seq[id]++;
            unsigned char expect[MAX_MSG];
            CHECK_EQ(make_message(expect, id, seq), len);
            CHECK(memcmp(expect, data, len) == 0);
            total++;
        }
        if (!closed && total >= close_after) {
            cg_mailbox_close(mb);
            closed = true;
        }
    }
}

static void stress(cg_mailbox_full_policy policy, uint32_t capacity, uint32_t per_producer, uint32_t burst,
                   uint32_t wake_batch) {
    cg_mailbox *mb = make_coalescing(capacity, MAX_MSG, policy, -1, wake_batch, wake_batch == 0 ? 0 : 200 * 1000);
    producer prods[PRODUCERS];
    pthread_t threads[PRODUCERS];
    for (uint32_t i = 0; i < PRODUCERS; i++) prods[i] = (producer){mb, i, per_producer, 0, 0, burst};
    start_threads(threads, PRODUCERS, produce, prods, sizeof(producer));
    uint32_t next_seq[PRODUCERS] = {0};
    uint64_t total = (uint64_t)PRODUCERS * per_producer;
    /* Close once everything has arrived; recv must then report CLOSED. */
    int64_t delay = wake_batch == 1 ? 0 : wake_batch == 0 ? CG_MAILBOX_DEFAULT_WAKE_DELAY_NS : 200 * 1000;
    consume(mb, next_seq, total, delay);
    join_threads(threads, PRODUCERS);
    for (int i = 0; i < PRODUCERS; i++) CHECK_EQ(next_seq[i], per_producer);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.posted, total);
    CHECK_EQ(st.received, total);
    cg_mailbox_release(mb);
}

/* Producers post until CLOSED while the receiver closes mid-stream: every
 * OK post must be delivered, nothing after. */
static void stress_close_race(uint32_t close_after) {
    cg_mailbox *mb = make(64, MAX_MSG, CG_MAILBOX_FULL_BLOCK, -1);
    producer prods[PRODUCERS];
    pthread_t threads[PRODUCERS];
    for (uint32_t i = 0; i < PRODUCERS; i++) prods[i] = (producer){mb, i, UINT32_MAX, 0, 0, 0};
    start_threads(threads, PRODUCERS, produce, prods, sizeof(producer));
    uint32_t next_seq[PRODUCERS] = {0};
    consume(mb, next_seq, close_after, 0);
    join_threads(threads, PRODUCERS);
    uint64_t ok = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        CHECK_EQ(next_seq[i], prods[i].ok);
        ok += prods[i].ok;
    }
    CHECK(ok >= close_after);
    cg_mailbox_stats st;
    cg_mailbox_get_stats(mb, &st);
    CHECK_EQ(st.posted, ok);
    CHECK_EQ(st.received, ok);
    cg_mailbox_release(mb);
}

static void stress_all(void) {
#ifdef MAILBOX_TEST_RACES
    /* Delays make every operation slow: fewer messages, same shapes. */
    stress(CG_MAILBOX_FULL_BLOCK, 4, STRESS_SCALE(10000), 0, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 256, STRESS_SCALE(10000), 2, 1);
    stress(CG_MAILBOX_FULL_FAIL, 4, STRESS_SCALE(2000), 0, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 256, STRESS_SCALE(10000), 2, 16);
    stress(CG_MAILBOX_FULL_BLOCK, 8, STRESS_SCALE(5000), 0, 4);
    stress(CG_MAILBOX_FULL_BLOCK, 256, STRESS_SCALE(10000), 2, 0);
    for (int i = 0; i < 3; i++) stress_close_race(STRESS_SCALE(3000) + (uint32_t)i * 97);
#else
    stress(CG_MAILBOX_FULL_BLOCK, 16, STRESS_SCALE(50000), 0, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 1024, STRESS_SCALE(50000), 0, 1);
    stress(CG_MAILBOX_FULL_FAIL, 8, STRESS_SCALE(25000), 0, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 4096, STRESS_SCALE(50000), 3, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 64, STRESS_SCALE(50000), 1, 1);
    stress(CG_MAILBOX_FULL_BLOCK, 1024, STRESS_SCALE(50000), 1, 0); /* the default coalescing */
    stress(CG_MAILBOX_FULL_BLOCK, 4096, STRESS_SCALE(50000), 3, 64);
    stress(CG_MAILBOX_FULL_FAIL, 16, STRESS_SCALE(25000), 1, 8);
    for (int i = 0; i < 5; i++) stress_close_race(STRESS_SCALE(20000) + (uint32_t)i * 997);
#endif
}

/* No argument: the unit tests, then the stress tests once per way of
 * receiving. "futex" or "fd": only the stress tests, receiving that way
 * (the lost-wake-up checks in CMakeLists.txt use it). */
int main(int argc, char **argv) {
    recv_mode modes[2] = {RECV_FUTEX, RECV_FD};
    int nmodes = 2;
    if (argc > 1) {
        CHECK(strcmp(argv[1], "futex") == 0 || strcmp(argv[1], "fd") == 0);
        modes[0] = strcmp(argv[1], "fd") == 0 ? RECV_FD : RECV_FUTEX;
        nmodes = 1;
    }
    /* With injected delays (test_mailbox_races.c) only the stress tests. */
#ifdef MAILBOX_TEST_RACES
    const bool races = true;
#else
    const bool races = false;
#endif
    if (argc == 1 && !races) {
        test_config_errors();
        test_basic_and_record_format();
        test_full_fail_and_drop();
        test_block_policy();
        test_close_semantics();
        test_blocking_recv_and_busy();
        test_coalescing();
        test_recv_nowait();
    }
    for (int i = 0; i < nmodes; i++) {
        stress_mode = modes[i];
        stress_all();
    }
    puts("test_mailbox: ok");
    return 0;
}
