/*
 * cgoguard/mailbox.h: a bounded multi-producer, single-consumer queue of
 * byte messages, the safe way for C threads to hand events to Go.
 *
 * Any C thread (including real-time audio or network threads) posts a
 * message by copying bytes into a fixed-size slot. Posting never calls Go,
 * never allocates and never takes a lock: producers claim slots with one
 * compare-and-swap (a Vyukov bounded queue) and only enter the kernel when
 * the receiver sleeps waiting for exactly the message being posted (with
 * wake-up coalescing, the default, rarely even then). One consumer (in the
 * Go binding, one goroutine) receives messages in batches and, when the
 * queue is empty, sleeps on a futex (cg_mailbox_recv) or waits for an
 * eventfd in its own event loop (cg_mailbox_recv_nowait), without spinning.
 *
 * The trade against calling Go from the C thread: a post never waits for
 * Go, but a message reaches the receiver only once it is woken, so the
 * median delivery is later (bench/interop/README.md has the numbers).
 *
 * Full queue: the mailbox's policy decides, and every outcome is visible —
 * fail with CG_MAILBOX_FULL, drop the new message with CG_MAILBOX_DROPPED
 * (and count it), or block up to a timeout (CG_MAILBOX_TIMEOUT).
 *
 * Close: after cg_mailbox_close() returns, every post fails with
 * CG_MAILBOX_CLOSED. Every post that returned CG_MAILBOX_OK (before or
 * concurrently with close) is delivered exactly once; the receiver gets
 * CG_MAILBOX_CLOSED only after it has received all of them.
 *
 * Lifetime: the mailbox is reference-counted so that producers in C can keep
 * it alive independently of the Go side (cg_mailbox_retain/release).
 */
#ifndef CGOGUARD_MAILBOX_H
#define CGOGUARD_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_mailbox cg_mailbox;

typedef enum cg_mailbox_status {
    CG_MAILBOX_OK = 0,
    CG_MAILBOX_DROPPED,  /* full, policy DROP: the message was discarded and counted */
    CG_MAILBOX_FULL,     /* full, policy FAIL: nothing was posted */
    CG_MAILBOX_TIMEOUT,  /* post (policy BLOCK) found no room, or recv found no message, in time */
    CG_MAILBOX_CLOSED,   /* post after close; recv after close once everything is delivered */
    CG_MAILBOX_TOO_BIG,  /* message longer than the configured max_message */
    CG_MAILBOX_BUSY,     /* another thread is receiving (there is one consumer) */
    CG_MAILBOX_INVALID,  /* bad argument (NULL, zero sizes, receive buffer too small) */
    CG_MAILBOX_NOMEM,    /* cg_mailbox_new could not allocate */
    CG_MAILBOX_WAIT,     /* cg_mailbox_recv_nowait: nothing ready, the wait is announced on the event fd */
} cg_mailbox_status;

typedef enum cg_mailbox_full_policy {
    CG_MAILBOX_FULL_FAIL = 0, /* return CG_MAILBOX_FULL at once (real-time producers) */
    CG_MAILBOX_FULL_DROP,     /* discard the new message, count it, return CG_MAILBOX_DROPPED */
    CG_MAILBOX_FULL_BLOCK,    /* sleep until there is room, closed, or block_timeout_ns */
} cg_mailbox_full_policy;

/* Measured with bench/interop (see its README): coalescing made the 99.9th
 * percentile of a post 5-15x shorter (the wake-up system call is the
 * post's tail) at the price of up to the delay in delivery latency. */
#define CG_MAILBOX_DEFAULT_WAKE_BATCH 32
#define CG_MAILBOX_DEFAULT_WAKE_DELAY_NS 50000

/* Use designated initializers: fields may be added at the end. A zero
 * field after max_message means its default (fail when full, block without
 * limit, wake-up coalescing with CG_MAILBOX_DEFAULT_WAKE_BATCH and
 * CG_MAILBOX_DEFAULT_WAKE_DELAY_NS). */
typedef struct cg_mailbox_config {
    uint32_t capacity;      /* messages; rounded up to a power of two, 2 .. 2^24 */
    uint32_t max_message;   /* largest message in bytes, 1 .. 2^24 */
    cg_mailbox_full_policy full_policy;
    int64_t block_timeout_ns; /* FULL_BLOCK only: <= 0 waits without limit */
    /* Wake-up coalescing (wake_batch 0: the default, 1: off). When the
     * receiver finds the mailbox empty right after receiving, it sleeps until
     * wake_batch messages are there or wake_delay_ns has passed, whichever is
     * first; after a delay that brought nothing it sleeps until the next
     * message. Producers then make a wake-up system call once per wake_batch
     * messages instead of once per message while messages come faster than
     * wake_delay_ns apart (sparser ones still wake the receiver at once), at
     * the price of up to wake_delay_ns of delivery delay for them.
     * wake_batch at most capacity / 2 (the default is capped to it, and off
     * below 2); wake_delay_ns 0: the default, < 0 invalid. */
    uint32_t wake_batch;
    int64_t wake_delay_ns;
} cg_mailbox_config;

typedef struct cg_mailbox_stats {
    uint64_t posted;    /* positions claimed: posts that returned, or are about to return, OK */
    uint64_t received;  /* messages handed to the receiver */
    uint64_t dropped;   /* CG_MAILBOX_DROPPED outcomes */
    uint64_t full;      /* CG_MAILBOX_FULL outcomes */
    uint64_t timeouts;  /* posts that ended in CG_MAILBOX_TIMEOUT */
    uint64_t waits;     /* times a post (policy BLOCK) slept for room */
    uint64_t wakeups;   /* times a producer woke the waiting receiver (a system call each) */
    uint32_t capacity;  /* effective capacity (after rounding) */
    uint32_t max_message;
    uint32_t wake_batch;    /* effective coalescing batch (1: off) */
    int64_t wake_delay_ns;  /* effective coalescing delay */
} cg_mailbox_stats;

/* A received batch lives in the caller's buffer as consecutive records:
 * a uint32_t length (native byte order), the bytes, then padding to a
 * multiple of 4. CG_MAILBOX_RECORD_SIZE(n) is the space a message of n bytes
 * takes; the buffer must hold at least one record of max_message bytes. */
#define CG_MAILBOX_RECORD_SIZE(n) ((size_t)4 + (((size_t)(n) + 3) & ~(size_t)3))

typedef struct cg_mailbox_batch {
    size_t count; /* records written */
    size_t bytes; /* bytes of the buffer used */
} cg_mailbox_batch;

/* Creates a mailbox with one reference owned by the caller. Allocates all
 * slots now, so posting never allocates. On error *out is NULL. */
cg_mailbox_status cg_mailbox_new(const cg_mailbox_config *config, cg_mailbox **out);

/* Reference counting; the last release frees the mailbox. Any thread.
 * Release does not close: close first when producers may still post. */
void cg_mailbox_retain(cg_mailbox *mb);
void cg_mailbox_release(cg_mailbox *mb); /* NULL is a no-op */

/* Copies len bytes (len may be 0) into the mailbox. Any thread, lock-free,
 * never allocates, never calls Go; it makes a system call only to wake the
 * receiver when it sleeps waiting for this message, or to sleep under policy
 * FULL_BLOCK when full. */
cg_mailbox_status cg_mailbox_post(cg_mailbox *mb, const void *data, size_t len);

/* Closes the mailbox: later posts fail with CG_MAILBOX_CLOSED, producers
 * blocked on a full mailbox wake up and fail, the receiver drains what was
 * posted and then gets CG_MAILBOX_CLOSED. Idempotent, any thread. */
void cg_mailbox_close(cg_mailbox *mb);

/* Receives up to as many messages as fit in buf (see CG_MAILBOX_RECORD_SIZE)
 * without blocking once at least one is in hand. When none is ready it sleeps
 * up to timeout_ns (0: do not wait; < 0: no limit). Returns CG_MAILBOX_OK
 * with out->count >= 1, CG_MAILBOX_TIMEOUT, CG_MAILBOX_CLOSED (closed and
 * fully drained), CG_MAILBOX_BUSY (another receiver is active) or
 * CG_MAILBOX_INVALID. One receiver at a time. */
cg_mailbox_status cg_mailbox_recv(cg_mailbox *mb, void *buf, size_t buf_len,
                                  int64_t timeout_ns, cg_mailbox_batch *out);

/* Receiving without sleeping in the library, for a receiver that waits in
 * its own event loop (the Go binding parks its goroutine in Go's netpoller):
 *
 *   int fd = cg_mailbox_event_fd(mb);          once; poll it for POLLIN
 *   for (;;) {
 *       st = cg_mailbox_recv_nowait(mb, buf, len, CG_MAILBOX_ARM, &batch);
 *       if (st == CG_MAILBOX_WAIT) { poll fd; read its 8-byte counter; continue; }
 *       ...OK: handle the batch; CLOSED: done...
 *   }
 *
 * cg_mailbox_recv_nowait takes what is ready, like cg_mailbox_recv with
 * timeout 0. When nothing is, flags 0 returns CG_MAILBOX_TIMEOUT; with
 * CG_MAILBOX_ARM it announces the wait and returns CG_MAILBOX_WAIT, and the
 * producer that publishes the awaited message (or cg_mailbox_close) then
 * makes the fd readable. With CG_MAILBOX_ARM_COALESCED and wake_batch > 1,
 * an empty mailbox announces a wait for the wake_batch-th message instead:
 * the caller bounds that wait by wake_delay_ns itself, and after a delay
 * that brought nothing calls again with CG_MAILBOX_ARM. While the receiver
 * runs, posts make no system call; a readable fd may be stale (a spurious
 * wake-up), so always call again rather than assume a message. One receiver
 * at a time, as for cg_mailbox_recv; CG_MAILBOX_INVALID if the fd was never
 * created. */
enum { CG_MAILBOX_ARM = 1, CG_MAILBOX_ARM_COALESCED = 2 };
cg_mailbox_status cg_mailbox_recv_nowait(cg_mailbox *mb, void *buf, size_t buf_len, unsigned flags,
                                         cg_mailbox_batch *out);

/* The mailbox's eventfd (non-blocking, close-on-exec), created on the first
 * call; the mailbox owns it and closes it when freed. -1 with errno on
 * failure. */
int cg_mailbox_event_fd(cg_mailbox *mb);

/* A consistent-enough snapshot of the counters (each one is exact; they
 * are not read atomically together). */
void cg_mailbox_get_stats(const cg_mailbox *mb, cg_mailbox_stats *out);

/* A static description of a status, e.g. "mailbox full". */
const char *cg_mailbox_strerror(cg_mailbox_status status);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_MAILBOX_H */
