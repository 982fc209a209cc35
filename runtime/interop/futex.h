/*
 * futex.h (internal): the two futex operations the interop primitives need,
 * sleeping on a 32-bit word until it changes or a CLOCK_MONOTONIC deadline
 * passes, and waking sleepers. Linux only; used for the mailbox's blocking
 * waits so that neither side ever spins.
 */
#ifndef CG_INTEROP_FUTEX_H
#define CG_INTEROP_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline int64_t cg_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps while *word == expected, until woken or deadline_ns (absolute
 * CLOCK_MONOTONIC; < 0 means none). Returns false only when the deadline has
 * passed; spurious wake-ups return true and callers re-check their condition. */
static inline bool cg_futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline_ns) {
    struct timespec ts, *tsp = NULL;
    if (deadline_ns >= 0) {
        ts.tv_sec = deadline_ns / 1000000000;
        ts.tv_nsec = deadline_ns % 1000000000;
        tsp = &ts;
    }
    /* BITSET with an absolute deadline, so retries after EINTR or spurious
     * wake-ups do not stretch the total wait. */
    long rc = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_BITSET_PRIVATE, expected, tsp, NULL,
                      FUTEX_BITSET_MATCH_ANY);
    if (rc == -1 && errno == ETIMEDOUT) return false;
    return true;
}

static inline void cg_futex_wake(_Atomic uint32_t *word, int count) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

static inline int64_t cg_deadline_after(int64_t timeout_ns) {
    if (timeout_ns < 0) return -1;
    int64_t now = cg_monotonic_ns();
    return timeout_ns > INT64_MAX - now ? -1 : now + timeout_ns;
}

#endif /* CG_INTEROP_FUTEX_H */
