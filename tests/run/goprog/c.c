/* c.c: C functions the `cgoguard run` test program calls (see main.go). */
#include "c.h"
#include "_cgo_export.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

static volatile int *volatile null_ptr;

void take(void *p) { (void)p; }

void crash_c(void)
{
    *null_ptr = 1; /* CG-LINE(crash) */
}

void call_get_ptr(void) { (void)getPtr(); }

void double_free(void)
{
    char *p = malloc(24);
    free(p);
    free(p); /* CG-LINE(doublefree) */
}

void use_after_free(void)
{
    volatile char *p = malloc(32);
    free((void *)p);
    p[3] = 1; /* CG-LINE(uaf) */
}

static void *cthread_main(void *via_go)
{
    if (via_go) goCallbackCrash(); /* the thread is inside an //export callback when it faults */
    else crash_c();
    return NULL;
}

/* Runs cthread_main on a thread that C creates, and waits for it. */
void run_cthread(int via_go)
{
    pthread_t t;
    if (pthread_create(&t, NULL, cthread_main, (void *)(intptr_t)via_go) != 0) abort();
    pthread_join(t, NULL);
}
