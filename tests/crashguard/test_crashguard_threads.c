/*
 * test_crashguard_threads.c: concurrency of the crash guard's non-crashing
 * paths: install from many threads at once (idempotent, one set of
 * handlers), per-thread alternate stacks created and released concurrently
 * (the shared stack cache), describer registration. Runs under TSan.
 */
#include "../../runtime/crashguard/cg_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

enum { THREADS = 8, ROUNDS = 200 };

static _Atomic int failures;

static bool no_describer(uintptr_t addr, cg_fault_detail *out)
{
    (void)addr;
    (void)out;
    return false;
}

static void *worker(void *arg)
{
    (void)arg;
    if (cg_crashguard_install() != 0) failures++;
    /* A sanitizer runtime may have given the thread its own alternate
     * stack, which the crash guard keeps; check that, then set it aside so
     * the crash guard's own stacks are exercised. */
    stack_t foreign;
    sigaltstack(NULL, &foreign);
    if (!(foreign.ss_flags & SS_DISABLE)) {
        stack_t after;
        if (cg_crashguard_thread_init() != 0 || sigaltstack(NULL, &after) != 0 || after.ss_sp != foreign.ss_sp)
            failures++;
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
    }
    for (int i = 0; i < ROUNDS; i++) {
        /* A thread that already has a stack keeps it: release, then init. */
        cg_thread_release_altstack();
        stack_t ss;
        if (sigaltstack(NULL, &ss) != 0 || !(ss.ss_flags & SS_DISABLE)) failures++;
        if (cg_crashguard_thread_init() != 0) failures++;
        if (sigaltstack(NULL, &ss) != 0 || (ss.ss_flags & SS_DISABLE) || ss.ss_size < 64 * 1024) failures++;
        /* The stack must be usable memory. */
        memset(ss.ss_sp, 0xa5, 256);
        cg_crashguard_set_describer(i % 2 ? no_describer : NULL);
    }
    cg_thread_release_altstack();
    if (!(foreign.ss_flags & SS_DISABLE)) {
        foreign.ss_flags = 0;
        sigaltstack(&foreign, NULL);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    struct sigaction sa;
    sigaction(SIGSEGV, NULL, &sa);
    if (!(sa.sa_flags & SA_ONSTACK)) failures++;
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", (int)failures);
        return 1;
    }
    puts("crashguard thread tests passed");
    return 0;
}
