/*
 * mailbox.c: the bounded MPSC byte-message queue of cgoguard/mailbox.h.
 *
 * Ring of fixed-size slots (an 8-byte header + max_message bytes, rounded
 * to 8), each with a sequence number as in Dmitry Vyukov's bounded queue: slot i is free for the producer at position p when seq == p, and
 * holds a message for the consumer at position p when seq == p + 1. A
 * producer claims a position with one CAS on `tail`, copies, then publishes
 * with a release store of seq; the single consumer copies out and hands the
 * slot to the next lap (seq = p + capacity).
 *
 * Slots are packed, not padded to cache lines: a 16-byte message takes 24
 * bytes, so one line carries several messages from the producer's core to
 * the receiver's and the receiver streams through memory. Padding slots to
 * 64 bytes (tried first) made every 16-byte message cost a line transfer of
 * its own. seq is 32 bits wide: positions are compared modulo 2^32, which is
 * exact because a slot's seq never differs from the position looked at by
 * more than the capacity (<= 2^24).
 *
 * Close is bit 63 of `tail`: a producer's claiming CAS fails once it is set,
 * so the set of successful posts is exactly the positions below the frozen
 * tail, and the consumer reports CLOSED only after its head reaches it.
 *
 * Sleeping uses futex words with a Dekker-style handshake: the sleeper
 * announces itself, reads the futex word, issues a seq_cst fence and
 * re-checks its condition; the waker changes the condition, fences, and only
 * if a sleeper is announced bumps the word and calls FUTEX_WAKE. Either the
 * sleeper sees the new state or the waker sees the sleeper, so no wake-up is
 * lost. The receiver announces the exact position it waits for, so only the
 * producer that publishes that position makes a system call: messages are
 * published out of order when producers race, and a "someone is waiting"
 * flag that any producer may consume loses the wake-up the receiver needs
 * (a producer of a later position clears it, the one at head then sees no
 * sleeper). Announcements are only ever cleared by the receiver itself.
 */
#include "cgoguard/mailbox.h"

#include <errno.h>
#include <limits.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "futex.h"

/* Race testing: tests/interop builds a copy of this file with
 * CG_MAILBOX_INJECT_DELAYS and its own cg_mailbox_inject_delay(), which
 * yields or sleeps at random, to widen every window between the steps of a
 * handshake. Release builds compile the hooks to nothing. */
#ifdef CG_MAILBOX_INJECT_DELAYS
void cg_mailbox_inject_delay(void);
#define INJECT_DELAY() cg_mailbox_inject_delay()
#else
#define INJECT_DELAY() ((void)0)
#endif

/* Checking the checks: tests/interop builds a copy with
 * CG_MAILBOX_INJECT_LOST_WAKEUP=N, whose N-th wake-up of the receiver is
 * skipped, and expects the stress test to report the lost wake-up. */
#ifdef CG_MAILBOX_INJECT_LOST_WAKEUP
static _Atomic unsigned long cg_wakeups_made;
#define SKIP_WAKEUP() (atomic_fetch_add(&cg_wakeups_made, 1) + 1 == (CG_MAILBOX_INJECT_LOST_WAKEUP))
#else
#define SKIP_WAKEUP() false
#endif

/* The first position. Production starts at 0; tests/interop builds a copy
 * that starts just below 2^32, so that the 32-bit seq wraps mid-test. */
#ifndef CG_MAILBOX_FIRST_POSITION
#define CG_MAILBOX_FIRST_POSITION 0
#endif

#define CLOSED_BIT ((uint64_t)1 << 63)
#define CACHE_LINE 64
#define MAX_CAPACITY ((uint32_t)1 << 24)
#define MAX_MESSAGE ((uint32_t)1 << 24)

typedef struct slot_header {
    _Atomic uint32_t seq; /* low 32 bits of a position, see above */
    uint32_t len;
    /* message bytes follow */
} slot_header;

/* Position distance, exact while |a - b| < 2^31. */
static inline int32_t seq_diff(uint32_t seq, uint64_t pos) { return (int32_t)(seq - (uint32_t)pos); }

struct cg_mailbox {
    /* Producers' shared line: the claim counter (+ closed bit). */
    alignas(CACHE_LINE) _Atomic uint64_t tail;
    /* Consumer's line. Only the receiver writes head, once per batch; it
     * is atomic so that statistics can read it from other threads. */
    alignas(CACHE_LINE) _Atomic uint64_t head;
    _Atomic uint32_t receiving;
    /* The receiver's announcement (0 when it is not waiting): the position
     * it waits for plus one, shifted left by one, ORed with how to wake it
     * (WAKE_FUTEX: it sleeps on consumer_word; WAKE_FD: it waits for
     * event_fd to become readable, see cg_mailbox_recv_or_arm). */
    alignas(CACHE_LINE) _Atomic uint32_t consumer_word;
    _Atomic uint64_t awaited;
    _Atomic int event_fd; /* -1 until cg_mailbox_event_fd creates it */
    /* Producers (policy BLOCK) sleep on space_word; producers_waiting counts them. */
    alignas(CACHE_LINE) _Atomic uint32_t space_word;
    _Atomic uint32_t producers_waiting;
    /* Slow-path counters and the reference count. */
    alignas(CACHE_LINE) _Atomic uint64_t dropped;
    _Atomic uint64_t full;
    _Atomic uint64_t timeouts;
    _Atomic uint64_t waits;
    _Atomic uint64_t wakeups;
    _Atomic uint32_t refs;
    /* Read-only after creation. */
    alignas(CACHE_LINE) uint64_t mask;
    size_t stride;
    uint32_t capacity;
    uint32_t max_message;
    cg_mailbox_full_policy policy;
    int64_t block_timeout_ns;
    uint32_t wake_batch;  /* >= 1 */
    int64_t wake_delay_ns;
    unsigned char *slots;
};

static inline slot_header *slot_at(const cg_mailbox *mb, uint64_t pos) {
    return (slot_header *)(mb->slots + (size_t)(pos & mb->mask) * mb->stride);
}

static inline unsigned char *slot_data(slot_header *slot) {
    return (unsigned char *)(slot + 1);
}

static uint32_t round_up_pow2(uint32_t v) {
    uint32_t p = 2;
    while (p < v) p <<= 1;
    return p;
}

cg_mailbox_status cg_mailbox_new(const cg_mailbox_config *config, cg_mailbox **out) {
    if (!out) return CG_MAILBOX_INVALID;
    *out = NULL;
    if (!config || config->capacity == 0 || config->capacity > MAX_CAPACITY ||
        config->max_message == 0 || config->max_message > MAX_MESSAGE ||
        (unsigned)config->full_policy > CG_MAILBOX_FULL_BLOCK)
        return CG_MAILBOX_INVALID;

    uint32_t capacity = round_up_pow2(config->capacity);
    if (config->wake_batch > capacity / 2 || config->wake_delay_ns < 0) return CG_MAILBOX_INVALID;
    uint32_t wake_batch = config->wake_batch;
    if (wake_batch == 0) {
        wake_batch = CG_MAILBOX_DEFAULT_WAKE_BATCH < capacity / 2 ? CG_MAILBOX_DEFAULT_WAKE_BATCH : capacity / 2;
        if (wake_batch < 2) wake_batch = 1;
    }

    cg_mailbox *mb = aligned_alloc(CACHE_LINE, sizeof(*mb));
    if (!mb) return CG_MAILBOX_NOMEM;
    memset(mb, 0, sizeof(*mb));
    mb->capacity = capacity;
    mb->wake_batch = wake_batch;
    mb->wake_delay_ns = config->wake_delay_ns ? config->wake_delay_ns : CG_MAILBOX_DEFAULT_WAKE_DELAY_NS;
    mb->mask = mb->capacity - 1;
    mb->max_message = config->max_message;
    size_t raw = sizeof(slot_header) + config->max_message;
    mb->stride = (raw + 7) & ~(size_t)7; /* keeps seq 4-byte aligned */
    mb->policy = config->full_policy;
    mb->block_timeout_ns = config->block_timeout_ns > 0 ? config->block_timeout_ns : -1;
    /* All slots now: posting must never allocate. aligned_alloc wants a
     * size that is a multiple of the alignment. */
    size_t bytes = mb->stride > (SIZE_MAX - CACHE_LINE) / mb->capacity ? 0 : mb->stride * mb->capacity;
    mb->slots = bytes ? aligned_alloc(CACHE_LINE, (bytes + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1))
                      : NULL;
    if (!mb->slots) {
        free(mb);
        return CG_MAILBOX_NOMEM;
    }
    uint64_t first = CG_MAILBOX_FIRST_POSITION;
    for (uint32_t i = 0; i < mb->capacity; i++) {
        slot_header *slot = slot_at(mb, first + i);
        atomic_init(&slot->seq, (uint32_t)(first + i));
        slot->len = 0;
    }
    atomic_init(&mb->tail, first);
    atomic_init(&mb->head, first);
    atomic_init(&mb->event_fd, -1);
    atomic_init(&mb->refs, 1);
    *out = mb;
    return CG_MAILBOX_OK;
}

void cg_mailbox_retain(cg_mailbox *mb) {
    atomic_fetch_add_explicit(&mb->refs, 1, memory_order_relaxed);
}

void cg_mailbox_release(cg_mailbox *mb) {
    if (!mb) return;
    if (atomic_fetch_sub_explicit(&mb->refs, 1, memory_order_acq_rel) != 1) return;
    int fd = atomic_load_explicit(&mb->event_fd, memory_order_relaxed);
    if (fd >= 0) close(fd);
    free(mb->slots);
    free(mb);
}

int cg_mailbox_event_fd(cg_mailbox *mb) {
    if (!mb) {
        errno = EINVAL;
        return -1;
    }
    int fd = atomic_load_explicit(&mb->event_fd, memory_order_acquire);
    if (fd >= 0) return fd;
    int mine = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (mine < 0) return -1;
    if (atomic_compare_exchange_strong_explicit(&mb->event_fd, &fd, mine, memory_order_acq_rel,
                                                memory_order_acquire))
        return mine;
    close(mine); /* another thread created it first */
    return fd;
}

/* Announcements: the awaited position plus one, shifted, with the way to
 * wake the receiver in bit 0. */
enum { WAKE_FUTEX = 0, WAKE_FD = 1 };

static inline uint64_t announcement(uint64_t target, unsigned how) { return (target + 1) << 1 | how; }

/* Makes the event fd readable (adds 1 to its counter); EAGAIN (counter at
 * its maximum) still leaves it readable. */
static void signal_fd(cg_mailbox *mb) {
    int fd = atomic_load_explicit(&mb->event_fd, memory_order_acquire);
    if (fd < 0) return;
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

static void wake(cg_mailbox *mb, unsigned how) {
    atomic_fetch_add_explicit(&mb->wakeups, 1, memory_order_relaxed);
    if (SKIP_WAKEUP()) return;
    if (how == WAKE_FD) {
        signal_fd(mb);
        return;
    }
    atomic_fetch_add_explicit(&mb->consumer_word, 1, memory_order_release);
    cg_futex_wake(&mb->consumer_word, 1);
}

/* After publishing pos: wake the receiver if it announced that it waits for
 * exactly this position. While the receiver runs (no announcement) this is
 * a fence and a load of a line the receiver rarely writes: no system call. */
static void wake_consumer(cg_mailbox *mb, uint64_t pos) {
    INJECT_DELAY();
    atomic_thread_fence(memory_order_seq_cst);
    uint64_t a = atomic_load_explicit(&mb->awaited, memory_order_relaxed);
    if (a >> 1 == pos + 1) wake(mb, (unsigned)(a & 1));
}

/* Policy BLOCK on a full ring: sleeps until the slot at the current tail may
 * be free, the mailbox closes, or the deadline passes. Returns OK to retry. */
static cg_mailbox_status wait_for_space(cg_mailbox *mb, int64_t deadline) {
    atomic_fetch_add_explicit(&mb->producers_waiting, 1, memory_order_seq_cst);
    INJECT_DELAY();
    uint32_t word = atomic_load_explicit(&mb->space_word, memory_order_acquire);
    atomic_thread_fence(memory_order_seq_cst);
    INJECT_DELAY();
    cg_mailbox_status st = CG_MAILBOX_OK;
    uint64_t pos = atomic_load_explicit(&mb->tail, memory_order_relaxed);
    if (pos & CLOSED_BIT) {
        st = CG_MAILBOX_CLOSED;
    } else {
        uint32_t seq = atomic_load_explicit(&slot_at(mb, pos)->seq, memory_order_acquire);
        if (seq_diff(seq, pos) < 0) {
            atomic_fetch_add_explicit(&mb->waits, 1, memory_order_relaxed);
            if (!cg_futex_wait(&mb->space_word, word, deadline)) st = CG_MAILBOX_TIMEOUT;
        }
    }
    atomic_fetch_sub_explicit(&mb->producers_waiting, 1, memory_order_relaxed);
    return st;
}

cg_mailbox_status cg_mailbox_post(cg_mailbox *mb, const void *data, size_t len) {
    if (!mb || (len && !data)) return CG_MAILBOX_INVALID;
    if (len > mb->max_message) return CG_MAILBOX_TOO_BIG;
    int64_t deadline = 0;
    bool have_deadline = false;
    uint64_t pos = atomic_load_explicit(&mb->tail, memory_order_relaxed);
    slot_header *slot;
    for (;;) {
        if (pos & CLOSED_BIT) return CG_MAILBOX_CLOSED;
        slot = slot_at(mb, pos);
        int32_t dif = seq_diff(atomic_load_explicit(&slot->seq, memory_order_acquire), pos);
        if (dif == 0) {
            /* Relaxed is enough for the claim: the slot's data is ordered by
             * its seq (acquire above, release below). */
            if (atomic_compare_exchange_weak_explicit(&mb->tail, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed))
                break;
        } else if (dif < 0) {
            /* The slot still holds last lap's message: the ring is full. */
            switch (mb->policy) {
            case CG_MAILBOX_FULL_FAIL:
                atomic_fetch_add_explicit(&mb->full, 1, memory_order_relaxed);
                return CG_MAILBOX_FULL;
            case CG_MAILBOX_FULL_DROP:
                atomic_fetch_add_explicit(&mb->dropped, 1, memory_order_relaxed);
                return CG_MAILBOX_DROPPED;
            case CG_MAILBOX_FULL_BLOCK:
                if (!have_deadline) {
                    deadline = cg_deadline_after(mb->block_timeout_ns);
                    have_deadline = true;
                }
                cg_mailbox_status st = wait_for_space(mb, deadline);
                if (st == CG_MAILBOX_TIMEOUT)
                    atomic_fetch_add_explicit(&mb->timeouts, 1, memory_order_relaxed);
                if (st != CG_MAILBOX_OK) return st;
                break;
            }
            pos = atomic_load_explicit(&mb->tail, memory_order_relaxed);
        } else {
            /* Another producer claimed this position; catch up. */
            pos = atomic_load_explicit(&mb->tail, memory_order_relaxed);
        }
    }
    INJECT_DELAY(); /* claimed, not yet published: the receiver must wait */
    slot->len = (uint32_t)len;
    if (len) memcpy(slot_data(slot), data, len);
    atomic_store_explicit(&slot->seq, (uint32_t)(pos + 1), memory_order_release);
    wake_consumer(mb, pos);
    return CG_MAILBOX_OK;
}

void cg_mailbox_close(cg_mailbox *mb) {
    if (!mb) return;
    uint64_t old = atomic_fetch_or_explicit(&mb->tail, CLOSED_BIT, memory_order_seq_cst);
    if (old & CLOSED_BIT) return;
    atomic_fetch_add_explicit(&mb->consumer_word, 1, memory_order_seq_cst);
    cg_futex_wake(&mb->consumer_word, 1);
    signal_fd(mb);
    atomic_fetch_add_explicit(&mb->space_word, 1, memory_order_seq_cst);
    cg_futex_wake(&mb->space_word, INT_MAX);
}

/* True when the message at head is published. */
static inline bool ready(const cg_mailbox *mb, uint64_t head) {
    return seq_diff(atomic_load_explicit(&slot_at(mb, head)->seq, memory_order_acquire), head + 1) == 0;
}

static inline bool drained_after_close(const cg_mailbox *mb, uint64_t head) {
    uint64_t t = atomic_load_explicit(&mb->tail, memory_order_acquire);
    return (t & CLOSED_BIT) && (t & ~CLOSED_BIT) == head;
}

/* The position a receiver that found nothing at head waits for: head, or
 * with coalescing on and the mailbox empty (nothing claimed either)
 * head + wake_batch - 1, whose producer alone wakes it. Coalescing needs an
 * empty mailbox so that the awaited position cannot have been published
 * before the announcement without the re-check seeing it. */
static uint64_t wait_target(const cg_mailbox *mb, uint64_t head, bool coalesce) {
    if (coalesce && mb->wake_batch > 1 &&
        (atomic_load_explicit(&mb->tail, memory_order_relaxed) & ~CLOSED_BIT) == head)
        return head + mb->wake_batch - 1;
    return head;
}

/* Announces a wait for target (see the file comment), then re-checks.
 * Returns false, with the announcement withdrawn, when the re-check finds a
 * message at head, the awaited one, or the mailbox closed and drained: the
 * receiver must not wait. *word is the futex word's value read before the
 * fence (WAKE_FUTEX only). */
static bool announce(cg_mailbox *mb, uint64_t head, uint64_t target, unsigned how, uint32_t *word) {
    atomic_store_explicit(&mb->awaited, announcement(target, how), memory_order_seq_cst);
    INJECT_DELAY();
    if (word) *word = atomic_load_explicit(&mb->consumer_word, memory_order_acquire);
    atomic_thread_fence(memory_order_seq_cst);
    INJECT_DELAY();
    if (ready(mb, head) || ready(mb, target) || drained_after_close(mb, head)) {
        atomic_store_explicit(&mb->awaited, 0, memory_order_relaxed);
        return false;
    }
    return true;
}

typedef enum wait_result {
    WAIT_WOKEN,     /* re-check: something may be ready (or a spurious wake-up) */
    WAIT_COALESCED, /* the coalescing delay passed: take whatever is there */
    WAIT_TIMEOUT,   /* the caller's deadline passed */
} wait_result;

/* Sleeps (futex) until a message may be ready at head, the mailbox is
 * closed and drained, or the deadline passes; with coalescing, until the
 * wake_batch-th message or for at most wake_delay_ns. */
static wait_result wait_for_message(cg_mailbox *mb, uint64_t head, int64_t deadline, bool coalesce) {
    uint64_t target = wait_target(mb, head, coalesce);
    int64_t until = deadline;
    bool coalescing = false;
    if (target != head) {
        int64_t d = cg_deadline_after(mb->wake_delay_ns);
        if (until < 0 || d < until) {
            until = d;
            coalescing = true;
        }
    }
    uint32_t word;
    if (!announce(mb, head, target, WAKE_FUTEX, &word)) return WAIT_WOKEN;
    bool woken = cg_futex_wait(&mb->consumer_word, word, until);
    atomic_store_explicit(&mb->awaited, 0, memory_order_relaxed);
    if (woken) return WAIT_WOKEN;
    return coalescing ? WAIT_COALESCED : WAIT_TIMEOUT;
}

static void wake_producers(cg_mailbox *mb) {
    INJECT_DELAY();
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&mb->producers_waiting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&mb->space_word, 1, memory_order_release);
        cg_futex_wake(&mb->space_word, INT_MAX);
    }
}

/* Copies the messages ready from *head on into dst (records, see
 * mailbox.h) while they fit; returns how many. */
static size_t take(cg_mailbox *mb, uint64_t *head, unsigned char *dst, size_t buf_len, size_t *used) {
    size_t count = 0;
    uint64_t h = *head;
    while (ready(mb, h)) {
        slot_header *slot = slot_at(mb, h);
        uint32_t len = slot->len;
        size_t rec = CG_MAILBOX_RECORD_SIZE(len);
        if (*used + rec > buf_len) break;
        memcpy(dst + *used, &len, sizeof(len));
        memcpy(dst + *used + 4, slot_data(slot), len);
        memset(dst + *used + 4 + len, 0, rec - 4 - len);
        atomic_store_explicit(&slot->seq, (uint32_t)(h + mb->capacity), memory_order_release);
        h++;
        count++;
        *used += rec;
    }
    *head = h;
    return count;
}

/* The common first step of every receive: takes what is ready. True when
 * the call is over: messages taken (*count > 0), or the mailbox closed and
 * drained (*st = CG_MAILBOX_CLOSED). */
static bool take_or_closed(cg_mailbox *mb, uint64_t *head, void *buf, size_t buf_len, size_t *used,
                           size_t *count, cg_mailbox_status *st) {
    *count = take(mb, head, buf, buf_len, used);
    if (*count) return true;
    if (!drained_after_close(mb, *head)) return false;
    *st = CG_MAILBOX_CLOSED;
    return true;
}

static cg_mailbox_status begin_recv(cg_mailbox *mb, const void *buf, size_t buf_len, cg_mailbox_batch *out) {
    if (!mb || !buf || !out) return CG_MAILBOX_INVALID;
    out->count = 0;
    out->bytes = 0;
    if (buf_len < CG_MAILBOX_RECORD_SIZE(mb->max_message)) return CG_MAILBOX_INVALID;
    if (atomic_exchange_explicit(&mb->receiving, 1, memory_order_acquire)) return CG_MAILBOX_BUSY;
    return CG_MAILBOX_OK;
}

static cg_mailbox_status end_recv(cg_mailbox *mb, uint64_t head, size_t count, size_t used,
                                  cg_mailbox_status st, cg_mailbox_batch *out) {
    atomic_store_explicit(&mb->head, head, memory_order_relaxed);
    if (count) wake_producers(mb);
    out->count = count;
    out->bytes = used;
    atomic_store_explicit(&mb->receiving, 0, memory_order_release);
    return st;
}

cg_mailbox_status cg_mailbox_recv(cg_mailbox *mb, void *buf, size_t buf_len, int64_t timeout_ns,
                                  cg_mailbox_batch *out) {
    cg_mailbox_status st = begin_recv(mb, buf, buf_len, out);
    if (st != CG_MAILBOX_OK) return st;
    uint64_t head = atomic_load_explicit(&mb->head, memory_order_relaxed);
    int64_t deadline = 0;
    bool have_deadline = false;
    /* Coalesce at most once per call: after a coalescing delay that brought
     * nothing, an idle receiver sleeps until the next message instead of
     * waking up every wake_delay_ns. */
    bool coalesce = true;
    size_t count = 0, used = 0;
    for (;;) {
        if (take_or_closed(mb, &head, buf, buf_len, &used, &count, &st)) break;
        if (timeout_ns == 0) {
            st = CG_MAILBOX_TIMEOUT;
            break;
        }
        if (!have_deadline) {
            deadline = cg_deadline_after(timeout_ns);
            have_deadline = true;
        }
        wait_result w = wait_for_message(mb, head, deadline, coalesce);
        if (w == WAIT_COALESCED) coalesce = false;
        if (w == WAIT_TIMEOUT && !ready(mb, head) && !drained_after_close(mb, head)) {
            st = CG_MAILBOX_TIMEOUT;
            break;
        }
    }
    return end_recv(mb, head, count, used, st, out);
}

cg_mailbox_status cg_mailbox_recv_nowait(cg_mailbox *mb, void *buf, size_t buf_len, unsigned flags,
                                         cg_mailbox_batch *out) {
    cg_mailbox_status st = begin_recv(mb, buf, buf_len, out);
    if (st != CG_MAILBOX_OK) return st;
    /* The receiver runs: an announcement left by its last call is over. */
    atomic_store_explicit(&mb->awaited, 0, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&mb->head, memory_order_relaxed);
    bool coalesce = (flags & CG_MAILBOX_ARM_COALESCED) != 0;
    size_t count = 0, used = 0;
    for (;;) {
        if (take_or_closed(mb, &head, buf, buf_len, &used, &count, &st)) break;
        if (!(flags & (CG_MAILBOX_ARM | CG_MAILBOX_ARM_COALESCED))) {
            st = CG_MAILBOX_TIMEOUT;
            break;
        }
        if (atomic_load_explicit(&mb->event_fd, memory_order_acquire) < 0) {
            st = CG_MAILBOX_INVALID; /* cg_mailbox_event_fd was never called */
            break;
        }
        uint64_t target = wait_target(mb, head, coalesce);
        if (announce(mb, head, target, WAKE_FD, NULL)) {
            st = CG_MAILBOX_WAIT;
            break;
        }
        /* Something is ready, or only the awaited position of a coalesced
         * wait is (head is claimed, not yet published): wait for head. */
        coalesce = false;
    }
    return end_recv(mb, head, count, used, st, out);
}

void cg_mailbox_get_stats(const cg_mailbox *mb, cg_mailbox_stats *out) {
    memset(out, 0, sizeof(*out));
    if (!mb) return;
    out->posted = (atomic_load_explicit(&mb->tail, memory_order_relaxed) & ~CLOSED_BIT) -
                  CG_MAILBOX_FIRST_POSITION;
    out->received = atomic_load_explicit(&mb->head, memory_order_relaxed) - CG_MAILBOX_FIRST_POSITION;
    out->dropped = atomic_load_explicit(&mb->dropped, memory_order_relaxed);
    out->full = atomic_load_explicit(&mb->full, memory_order_relaxed);
    out->timeouts = atomic_load_explicit(&mb->timeouts, memory_order_relaxed);
    out->waits = atomic_load_explicit(&mb->waits, memory_order_relaxed);
    out->wakeups = atomic_load_explicit(&mb->wakeups, memory_order_relaxed);
    out->capacity = mb->capacity;
    out->max_message = mb->max_message;
    out->wake_batch = mb->wake_batch;
    out->wake_delay_ns = mb->wake_delay_ns;
}

const char *cg_mailbox_strerror(cg_mailbox_status status) {
    switch (status) {
    case CG_MAILBOX_OK: return "ok";
    case CG_MAILBOX_DROPPED: return "mailbox full: message dropped";
    case CG_MAILBOX_FULL: return "mailbox full";
    case CG_MAILBOX_TIMEOUT: return "mailbox wait timed out";
    case CG_MAILBOX_CLOSED: return "mailbox closed";
    case CG_MAILBOX_TOO_BIG: return "message larger than the mailbox's max_message";
    case CG_MAILBOX_BUSY: return "another thread is receiving from the mailbox";
    case CG_MAILBOX_INVALID: return "invalid argument";
    case CG_MAILBOX_NOMEM: return "out of memory";
    case CG_MAILBOX_WAIT: return "nothing to receive yet: the wait is announced on the event fd";
    }
    return "unknown mailbox status";
}
