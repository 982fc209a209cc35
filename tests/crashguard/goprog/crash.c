/*
 * crash.c: C functions that crash in the ways the crash guard must report
 * when they are called from Go (see main.go). Lines the report must name
 * carry CG-LINE(<mode>); the test looks their numbers up. Built with -O0
 * (CGO_CFLAGS) so that the recursion really overflows and lines are exact.
 */
#include "crash.h"
#include "_cgo_export.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile int *volatile null_ptr;

void crash_null(void)
{
    *null_ptr = 1; /* CG-LINE(null) */
}

int crash_recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth < 0) return 0; /* never true; keeps -Winfinite-recursion quiet */
    return crash_recurse(depth + 1) + pad[0]; /* CG-LINE(overflow) */
}

void crash_abort(void)
{
    abort(); /* CG-LINE(abort) */
}

static void *c_thread_main(void *arg)
{
    (void)arg;
    *null_ptr = 2; /* CG-LINE(cthread) */
    return NULL;
}

void crash_on_c_thread(void)
{
    pthread_t t;
    pthread_create(&t, NULL, c_thread_main, NULL);
    pthread_join(t, NULL);
}

static void *c_thread_overflow(void *arg)
{
    (void)arg;
    crash_recurse(0);
    return NULL;
}

/* A stack overflow on a thread Go never saw: without an alternate signal
 * stack (the preload gives every new thread one) nobody could report it. */
void overflow_on_c_thread(void)
{
    pthread_t t;
    pthread_create(&t, NULL, c_thread_overflow, NULL);
    pthread_join(t, NULL);
}

void crash_in_callback(void)
{
    *null_ptr = 3; /* CG-LINE(callback) */
}

void crash_via_callback(void)
{
    goCallback();
}

/* A JIT-like library installing its own SIGSEGV handler after the Go
 * runtime started; it handles faults on its own page and chains the rest. */
static char *jit_page;
static struct sigaction jit_prev;
static volatile int jit_handled;

static void jit_handler(int sig, siginfo_t *info, void *uc)
{
    if ((char *)info->si_addr >= jit_page && (char *)info->si_addr < jit_page + 4096) {
        mprotect(jit_page, 4096, PROT_READ | PROT_WRITE);
        jit_handled++;
        return;
    }
    if (jit_prev.sa_flags & SA_SIGINFO) jit_prev.sa_sigaction(sig, info, uc);
    else {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

int jit_run(void)
{
    jit_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = jit_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &jit_prev);
    for (int i = 0; i < 3; i++) {
        mprotect(jit_page, 4096, PROT_NONE);
        ((volatile char *)jit_page)[i] = 1;
    }
    return jit_handled;
}

/* A page the (fake) guarded allocator claims: see guard_linked.go. */
static char *guarded;
void *guarded_page(void)
{
    if (!guarded) guarded = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return guarded;
}

static void *c_thread_callback(void *arg)
{
    (void)arg;
    goCallback(); /* faults in crash_in_callback, inside the callback */
    return NULL;
}

/* A thread Go did not create, inside an //export callback when it faults:
 * it has an M then, so the Go runtime knows it. */
void crash_via_callback_on_c_thread(void)
{
    pthread_t t;
    pthread_create(&t, NULL, c_thread_callback, NULL);
    pthread_join(t, NULL);
}
