/*
 * csummary.h: interprocedural summaries of the package's C functions.
 *
 * While each translation unit is alive the front-end copies the facts of
 * every function body the package defines (stores, calls, returns, jumps,
 * casts, thread-local uses). cg_cmodel_compute_summaries then runs a fixed
 * point over the package's C call graph and answers, per function:
 *
 *  - per pointer parameter: is it kept after the call returns (stored in a
 *    global/static, in memory reachable from one, in malloc'd memory that is
 *    itself kept, handed to a thread as its argument, set as thread-specific
 *    data), returned, stored into the object another parameter points to,
 *    freed/realloc'ed, or only used during the call; each with the C line
 *    and the chain of calls that leads to it;
 *  - whether it (transitively) calls an exported Go function;
 *  - whether it is a thread start routine, signal handler or atexit handler,
 *    or reachable from one;
 *  - setjmp/sigsetjmp/longjmp/siglongjmp sites and the calls after a setjmp;
 *  - use of thread-local state (__thread/_Thread_local variables,
 *    pthread_get/setspecific, tss_get/set, and the documented thread-affine
 *    OpenGL/EGL/GLX calls); function-pointer casts between incompatible
 *    function types and where the result goes.
 *
 * Stores are assignments through pointers, to globals or fields, and atomic
 * writes (atomic_store/exchange/compare-exchange, __atomic_*, __sync_*).
 *
 * Functions the package does not define are looked up in a table of known
 * behaviours (free frees, pthread_create keeps its argument, memcpy keeps
 * nothing, ...); any other external function is assumed not to keep, and
 * the parameter summary names it so a finding can say what it assumed.
 *
 * The analysis is flow-insensitive inside a function (a local that may hold
 * the parameter anywhere in the body is an alias everywhere) and tracks
 * pointer values, not data copied out of them: memcpy(dst, p, n) keeps
 * nothing of p. Calls through function pointers are not followed (an
 * unknown callee), except that a call through a variable whose initializer
 * names a function counts as reaching that function for "calls an exported
 * Go function" (a may-call: the variable may be reassigned). Ownership:
 * every summary lives in the model's arena.
 */
#ifndef CG_CSUMMARY_H
#define CG_CSUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "cmodel.h"

/* One step of a trace: a place in one C function. All steps but the last
 * are calls to the next step's function; the last is the line that keeps,
 * frees, jumps or calls Go. */
typedef struct cg_cstep {
    const char *func;
    cg_location loc;
} cg_cstep;

/* A fact with its evidence. len == 0 means the fact does not hold. Long
 * chains keep their first steps and the last one (at most
 * CG_CTRACE_MAX_STEPS); `omitted` counts the calls dropped in between, so
 * memory stays linear in the package size. */
enum { CG_CTRACE_MAX_STEPS = 12 };
typedef struct cg_ctrace {
    const cg_cstep *steps; /* steps[0] is in the summarized function */
    size_t len;
    size_t omitted; /* steps left out between steps[len-2] and steps[len-1] */
    const char *how; /* short human text about the last step */
} cg_ctrace;

typedef enum cg_ckeep_kind {
    CG_KEEP_NONE = 0,
    CG_KEEP_GLOBAL,       /* global/static variable, or memory reachable from one */
    CG_KEEP_HEAP,         /* malloc'd memory that is itself kept or returned */
    CG_KEEP_THREAD_ARG,   /* start argument of pthread_create/thrd_create */
    CG_KEEP_THREAD_LOCAL, /* pthread_setspecific/tss_set */
    CG_KEEP_CALLBACK_ARG, /* registered callback data (on_exit) */
} cg_ckeep_kind;

/* A pointer parameter read as a pointer to (a pointer to ...) a record:
 * `struct hmap *h = *(struct hmap **)m` views m as struct hmap **. */
typedef struct cg_cview {
    const char *record_tag;
    bool is_union;
    const char *type; /* the cast's type, "struct hmap **" */
    cg_location loc;
} cg_cview;

/* A function a caller in C passes by name for a parameter: start(worker). */
typedef struct cg_cfnarg {
    const char *func;   /* "worker" */
    const char *caller; /* the function making the call */
    cg_location loc;    /* the call */
} cg_cfnarg;

/* Every parameter is tracked: besides pointers, a _GoString_ or another
 * struct passed by value can carry a pointer (s.p, _GoStringPtr(s)), and so
 * can an integer (uintptr_t). */
typedef struct cg_cparam_summary {
    const char *name;     /* "" when unnamed */
    bool is_pointer;      /* a data or function pointer */
    bool carries_pointer; /* is_pointer, or a struct/array holding one (_GoString_), or uintptr_t */
    /* Outlives the call in C-owned storage. */
    cg_ckeep_kind kept_kind;
    cg_ctrace kept;
    /* Kept only because it is stored into malloc'd memory the function
     * returns (opts->path = path; return opts): how long it lives is up to
     * the caller, who owns that memory. */
    bool kept_in_result;
    /* Flows into the return value (whether that outlives the call is the
     * caller's business, so this is not "kept"). */
    cg_ctrace returned;
    /* Stored into the object that parameter stored_into_param points to
     * (e.g. dst->p = p): kept exactly when that object is C memory. */
    cg_ctrace stored_into;
    int stored_into_param; /* -1 when stored_into.len == 0 */
    cg_ctrace freed;       /* passed to free/realloc (possibly via calls) */
    /* The first function without a known behaviour it flows into (assumed
     * not to keep), or NULL. */
    const char *assumed_unknown_callee;
    /* CG_ROLE_* bits: a function pointer passed here ends up registered as
     * a thread start routine / signal handler / atexit handler (e.g. a
     * start_thread(fn) wrapper around pthread_create). */
    unsigned registers_roles;
    /* Casts of the parameter itself to pointers to records, in this
     * function's body (not through callees). */
    const cg_cview *views;
    size_t view_count;
    /* The functions C callers of the package pass for it by name. */
    const cg_cfnarg *fn_args;
    size_t fn_arg_count;
} cg_cparam_summary;

enum {
    CG_ROLE_THREAD_START = 1u << 0,   /* pthread_create/thrd_create start routine */
    CG_ROLE_SIGNAL_HANDLER = 1u << 1, /* signal/sigaction handler */
    CG_ROLE_ATEXIT = 1u << 2,         /* atexit/at_quick_exit/on_exit handler */
};
enum { CG_ROLE_COUNT = 3 };
/* Index (0..CG_ROLE_COUNT-1) of a single role bit, for the arrays below. */
unsigned cg_crole_index(unsigned role_bit);

typedef enum cg_cjump_kind {
    CG_JUMP_SETJMP = 0, /* setjmp, _setjmp */
    CG_JUMP_SIGSETJMP,  /* sigsetjmp, __sigsetjmp */
    CG_JUMP_LONGJMP,    /* longjmp, _longjmp */
    CG_JUMP_SIGLONGJMP, /* siglongjmp */
} cg_cjump_kind;

typedef struct cg_ccall_site {
    const char *callee; /* NULL: through a function pointer */
    cg_location loc;
} cg_ccall_site;

typedef struct cg_cjump_site {
    cg_cjump_kind kind;
    const char *buffer; /* the jmp_buf argument as written, e.g. "env" or "ctx->jb" */
    cg_location loc;
    /* SETJMP/SIGSETJMP: the calls that follow it in the same function
     * (source order), any of which may end in the matching longjmp. */
    const cg_ccall_site *calls_after;
    size_t calls_after_count;
    /* SETJMP/SIGSETJMP: a call after it that reaches an exported Go function. */
    cg_ctrace export_after;
} cg_cjump_site;

typedef struct cg_cfnptr_cast {
    cg_location loc;
    const char *from;   /* "void (*)(void)" */
    const char *to;     /* "void *(*)(void *)" */
    const char *target; /* the function cast, when named directly; else NULL */
    /* Where the result goes: "called", "passed to pthread_create as argument 3",
     * "stored in 'cb'", or "used". */
    const char *use;
    const char *passed_to; /* callee when passed as an argument, else NULL */
    /* The value cast is the function's own parameter (index), whose
     * declared type says little when it is the generic void (*)(void):
     * what callers pass decides; -1 otherwise. */
    int from_param;
} cg_cfnptr_cast;


typedef struct cg_csummary {
    const char *name;
    const cg_cfunc *func;
    cg_cparam_summary *params; /* func->param_count entries */
    size_t param_count;

    /* The result is memory this function allocated (malloc/calloc/strdup...)
     * and keeps nowhere else: like malloc's, the caller owns it. */
    bool returns_fresh;

    cg_ctrace calls_export;  /* reaches an exported Go function */
    const char *export_name; /* the one the trace ends in */

    unsigned roles;                               /* CG_ROLE_* bits */
    cg_location role_site[CG_ROLE_COUNT];         /* where it was registered */
    unsigned reached_from_roles;                  /* reachable from a function with the role */
    const char *reached_from[CG_ROLE_COUNT];      /* one such root per role */
    /* THREAD_START: the smallest constant stack size that a function which
     * starts this routine sets with pthread_attr_setstacksize (0: none seen,
     * the default), and where. */
    unsigned long long thread_stack_size;
    cg_location thread_stack_size_loc;

    const cg_cjump_site *jumps;
    size_t jump_count;
    cg_ctrace reaches_longjmp; /* calls longjmp/siglongjmp, here or below */

    cg_ctrace thread_local; /* uses __thread/_Thread_local or pthread_*specific */

    const cg_cfnptr_cast *casts;
    size_t cast_count;

    /* External callees without a known behaviour, assumed not to keep. */
    const char *const *unknown_callees;
    size_t unknown_callee_count;

    /* Reached from Go (cg_cmodel_mark_reached): go_root is a function Go
     * names (C.f) from which a chain of calls or function references leads
     * here; NULL when none does: the package never runs this code. */
    const char *go_root;
} cg_csummary;

/* Computes the summaries of every function with a body in the model.
 * go_exports are the names of the package's //export functions. Call after
 * the last parse; parsing more invalidates them (call again). */
void cg_cmodel_compute_summaries(cg_cmodel *model, const char *const *go_exports, size_t n);

/* Marks every function reached from roots (the C functions the Go side
 * names: C.f calls and C.f values) by calls, calls through a pointer
 * initialised with a function, and any other mention of a function in a
 * reached body (passed as a callback, stored, cast, registered), which may
 * run it. Call after cg_cmodel_compute_summaries (which clears it). */
void cg_cmodel_mark_reached(cg_cmodel *model, const char *const *roots, size_t n);

/* The summary of a function the package defines; NULL for an unknown name,
 * a function without a body, or before cg_cmodel_compute_summaries. */
const cg_csummary *cg_cmodel_summary(const cg_cmodel *model, const char *func);

#endif /* CG_CSUMMARY_H */
