/*
 * crashguard.c: the crash guard's handler and its installation.
 *
 * The handler runs on an alternate signal stack, decides whether the fault is
 * ours to report (C code, or a guarded-allocator address even in Go code),
 * writes one report (report.c) and then passes the signal on: to the handler
 * that was installed before us or that the program installed after us (the
 * Go runtime's, a JIT's), or to the default action. It never swallows a
 * crash, so exit status, core dumps and Go's own traceback still happen.
 *
 * Faults in Go code that the guarded allocator does not claim (a nil
 * dereference that Go turns into a recoverable panic) are chained silently,
 * with the context untouched, because Go's handler rewrites that context to
 * inject the panic.
 *
 * "Known to the Go runtime" is the runtime's own per-thread g pointer where
 * it can be read (goinfo.c: x86-64 with a symbol table), which is set
 * exactly on threads that have an M, including a C-created thread inside
 * (or since) an //export callback. Elsewhere it is a heuristic, documented
 * in report.c where it is printed: the main thread of a Go program is m0;
 * threads whose start routine is runtime/cgo's threadentry are Go's Ms
 * (seen by the preload's pthread_create wrapper); a thread whose alternate
 * signal stack was not installed by us got it from the Go runtime
 * (minitSignalStack allocates one on every M that has none), and a thread
 * with no alternate signal stack at all cannot be one of Go's Ms.
 */
#include "cg_internal.h"
#include "report.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

const int cg_signals[CG_NSIGNALS] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

int (*cg_sys_sigaction)(int, const struct sigaction *, struct sigaction *) = sigaction;

/* The action to chain to, per signal, double-buffered so that the handler
 * always reads a complete struct while cg_chain_set (under cg_install_mu)
 * writes the other slot and then flips the index. */
static struct sigaction cg_next[NSIG][2];
static _Atomic int cg_next_slot[NSIG];
static _Atomic bool cg_installed;
static pthread_mutex_t cg_install_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(cg_fault_describer) cg_describer;

/* Per-thread state. initial-exec TLS: reading it in a handler never calls
 * __tls_get_addr (which may allocate). */
#define CG_TLS __thread __attribute__((tls_model("initial-exec")))
static CG_TLS int cg_handler_depth;
static CG_TLS void *cg_own_altstack;
static CG_TLS size_t cg_own_altstack_size;
static CG_TLS int cg_origin; /* cg_thread_origin */

bool cg_is_guarded_signal(int sig)
{
    for (int i = 0; i < CG_NSIGNALS; i++)
        if (cg_signals[i] == sig) return true;
    return false;
}

bool cg_crashguard_active(void) { return atomic_load(&cg_installed); }

void cg_chain_get(int sig, struct sigaction *out)
{
    *out = cg_next[sig][atomic_load(&cg_next_slot[sig])];
}

void cg_chain_set(int sig, const struct sigaction *act)
{
    pthread_mutex_lock(&cg_install_mu);
    int slot = !atomic_load(&cg_next_slot[sig]);
    cg_next[sig][slot] = *act;
    atomic_store(&cg_next_slot[sig], slot);
    pthread_mutex_unlock(&cg_install_mu);
}

void cg_crashguard_set_describer(cg_fault_describer describer)
{
    atomic_store(&cg_describer, describer);
}

void cg_thread_set_origin(cg_thread_origin origin) { cg_origin = (int)origin; }

/* ---- Alternate signal stacks ---- */
static size_t cg_altstack_size(void)
{
    /* The handler symbolizes (fork, pipes, static buffers) and chains to Go's
     * handler on this stack; 64 KiB leaves ample room over glibc's minimum. */
    long min = sysconf(_SC_SIGSTKSZ);
    size_t size = 64 * 1024;
    if (min > 0 && (size_t)min * 4 > size) size = (size_t)min * 4;
    return size;
}

/* Stacks of exited threads are kept for reuse: a program that creates and
 * joins threads at a high rate then pays two sigaltstack calls per thread
 * instead of mmap+mprotect+munmap (see bench/crashguard). */
enum { CG_STACK_CACHE = 64 };
static void *cg_stack_cache[CG_STACK_CACHE];
static size_t cg_stack_cached;
static pthread_mutex_t cg_stack_mu = PTHREAD_MUTEX_INITIALIZER;

static void *cg_altstack_take(size_t size, size_t page)
{
    void *base = NULL;
    pthread_mutex_lock(&cg_stack_mu);
    if (cg_stack_cached > 0) base = cg_stack_cache[--cg_stack_cached];
    pthread_mutex_unlock(&cg_stack_mu);
    if (base) return base;
    /* One PROT_NONE guard page below the stack: an overflowing handler
     * faults instead of corrupting the neighbouring mapping. */
    base = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return NULL;
    mprotect(base, page, PROT_NONE);
    return base;
}

static void cg_altstack_give_back(void *base, size_t size, size_t page)
{
    pthread_mutex_lock(&cg_stack_mu);
    bool kept = cg_stack_cached < CG_STACK_CACHE;
    if (kept) cg_stack_cache[cg_stack_cached++] = base;
    pthread_mutex_unlock(&cg_stack_mu);
    if (!kept) munmap(base, size + page);
}

int cg_crashguard_thread_init(void)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) != 0) return -1;
    if (!(cur.ss_flags & SS_DISABLE)) return 0; /* keep the existing one (Go's) */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = cg_altstack_size();
    char *base = cg_altstack_take(size, page);
    if (!base) return -1;
    stack_t ss = {.ss_sp = base + page, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        int e = errno;
        cg_altstack_give_back(base, size, page);
        errno = e;
        return -1;
    }
    cg_own_altstack = base + page;
    cg_own_altstack_size = size;
    return 0;
}

void cg_thread_release_altstack(void)
{
    if (!cg_own_altstack) return;
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == cg_own_altstack && !(cur.ss_flags & SS_ONSTACK)) {
        stack_t off = {.ss_flags = SS_DISABLE};
        if (sigaltstack(&off, NULL) == 0) {
            size_t page = (size_t)sysconf(_SC_PAGESIZE);
            cg_altstack_give_back((char *)cg_own_altstack - page, cg_own_altstack_size, page);
        }
    }
    cg_own_altstack = NULL;
}

/* ---- Thread facts for the report ---- */
static void cg_thread_facts(cg_thread_facts_out *t)
{
    t->tid = cg_gettid();
    t->is_main = t->tid == getpid();
    t->known_to_go = CG_GO_UNKNOWN;
    if (!cg_go.is_go) {
        t->known_to_go = CG_GO_NOT_GO_PROGRAM;
        return;
    }
    stack_t cur;
    bool have_altstack = sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE);
    bool foreign_altstack = have_altstack && cur.ss_sp != cg_own_altstack;
    if (t->is_main) t->known_to_go = CG_GO_MAIN;
    else if (cg_go.have_g_slot) {
        /* The runtime's own answer: does this thread have an M? */
        bool has_m = cg_go_current_g() != 0;
        if (cg_origin == CG_ORIGIN_C) t->known_to_go = has_m ? CG_GO_C_THREAD_WITH_M : CG_GO_C_THREAD_NO_M;
        else if (cg_origin == CG_ORIGIN_GO && has_m) t->known_to_go = CG_GO_CREATED_BY_GO;
        else t->known_to_go = has_m ? CG_GO_HAS_G : CG_GO_NO_G;
    } else if (cg_origin == CG_ORIGIN_GO) t->known_to_go = CG_GO_CREATED_BY_GO;
    else if (cg_origin == CG_ORIGIN_C) t->known_to_go = CG_GO_CREATED_BY_C;
    else if (foreign_altstack) t->known_to_go = CG_GO_HAS_GO_SIGSTACK;
    else if (!have_altstack) t->known_to_go = CG_GO_NO_SIGSTACK;
}

/* ---- Passing the signal on ---- */
static bool cg_is_synchronous(int sig, const siginfo_t *info)
{
    return sig != SIGABRT && info && info->si_code > 0;
}

static void cg_default_action(int sig, const siginfo_t *info)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    cg_sys_sigaction(sig, &dfl, NULL);
    /* A synchronous fault re-executes the faulting instruction on return and
     * dies with the default action (exit status and core dump intact). An
     * asynchronous one (abort(), kill) is re-sent: it stays pending while the
     * handler's mask blocks it and is delivered on return. */
    if (!cg_is_synchronous(sig, info)) syscall(SYS_tgkill, getpid(), cg_gettid(), sig);
}

static void cg_chain(int sig, siginfo_t *info, void *uc)
{
    struct sigaction next;
    cg_chain_get(sig, &next);
    if (next.sa_flags & SA_SIGINFO) {
        if (next.sa_sigaction == NULL) {
            cg_default_action(sig, info);
            return;
        }
        pthread_sigmask(SIG_BLOCK, &next.sa_mask, NULL);
        if (next.sa_flags & SA_RESETHAND) {
            struct sigaction dfl = {.sa_handler = SIG_DFL};
            cg_chain_set(sig, &dfl);
        }
        next.sa_sigaction(sig, info, uc);
        return;
    }
    if (next.sa_handler == SIG_IGN) {
        /* The kernel does not let a synchronous fault be ignored either. */
        if (cg_is_synchronous(sig, info)) cg_default_action(sig, info);
        return;
    }
    if (next.sa_handler == SIG_DFL) {
        cg_default_action(sig, info);
        return;
    }
    pthread_sigmask(SIG_BLOCK, &next.sa_mask, NULL);
    next.sa_handler(sig);
}

/* One report per process: later signals (Go's own SIGABRT after it printed
 * its traceback, another thread's fault) are only chained. */
static _Atomic bool cg_reported;

static bool cg_is_memory_signal(int sig) { return sig == SIGSEGV || sig == SIGBUS; }

static uintptr_t cg_context_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

/* A handler we chain to that is neither the Go runtime's nor a default
 * disposition (a JIT's, a language runtime's) may legitimately handle a
 * synchronous fault and resume. Reporting first would turn every handled
 * fault into a bogus crash report, so for such handlers the report is
 * deferred: the fault is recorded (context copy and backtrace, taken now
 * while the stack is intact) and reported only if the foreign handler turns
 * out not to handle it: it re-raises the signal, the same fault happens
 * again, or a nested crash signal arrives while it runs (e.g. it called the
 * Go runtime's handler, which then kills the process). */
typedef struct cg_deferred {
    bool valid;
    long tid;
    int sig;
    uintptr_t pc, addr;
    siginfo_t info;
    ucontext_t uc;
    uintptr_t frames[CG_FAULT_MAX_FRAMES];
    size_t nframes;
} cg_deferred;
static cg_deferred cg_pending;

static bool cg_is_foreign_handler(const struct sigaction *next)
{
    uintptr_t fn = (next->sa_flags & SA_SIGINFO) ? (uintptr_t)next->sa_sigaction : (uintptr_t)next->sa_handler;
    if (fn == (uintptr_t)SIG_DFL || fn == (uintptr_t)SIG_IGN) return false;
    return !cg_pc_in_go(fn);
}

static void cg_report_now(int sig, const siginfo_t *info, const ucontext_t *uc, bool in_go,
                          const cg_fault_detail *detail, const uintptr_t *frames, size_t nframes)
{
    /* A thread that crashes while another is reporting waits for that
     * report instead of killing the process under it. */
    if (!cg_report_lock()) return;
    if (!atomic_exchange(&cg_reported, true)) {
        cg_thread_facts_out t;
        cg_thread_facts(&t);
        cg_report_fault(sig, info, uc, in_go, &t, detail, frames, nframes);
    }
    cg_report_unlock();
}

static void cg_handler(int sig, siginfo_t *info, void *ucv)
{
    int saved_errno = errno;
    ucontext_t *uc = ucv;
    uintptr_t pc = uc ? cg_context_pc(uc) : 0;
    uintptr_t addr = info ? (uintptr_t)info->si_addr : 0;
    long self = cg_gettid();
    cg_handler_depth++;
    if (cg_pending.valid && cg_pending.tid == self && cg_handler_depth == 1) {
        bool reraised = sig == cg_pending.sig && info && info->si_code <= 0;
        bool refault = sig == cg_pending.sig && cg_is_synchronous(sig, info) && pc == cg_pending.pc &&
                       addr == cg_pending.addr;
        if (!reraised && !refault) cg_pending.valid = false; /* the foreign handler handled it */
    }
    if (atomic_load(&cg_reported)) {
        /* one report per process */
    } else if (cg_pending.valid && cg_pending.tid == self) {
        cg_pending.valid = false;
        cg_report_now(cg_pending.sig, &cg_pending.info, &cg_pending.uc, false, NULL, cg_pending.frames,
                      cg_pending.nframes);
    } else if (cg_handler_depth == 1) {
        cg_fault_detail detail;
        bool described = false;
        cg_fault_describer describer = atomic_load(&cg_describer);
        if (describer && cg_is_memory_signal(sig) && info) {
            memset(&detail, 0, sizeof detail);
            described = describer(addr, &detail);
        }
        bool in_go = cg_pc_in_go(pc);
        if (!in_go || described) {
            uintptr_t frames[CG_FAULT_MAX_FRAMES];
            size_t nframes = cg_context_backtrace(uc, frames, CG_FAULT_MAX_FRAMES);
            struct sigaction next;
            cg_chain_get(sig, &next);
            if (!described && uc && cg_is_synchronous(sig, info) && cg_is_foreign_handler(&next)) {
                cg_pending.tid = self;
                cg_pending.sig = sig;
                cg_pending.pc = pc;
                cg_pending.addr = addr;
                cg_pending.info = *info;
                cg_pending.uc = *uc;
                memcpy(cg_pending.frames, frames, nframes * sizeof frames[0]);
                cg_pending.nframes = nframes;
                cg_pending.valid = true;
            } else {
                cg_report_now(sig, info, uc, in_go, described ? &detail : NULL, frames, nframes);
            }
        }
    }
    cg_chain(sig, info, ucv);
    cg_handler_depth--;
    errno = saved_errno;
}

void cg_crashguard_report_error(const cg_fault_detail *detail)
{
    if (cg_report_lock()) {
        if (!atomic_exchange(&cg_reported, true)) {
            cg_thread_facts_out t;
            cg_thread_facts(&t);
            cg_report_error_now(detail, &t);
        }
        cg_report_unlock();
    }
    abort();
}

int cg_crashguard_install(void)
{
    pthread_mutex_lock(&cg_install_mu);
    int rc = 0;
    if (!atomic_load(&cg_installed)) {
        cg_go_info_load();
        cg_symbolizer_init();
        cg_report_config_load();
        /* backtrace() loads libgcc_s (and allocates) on first use; do that
         * here, not in a handler. */
        void *prime[4];
        backtrace(prime, 4);
        for (int i = 0; i < CG_NSIGNALS && rc == 0; i++) {
            int sig = cg_signals[i];
            struct sigaction sa, old;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = cg_handler;
            sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
            sigemptyset(&sa.sa_mask);
            if (cg_sys_sigaction(sig, &sa, &old) != 0) {
                rc = -1;
                break;
            }
            if (old.sa_sigaction != cg_handler) {
                int slot = !atomic_load(&cg_next_slot[sig]);
                cg_next[sig][slot] = old;
                atomic_store(&cg_next_slot[sig], slot);
            }
        }
        if (rc == 0) atomic_store(&cg_installed, true);
    }
    pthread_mutex_unlock(&cg_install_mu);
    if (rc != 0) return rc;
    return cg_crashguard_thread_init();
}

/* For report.c: the backtrace of the interrupted context. */
size_t cg_context_backtrace(const ucontext_t *uc, uintptr_t *frames, size_t max)
{
    void *raw[CG_FAULT_MAX_FRAMES + 16];
    int n = backtrace(raw, (int)(sizeof raw / sizeof raw[0]));
    uintptr_t pc = uc ? cg_context_pc(uc) : 0;
    size_t out = 0;
    int start = -1;
    for (int i = 0; i < n; i++) {
        if ((uintptr_t)raw[i] == pc) {
            start = i;
            break;
        }
    }
    if (start < 0) {
        /* The unwinder could not step through the signal frame; the faulting
         * pc alone is still the most important frame. */
        if (max > 0 && pc) frames[out++] = pc;
        return out;
    }
    for (int i = start; i < n && out < max; i++) frames[out++] = (uintptr_t)raw[i];
    return out;
}

size_t cg_current_backtrace(uintptr_t *frames, size_t max, int skip)
{
    void *raw[CG_FAULT_MAX_FRAMES + 16];
    int n = backtrace(raw, (int)(sizeof raw / sizeof raw[0]));
    size_t out = 0;
    for (int i = skip; i < n && out < max; i++) frames[out++] = (uintptr_t)raw[i];
    return out;
}
