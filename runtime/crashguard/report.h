/*
 * report.h: the crash report (text to stderr, JSON to CGOGUARD_REPORT),
 * shared between the handler (crashguard.c) and the writer (report.c).
 */
#ifndef CG_CRASHGUARD_REPORT_H
#define CG_CRASHGUARD_REPORT_H

#include "cg_internal.h"

#include <ucontext.h>

/* How we know (or guess) that a thread is known to the Go runtime. */
typedef enum cg_go_thread_kind {
    CG_GO_NOT_GO_PROGRAM,
    CG_GO_UNKNOWN,          /* no evidence either way */
    CG_GO_MAIN,             /* the main thread of a Go program: m0 */
    CG_GO_CREATED_BY_GO,    /* start routine was runtime/cgo's threadentry */
    CG_GO_HAS_GO_SIGSTACK,  /* its alternate signal stack is not ours: Go's minitSignalStack */
    CG_GO_CREATED_BY_C,     /* pthread_create from C with another start routine */
    CG_GO_NO_SIGSTACK,      /* no alternate signal stack: every Go M has one */
    CG_GO_C_THREAD_WITH_M,  /* created by C, and the runtime's g pointer is set: it has an M */
    CG_GO_C_THREAD_NO_M,    /* created by C, and the runtime's g pointer is nil */
    CG_GO_HAS_G,            /* origin unknown; the runtime's g pointer is set */
    CG_GO_NO_G,             /* origin unknown; the runtime's g pointer is nil */
} cg_go_thread_kind;

typedef struct cg_thread_facts_out {
    long tid;
    bool is_main;
    cg_go_thread_kind known_to_go;
} cg_thread_facts_out;

typedef struct cg_classification {
    const char *id;          /* "null-page", "stack-overflow", ... */
    const char *description; /* one sentence */
} cg_classification;

/* Reads CGOGUARD_REPORT once, outside any handler. */
CG_HIDDEN void cg_report_config_load(void);

/* Classifies a fault; pure, used by the report and by unit tests. `sp` is
 * the interrupted stack pointer, `is_write`/`is_exec` come from the CPU's
 * error code when known. The mapping lookups use the last cg_maps_load(). */
CG_HIDDEN cg_classification cg_crash_classify(int sig, const siginfo_t *info, uintptr_t sp, bool is_write,
                                        bool is_exec, bool described, const cg_fault_detail *detail);

/* Writes the report of a fault whose backtrace (starting at the faulting pc)
 * is frames[0..nframes). Caller holds cg_report_lock. */
CG_HIDDEN void cg_report_fault(int sig, const siginfo_t *info, const ucontext_t *uc, bool in_go,
                               const cg_thread_facts_out *thread, const cg_fault_detail *detail,
                               const uintptr_t *frames, size_t nframes);
/* Writes the report of an error found outside a handler (double free). */
CG_HIDDEN void cg_report_error_now(const cg_fault_detail *detail, const cg_thread_facts_out *thread);

/* Backtraces (crashguard.c): of the interrupted context, starting at its pc;
 * of the caller, skipping `skip` innermost frames. */
CG_HIDDEN size_t cg_context_backtrace(const ucontext_t *uc, uintptr_t *frames, size_t max);
CG_HIDDEN size_t cg_current_backtrace(uintptr_t *frames, size_t max, int skip);

CG_HIDDEN const char *cg_signal_name(int sig);
CG_HIDDEN const char *cg_signal_code_name(int sig, int code);

#endif /* CG_CRASHGUARD_REPORT_H */
