/*
 * preload.c: what only libcgoguard-preload.so does: install the crash guard
 * from a constructor (before the Go runtime starts, so the guard sees every
 * crash signal first), and interpose
 *
 *   pthread_create  so that every new thread gets an alternate signal stack
 *                   (a thread that overflows its stack can only be reported
 *                   from another stack) and so that threads the Go runtime
 *                   creates (start routine runtime/cgo threadentry) are told
 *                   apart from threads C code creates;
 *   sigaction/signal for the five crash signals, so that a handler installed
 *                   later (the Go runtime's, through x_cgo_sigaction; a JIT's)
 *                   becomes the handler the guard chains to instead of
 *                   silently replacing the guard. The caller sees exactly the
 *                   dispositions it would see without the guard (the "old"
 *                   action is the previous program-level one), so the Go
 *                   runtime records SIG_DFL as the handler to forward to and
 *                   never loops back into the guard.
 *
 * The guard stays first in the kernel, which is what lets it describe a
 * guarded-allocator fault that happens in Go code (Go's memmove reading a
 * freed guarded slot) before Go's handler turns it into a Go crash.
 * CGOGUARD_CHAIN_ONLY=1 disables the sigaction interposition (the guard is
 * then the Go runtime's "previous handler" and sees only faults in C code).
 */
#include "cg_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* glibc's allocator, bypassing the guarded allocator's malloc interposer:
 * the trampoline record must not cost a guarded (sampled) allocation. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);

typedef int (*cg_pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef int (*cg_sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static cg_pthread_create_fn cg_real_pthread_create;
static cg_sigaction_fn cg_real_sigaction;
static bool cg_interpose_sigaction = true;
static pthread_key_t cg_altstack_key;
static bool cg_key_ok;

static void cg_resolve(void)
{
    if (!cg_real_sigaction) cg_real_sigaction = (cg_sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
    if (!cg_real_pthread_create)
        cg_real_pthread_create = (cg_pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
}

static void cg_altstack_destructor(void *value)
{
    (void)value;
    cg_thread_release_altstack();
}

__attribute__((constructor)) static void cg_preload_init(void)
{
    cg_resolve();
    if (cg_real_sigaction) cg_sys_sigaction = cg_real_sigaction;
    const char *chain_only = getenv("CGOGUARD_CHAIN_ONLY");
    cg_interpose_sigaction = !(chain_only && chain_only[0] == '1');
    cg_key_ok = pthread_key_create(&cg_altstack_key, cg_altstack_destructor) == 0;
    cg_crashguard_install();
}

typedef struct cg_thread_start {
    void *(*start)(void *);
    void *arg;
    cg_thread_origin origin;
} cg_thread_start;

static void *cg_thread_trampoline(void *p)
{
    cg_thread_start s = *(cg_thread_start *)p;
    __libc_free(p);
    cg_thread_set_origin(s.origin);
    if (cg_crashguard_thread_init() == 0 && cg_key_ok)
        pthread_setspecific(cg_altstack_key, (void *)1); /* runs the destructor at exit */
    return s.start(s.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    cg_resolve();
    if (!cg_real_pthread_create) return EAGAIN;
    cg_thread_start *s = __libc_malloc(sizeof *s);
    if (!s) return cg_real_pthread_create(thread, attr, start, arg);
    s->start = start;
    s->arg = arg;
    /* Without runtime/cgo's threadentry (stripped binary, or not Go) the
     * origin stays unknown rather than wrongly "C". */
    s->origin = cg_go.threadentry == 0            ? CG_ORIGIN_UNKNOWN
                : (uintptr_t)start == cg_go.threadentry ? CG_ORIGIN_GO
                                                        : CG_ORIGIN_C;
    int rc = cg_real_pthread_create(thread, attr, cg_thread_trampoline, s);
    if (rc != 0) __libc_free(s);
    return rc;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    cg_resolve();
    if (!cg_real_sigaction) {
        errno = ENOSYS;
        return -1;
    }
    if (!cg_interpose_sigaction || !cg_is_guarded_signal(sig) || !cg_crashguard_active())
        return cg_real_sigaction(sig, act, old);
    /* The program talks to the chained disposition; the kernel keeps ours. */
    struct sigaction prev;
    cg_chain_get(sig, &prev);
    if (act) cg_chain_set(sig, act);
    if (old) *old = prev;
    return 0;
}

/* glibc's signal() calls its internal sigaction, which would bypass the
 * interposer above; route it through it. BSD semantics, as glibc's. */
sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = handler;
    sigemptyset(&act.sa_mask);
    if (sig > 0 && sig < NSIG) sigaddset(&act.sa_mask, sig);
    act.sa_flags = SA_RESTART;
    if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
    return old.sa_handler;
}
