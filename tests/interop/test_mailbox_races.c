/*
 * test_mailbox_races.c: the mailbox's sleep/wake handshakes under injected
 * delays. This test compiles its own copy of runtime/interop/mailbox.c with
 * CG_MAILBOX_INJECT_DELAYS, so that every step of a handshake (receiver
 * announcing a sleep, producer between claim and publish, wake checks) may
 * yield or sleep at random. Windows that are a few instructions wide in the
 * real build become microseconds wide, and a lost wake-up shows up as a
 * receive that times out with messages ready — a failure, not a hang.
 *
 * The producer/receiver checks are those of test_mailbox.c (exactly once,
 * per-producer order, intact content); both files include the same stress
 * code.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* Per-thread xorshift state, so the delays need no shared state (which
 * would add synchronisation and hide races). */
static _Thread_local uint32_t delay_rng;

void cg_mailbox_inject_delay(void);
void cg_mailbox_inject_delay(void) {
    if (!delay_rng) delay_rng = (uint32_t)(uintptr_t)&delay_rng | 1u;
    delay_rng ^= delay_rng << 13;
    delay_rng ^= delay_rng >> 17;
    delay_rng ^= delay_rng << 5;
    uint32_t r = delay_rng % 64;
    if (r < 8) {
        sched_yield();
    } else if (r == 8) {
        struct timespec ts = {0, 20 * 1000};
        nanosleep(&ts, NULL);
    }
}

#define MAILBOX_TEST_RACES 1
#include "test_mailbox.c"
