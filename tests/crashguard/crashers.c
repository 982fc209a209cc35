/*
 * crashers.c: a C program that crashes in the ways the crash guard must
 * report, selected by argv[1]. Used linked in (`--install` calls
 * cg_crashguard_install) and under LD_PRELOAD. Lines the report must name are
 * marked with CG-LINE(<mode>) so that the test finds their numbers.
 *
 * Built with -O0 so that the recursion really overflows the stack and each
 * marked line is where the fault happens.
 */
#include "cgoguard/crashguard.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile int *volatile cg_null_ptr;

__attribute__((noinline)) static void crash_null(void)
{
    *cg_null_ptr = 42; /* CG-LINE(null) */
}

__attribute__((noinline)) static int crash_recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth < 0) return 0; /* never true; keeps -Winfinite-recursion quiet */
    return crash_recurse(depth + 1) + pad[0]; /* CG-LINE(overflow) */
}

__attribute__((noinline)) static void crash_abort(void)
{
    abort(); /* CG-LINE(abort) */
}

static volatile int cg_zero;

__attribute__((noinline)) static int crash_divide(int x)
{
    return x / cg_zero; /* CG-LINE(fpe) */
}

__attribute__((noinline)) static void crash_trap(void)
{
    __builtin_trap(); /* CG-LINE(ill) */
}

__attribute__((noinline)) static void *crash_thread_main(void *arg)
{
    (void)arg;
    *cg_null_ptr = 7; /* CG-LINE(thread) */
    return NULL;
}

__attribute__((noinline)) static void crash_readonly(void)
{
    char *text = (char *)"read-only literal";
    text[0] = 'R'; /* CG-LINE(readonly) */
}

/* ---- A JIT-like library: its own SIGSEGV handler makes faults on its
 * guard page recoverable by mapping the page. It must keep working. ---- */
static char *jit_page;
static struct sigaction jit_prev;
static volatile int jit_handled;

static void jit_handler(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    if ((char *)info->si_addr >= jit_page && (char *)info->si_addr < jit_page + 4096) {
        mprotect(jit_page, 4096, PROT_READ | PROT_WRITE);
        jit_handled++;
        return;
    }
    /* Not ours: behave like a well-mannered library and chain. */
    if (jit_prev.sa_flags & SA_SIGINFO) jit_prev.sa_sigaction(sig, info, uc);
    else if (jit_prev.sa_handler != SIG_IGN && jit_prev.sa_handler != SIG_DFL) jit_prev.sa_handler(sig);
    else {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static int run_jit(bool then_crash)
{
    jit_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = jit_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &jit_prev);
    for (int i = 0; i < 3; i++) {
        mprotect(jit_page, 4096, PROT_NONE);
        ((volatile char *)jit_page)[i] = 1;
    }
    printf("jit handled %d faults\n", jit_handled);
    fflush(stdout);
    if (jit_handled != 3) return 1;
    if (then_crash) crash_null();
    return 0;
}

/* ---- A fake guarded allocator: claims one PROT_NONE page. ---- */
static char *fake_block;
static uintptr_t fake_alloc_frames[2];
static uintptr_t fake_free_frames[2];

__attribute__((noinline)) static void fake_alloc_site(void)
{
    fake_alloc_frames[0] = (uintptr_t)__builtin_return_address(0);
    fake_alloc_frames[1] = 0;
}

static bool fake_describer(uintptr_t addr, cg_fault_detail *out)
{
    if (addr < (uintptr_t)fake_block || addr >= (uintptr_t)fake_block + 4096) return false;
    out->kind = "heap-use-after-free";
    out->access_address = addr;
    out->block_address = (uintptr_t)fake_block;
    out->block_size = 48;
    out->alloc_frames = fake_alloc_frames;
    out->alloc_frame_count = 1;
    out->alloc_thread = 1111;
    out->free_frames = fake_free_frames;
    out->free_frame_count = 1;
    out->free_thread = 2222;
    return true;
}

__attribute__((noinline)) static void crash_guarded(void)
{
    ((volatile char *)fake_block)[40] = 1; /* CG-LINE(guarded) */
}

__attribute__((noinline)) static void report_double_free(void)
{
    cg_fault_detail d;
    memset(&d, 0, sizeof d);
    d.kind = "double-free";
    d.access_address = (uintptr_t)fake_block;
    d.block_address = (uintptr_t)fake_block;
    d.block_size = 48;
    d.alloc_frames = fake_alloc_frames;
    d.alloc_frame_count = 1;
    cg_crashguard_report_error(&d); /* CG-LINE(doublefree) */
}

int main(int argc, char **argv)
{
    int a = 1;
    /* CG_TEST_NO_INSTALL lets the test run the same command without the
     * guard, to compare how the process ends. */
    if (a < argc && strcmp(argv[a], "--install") == 0) {
        if (!getenv("CG_TEST_NO_INSTALL") && cg_crashguard_install() != 0) {
            perror("cg_crashguard_install");
            return 3;
        }
        a++;
    }
    const char *mode = a < argc ? argv[a] : "";
    if (strcmp(mode, "null") == 0) crash_null();
    else if (strcmp(mode, "overflow") == 0) return crash_recurse(0);
    else if (strcmp(mode, "abort") == 0) crash_abort();
    else if (strcmp(mode, "readonly") == 0) crash_readonly();
    else if (strcmp(mode, "fpe") == 0) return crash_divide(argc);
    else if (strcmp(mode, "ill") == 0) crash_trap();
    else if (strcmp(mode, "thread") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, crash_thread_main, NULL);
        pthread_join(t, NULL);
    } else if (strcmp(mode, "jit") == 0) {
        return run_jit(false);
    } else if (strcmp(mode, "jit-then-crash") == 0) {
        return run_jit(true);
    } else if (strcmp(mode, "guarded") == 0 || strcmp(mode, "doublefree") == 0) {
        fake_block = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        fake_alloc_site();
        fake_free_frames[0] = (uintptr_t)__builtin_return_address(0);
        cg_crashguard_set_describer(fake_describer);
        if (strcmp(mode, "guarded") == 0) crash_guarded();
        else report_double_free();
    } else if (strcmp(mode, "ok") == 0) {
        puts("ok");
        return 0;
    } else {
        fprintf(stderr, "usage: %s [--install] null|overflow|abort|readonly|fpe|ill|thread|jit|jit-then-crash|guarded|doublefree|ok\n",
                argv[0]);
        return 2;
    }
    return 1; /* not reached when the crash happens */
}
