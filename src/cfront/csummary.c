/*
 * csummary.c: the fixed point that turns per-function facts (cfacts.h) into
 * the summaries of csummary.h.
 *
 * Every fact only ever goes from "no" to "yes" (a parameter becomes kept,
 * a return value gains an origin, a function starts to reach Go), so
 * re-analysing every function until nothing changes terminates, and the
 * result does not depend on the order. Inside one function the locals'
 * origins and the contents of its heap blocks are themselves a small fixed
 * point (flow-insensitive). Each fact keeps the first evidence found: the
 * C line and the chain of calls that lead to it.
 */
#include "cfacts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- functions the package does not define ---- */

typedef struct known_fn {
    const char *name;
    uint8_t keep_mask; /* arguments kept (bit i = argument i) */
    cg_ckeep_kind keep_kind;
    uint8_t free_mask; /* arguments freed */
    int8_t returns_arg; /* the result points into this argument, or -1 */
    unsigned role;      /* CG_ROLE_* given to the function named by role_arg */
    int8_t role_arg;
} known_fn;

#define NONE(n) {n, 0, CG_KEEP_NONE, 0, -1, 0, -1}
#define RET(n, a) {n, 0, CG_KEEP_NONE, 0, a, 0, -1}

/* What libc/pthread functions do with pointer arguments. Any function not
 * here and not defined in the package is assumed not to keep (and the
 * summary says so). */
static const known_fn known_fns[] = {
    /* cgo's prolog helpers: a _GoString_'s pointer is its Go memory. */
    RET("_GoStringPtr", 0), NONE("_GoStringLen"),
    NONE("__assert_fail"), NONE("__builtin_longjmp"), NONE("__builtin_setjmp"),
    NONE("__longjmp_chk"), NONE("__sigsetjmp"), NONE("_exit"), NONE("_longjmp"),
    NONE("_setjmp"), NONE("abort"), NONE("abs"), NONE("aligned_alloc"),
    {"at_quick_exit", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_ATEXIT, 0},
    {"atexit", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_ATEXIT, 0},
    NONE("atof"), NONE("atoi"), NONE("atol"), RET("bsearch", 1),
    {"bsd_signal", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_SIGNAL_HANDLER, 1},
    NONE("calloc"), NONE("clock_gettime"), NONE("close"), NONE("exit"), NONE("fclose"),
    NONE("fflush"), NONE("fgetc"), RET("fgets", 0), NONE("fopen"), NONE("fprintf"),
    NONE("fputc"), NONE("fputs"), NONE("fread"), {"free", 0, CG_KEEP_NONE, 1, -1, 0, -1},
    NONE("fwrite"), NONE("getchar"), NONE("getenv"), NONE("gettimeofday"), NONE("kill"),
    NONE("labs"), NONE("longjmp"), NONE("malloc"), RET("memchr", 0), NONE("memcmp"),
    RET("memcpy", 0), RET("memmove", 0), RET("memset", 0), NONE("nanosleep"),
    {"on_exit", 2, CG_KEEP_CALLBACK_ARG, 0, -1, CG_ROLE_ATEXIT, 0},
    NONE("open"), NONE("perror"), NONE("pipe"), NONE("printf"),
    {"pthread_create", 8, CG_KEEP_THREAD_ARG, 0, -1, CG_ROLE_THREAD_START, 2},
    NONE("pthread_attr_destroy"), NONE("pthread_attr_init"), NONE("pthread_attr_setdetachstate"),
    NONE("pthread_attr_setstacksize"), NONE("pthread_cond_broadcast"), NONE("pthread_cond_destroy"),
    NONE("pthread_cond_init"), NONE("pthread_cond_signal"), NONE("pthread_cond_timedwait"),
    NONE("pthread_cond_wait"), NONE("pthread_detach"), NONE("pthread_getspecific"),
    NONE("pthread_join"), NONE("pthread_key_create"), NONE("pthread_key_delete"),
    NONE("pthread_mutex_destroy"), NONE("pthread_mutex_init"), NONE("pthread_mutex_lock"),
    NONE("pthread_mutex_trylock"), NONE("pthread_mutex_unlock"), NONE("pthread_once"),
    NONE("pthread_self"), NONE("pthread_sigmask"),
    {"pthread_setspecific", 2, CG_KEEP_THREAD_LOCAL, 0, -1, 0, -1},
    NONE("putchar"), NONE("puts"), NONE("qsort"), NONE("raise"), NONE("read"),
    NONE("sem_destroy"), NONE("sem_init"), NONE("sem_post"), NONE("sem_wait"),
    NONE("sigprocmask"),
    {"realloc", 0, CG_KEEP_NONE, 1, -1, 0, -1}, {"reallocarray", 0, CG_KEEP_NONE, 1, -1, 0, -1},
    NONE("setjmp"), NONE("sigaction"), NONE("sigaddset"), NONE("sigemptyset"),
    NONE("sigfillset"), NONE("siglongjmp"),
    {"signal", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_SIGNAL_HANDLER, 1},
    {"sigset", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_SIGNAL_HANDLER, 1},
    NONE("sigsetjmp"), NONE("sleep"), NONE("snprintf"), NONE("sprintf"), RET("stpcpy", 0),
    RET("strcat", 0), RET("strchr", 0), NONE("strcmp"), RET("strcpy", 0), NONE("strdup"),
    NONE("strerror"), NONE("strlen"), RET("strncat", 0), NONE("strncmp"), RET("strncpy", 0),
    NONE("strndup"), NONE("strnlen"), RET("strrchr", 0), RET("strstr", 0), NONE("strtod"),
    NONE("strtol"), NONE("strtoul"),
    {"sysv_signal", 0, CG_KEEP_NONE, 0, -1, CG_ROLE_SIGNAL_HANDLER, 1},
    {"thrd_create", 4, CG_KEEP_THREAD_ARG, 0, -1, CG_ROLE_THREAD_START, 1},
    NONE("thrd_join"), NONE("tss_get"), {"tss_set", 2, CG_KEEP_THREAD_LOCAL, 0, -1, 0, -1},
    NONE("usleep"), NONE("vfprintf"), NONE("vprintf"), NONE("vsnprintf"), NONE("write"),
};

static const known_fn *find_known(const char *name) {
    for (size_t i = 0; i < sizeof known_fns / sizeof known_fns[0]; i++)
        if (strcmp(known_fns[i].name, name) == 0) return &known_fns[i];
    return NULL;
}

unsigned cg_crole_index(unsigned role_bit) {
    return role_bit == CG_ROLE_THREAD_START ? 0 : role_bit == CG_ROLE_SIGNAL_HANDLER ? 1 : 2;
}

/* ---- per-function state during the fixed point ---- */

typedef enum callee_kind {
    CALLEE_PACKAGE,  /* defined in the package: use its summary */
    CALLEE_KNOWN,    /* in known_fns */
    CALLEE_EXPORT,   /* an exported Go function */
    CALLEE_UNKNOWN,  /* external, behaviour unknown: assumed not to keep */
    CALLEE_INDIRECT, /* through a function pointer */
} callee_kind;

typedef struct fstate fstate;
typedef struct callee_info {
    callee_kind kind;
    fstate *pkg;
    const known_fn *known;
    /* CALLEE_INDIRECT through a variable initialised with a function: that
     * function as a package function or an export (else 0/NULL). Only the
     * "reaches Go" properties follow it: it is what the call may reach. */
    callee_kind target_kind;
    fstate *target_pkg;
} callee_info;

struct fstate {
    cg_cfacts *facts;
    cg_csummary *sum;
    callee_info *callees; /* per call */
    uint64_t *var_atoms;  /* per local */
    uint32_t *first_child, *next_sibling; /* fields of each local (CF_NO_VAR ends) */
    uint64_t heap_contents[CF_MAX_HEAPS];
    uint64_t heap_escaped; /* bit h: heap block h (not its atom position) escaped */
    uint64_t heap_kept_otherwise; /* bit h: escaped some other way than being returned */
    uint64_t kept_other; /* bit p: parameter p kept otherwise than in a returned heap block */
    const char *heap_reason[CF_MAX_HEAPS]; /* how each escaped heap block outlives the call */
    cg_location heap_reason_loc[CF_MAX_HEAPS];
    uint64_t returns_mask; /* atoms that flow into the return value */
    bool changed;
    CG_VEC(const char *) unknown;
};

typedef struct solver {
    cg_cmodel *model;
    fstate *states;
    size_t count;
} solver;

static cg_arena *arena_of(solver *s) { return &s->model->arena; }

/* A trace that starts with a step in func at loc and continues with tail. */
static cg_ctrace make_trace(solver *s, const char *func, cg_location loc, const cg_ctrace *tail,
                            const char *how) {
    size_t tail_len = tail ? tail->len : 0;
    size_t n = 1 + tail_len;
    cg_ctrace t = {.how = how, .omitted = tail ? tail->omitted : 0};
    if (n > CG_CTRACE_MAX_STEPS) {
        /* Keep this step, the tail's first ones and its last (the site). */
        t.omitted += n - CG_CTRACE_MAX_STEPS;
        n = CG_CTRACE_MAX_STEPS;
    }
    cg_cstep *steps = cg_arena_alloc(arena_of(s), n * sizeof(cg_cstep));
    steps[0].func = func;
    steps[0].loc = loc;
    if (tail_len) {
        memcpy(steps + 1, tail->steps, (n - 2) * sizeof(cg_cstep));
        steps[n - 1] = tail->steps[tail_len - 1];
    }
    t.steps = steps;
    t.len = n;
    return t;
}

/* Whether a call reaches an exported Go function: the trace that shows it,
 * or NULL; *export (when not NULL) gets the export's name. Calls through a
 * function pointer follow the function the pointer variable was
 * initialised with. */
static const cg_ctrace *go_reach(solver *s, const char *func, const cf_call *call, const callee_info *ci,
                                 cg_ctrace *out, const char **export) {
    callee_kind kind = ci->kind;
    fstate *pkg = ci->pkg;
    const char *name = call->callee;
    const char *via = "";
    if (kind == CALLEE_INDIRECT && ci->target_kind) {
        kind = ci->target_kind;
        pkg = ci->target_pkg;
        name = call->pointer_target;
        via = cg_arena_printf(arena_of(s), " through the function pointer %s", call->pointer_var);
    }
    if (kind == CALLEE_EXPORT) {
        *out = make_trace(s, func, call->loc, NULL,
                          cg_arena_printf(arena_of(s), "calls exported Go function %s%s", name, via));
        if (export) *export = name;
        return out;
    }
    if (kind == CALLEE_PACKAGE && pkg->sum->calls_export.len) {
        const cg_ctrace *t = &pkg->sum->calls_export;
        *out = make_trace(s, func, call->loc, t, t->how);
        if (export) *export = pkg->sum->export_name;
        return out;
    }
    return NULL;
}

static uint64_t eval(fstate *fs, const cf_origin *o);

static uint64_t call_result(fstate *fs, uint32_t index) {
    const cf_call *call = &fs->facts->calls.items[index];
    const callee_info *ci = &fs->callees[index];
    uint64_t r = call->heap_atom >= 0 ? CF_BIT(call->heap_atom) : 0;
    if (ci->kind == CALLEE_PACKAGE) {
        uint64_t ret = ci->pkg->returns_mask;
        if (ret & CF_BIT(CF_ATOM_GLOBAL)) r |= CF_BIT(CF_ATOM_GLOBAL);
        for (uint32_t j = 0; j < call->nargs && j < CF_MAX_PARAMS; j++)
            if (ret & CF_BIT(j)) r |= eval(fs, &call->args[j]);
    } else if (ci->kind == CALLEE_KNOWN && ci->known->returns_arg >= 0 &&
               (uint32_t)ci->known->returns_arg < call->nargs) {
        r |= eval(fs, &call->args[ci->known->returns_arg]);
    }
    return r;
}

/* What reading local v may give: its own values, those of the structs it
 * is a field of (s = t; s.f), and those of its fields (s.f = p; t = s). */
static uint64_t read_var(const fstate *fs, uint32_t v) {
    const cg_cfacts *f = fs->facts;
    uint64_t a = fs->var_atoms[v];
    for (uint32_t p = f->var_parent.items[v]; p != CF_NO_VAR; p = f->var_parent.items[p])
        a |= fs->var_atoms[p];
    for (uint32_t c = fs->first_child[v]; c != CF_NO_VAR; c = fs->next_sibling[c]) a |= read_var(fs, c);
    return a;
}

static uint64_t eval(fstate *fs, const cf_origin *o) {
    uint64_t a = o->atoms;
    for (uint32_t i = 0; i < o->nvars; i++) a |= read_var(fs, o->vars[i]);
    for (uint32_t i = 0; i < o->ncalls; i++) a |= call_result(fs, o->calls[i]);
    for (uint32_t i = 0; i < o->nloads; i++) {
        uint64_t through = eval(fs, &o->loads[i]);
        if (through & CF_BIT(CF_ATOM_GLOBAL)) a |= CF_BIT(CF_ATOM_GLOBAL);
        for (unsigned h = 0; h < CF_MAX_HEAPS; h++)
            if (through & CF_BIT(CF_HEAP_BASE + h)) a |= fs->heap_contents[h];
    }
    return a;
}

static uint64_t param_bits(uint64_t atoms) { return atoms & (CF_BIT(CF_MAX_PARAMS) - 1); }

static uint64_t heap_bits(uint64_t atoms) {
    return (atoms >> CF_HEAP_BASE) & (CF_BIT(CF_MAX_HEAPS) - 1);
}

/* For a call to a package function that stores argument i into the
 * object argument j points to, the base is argument j. */
static int stored_into_of(const callee_info *ci, uint32_t i) {
    if (ci->kind != CALLEE_PACKAGE || i >= ci->pkg->sum->param_count) return -1;
    const cg_cparam_summary *ps = &ci->pkg->sum->params[i];
    return ps->stored_into.len ? ps->stored_into_param : -1;
}

/* Locals' origins and heap contents, to their own fixed point. */
static void solve_locals(fstate *fs) {
    cg_cfacts *f = fs->facts;
    for (uint32_t p = 0; p < f->nparams && p < CF_MAX_PARAMS; p++) fs->var_atoms[p] |= CF_BIT(p);
    for (int round = 0; round < 256; round++) {
        bool changed = false;
        for (size_t i = 0; i < f->assigns.len; i++) {
            uint64_t before = fs->var_atoms[f->assigns.items[i].var];
            uint64_t after = before | eval(fs, &f->assigns.items[i].value);
            if (after != before) {
                fs->var_atoms[f->assigns.items[i].var] = after;
                changed = true;
            }
        }
        for (size_t i = 0; i < f->stores.len; i++) {
            uint64_t heaps = heap_bits(eval(fs, &f->stores.items[i].base));
            if (!heaps) continue;
            uint64_t value = eval(fs, &f->stores.items[i].value);
            for (unsigned h = 0; h < CF_MAX_HEAPS; h++) {
                if (!(heaps & CF_BIT(h)) || (fs->heap_contents[h] | value) == fs->heap_contents[h])
                    continue;
                fs->heap_contents[h] |= value;
                changed = true;
            }
        }
        /* A callee that stores its argument i into *argument j. */
        for (size_t c = 0; c < f->calls.len; c++) {
            const cf_call *call = &f->calls.items[c];
            for (uint32_t i = 0; i < call->nargs; i++) {
                int j = stored_into_of(&fs->callees[c], i);
                if (j < 0 || (uint32_t)j >= call->nargs) continue;
                uint64_t heaps = heap_bits(eval(fs, &call->args[j]));
                if (!heaps) continue;
                uint64_t value = eval(fs, &call->args[i]);
                for (unsigned h = 0; h < CF_MAX_HEAPS; h++) {
                    if (!(heaps & CF_BIT(h)) ||
                        (fs->heap_contents[h] | value) == fs->heap_contents[h])
                        continue;
                    fs->heap_contents[h] |= value;
                    changed = true;
                }
            }
        }
        if (!changed) break;
    }
}

static const char *fname(const fstate *fs) { return fs->facts->func->name; }

static void set_kept(solver *s, fstate *fs, uint32_t p, cg_ckeep_kind kind, cg_ctrace trace) {
    if (p >= fs->sum->param_count) return;
    cg_cparam_summary *ps = &fs->sum->params[p];
    if (ps->kept.len) return;
    (void)s;
    ps->kept = trace;
    ps->kept_kind = kind;
    fs->changed = true;
}

static void escape(solver *s, fstate *fs, uint64_t atoms, cg_ckeep_kind kind, cg_ctrace trace,
                   bool via_result);

/* Whether escaping atoms could still change anything: a parameter not yet
 * kept (kept otherwise than through the result, unless via_result) or a
 * heap block not yet escaped. Saves building traces (arena memory) for
 * facts that are already known, round after round. */
static bool escape_is_news(const fstate *fs, uint64_t atoms, bool via_result) {
    uint64_t params = param_bits(atoms);
    for (uint32_t p = 0; p < CF_MAX_PARAMS && p < fs->sum->param_count; p++) {
        if (!(params & CF_BIT(p))) continue;
        if (via_result ? !fs->sum->params[p].kept.len : !(fs->kept_other & CF_BIT(p))) return true;
    }
    return (heap_bits(atoms) & ~fs->heap_escaped) != 0;
}

/* Everything stored into escaped heap block h outlives the call too.
 * Idempotent: run again whenever the block's contents may have grown. */
static void propagate_heap(solver *s, fstate *fs, unsigned h) {
    const char *reason = fs->heap_reason[h];
    cg_location at = fs->heap_reason_loc[h];
    uint64_t contents = fs->heap_contents[h];
    bool via_result = strcmp(reason, "returned") == 0;
    if (!escape_is_news(fs, contents, via_result)) return;
    /* Name the store that put each parameter into the block. */
    cg_cfacts *f = fs->facts;
    for (size_t i = 0; i < f->stores.len; i++) {
        const cf_store *st = &f->stores.items[i];
        if (!(heap_bits(eval(fs, &st->base)) & CF_BIT(h))) continue;
        uint64_t value = eval(fs, &st->value) & contents;
        if (!value) continue;
        const char *how = cg_arena_printf(arena_of(s),
                                          "stored in '%s', malloc'd memory that is %s (line %u)",
                                          st->target, reason, at.line);
        escape(s, fs, value, CG_KEEP_HEAP, make_trace(s, fname(fs), st->loc, NULL, how), via_result);
    }
    /* Whatever a callee stored into it (or anything not pinned to a store). */
    const char *how = cg_arena_printf(arena_of(s), "stored in malloc'd memory that is %s (line %u)",
                                      reason, at.line);
    escape(s, fs, contents, CG_KEEP_HEAP, make_trace(s, fname(fs), at, NULL, how), via_result);
}

/* Heap block h outlives the call (reason, at the line at). */
static void escape_heap(solver *s, fstate *fs, unsigned h, const char *reason, cg_location at) {
    if (strcmp(reason, "returned") != 0) fs->heap_kept_otherwise |= CF_BIT(h);
    if (fs->heap_escaped & CF_BIT(h)) return;
    fs->heap_escaped |= CF_BIT(h);
    fs->heap_reason[h] = reason;
    fs->heap_reason_loc[h] = at;
    propagate_heap(s, fs, h);
}

static void escape(solver *s, fstate *fs, uint64_t atoms, cg_ckeep_kind kind, cg_ctrace trace,
                   bool via_result) {
    uint64_t params = param_bits(atoms);
    if (!via_result) fs->kept_other |= params;
    for (uint32_t p = 0; p < CF_MAX_PARAMS; p++)
        if (params & CF_BIT(p)) set_kept(s, fs, p, kind, trace);
    uint64_t heaps = heap_bits(atoms);
    for (unsigned h = 0; h < CF_MAX_HEAPS; h++) {
        if (!(heaps & CF_BIT(h))) continue;
        escape_heap(s, fs, h, trace.how, trace.steps[trace.len - 1].loc);
    }
}

static void set_param_trace(fstate *fs, uint64_t atoms, size_t offset, cg_ctrace trace,
                            int stored_into) {
    uint64_t params = param_bits(atoms);
    for (uint32_t p = 0; p < CF_MAX_PARAMS && p < fs->sum->param_count; p++) {
        if (!(params & CF_BIT(p))) continue;
        cg_cparam_summary *ps = &fs->sum->params[p];
        cg_ctrace *slot = (cg_ctrace *)((char *)ps + offset);
        if (slot->len) continue;
        if (stored_into >= 0 && (uint32_t)stored_into == p) continue; /* p->self = p */
        *slot = trace;
        if (stored_into >= 0) ps->stored_into_param = stored_into;
        fs->changed = true;
    }
}

/* value is stored into the object base points to (directly or by a callee). */
static void store_effects(solver *s, fstate *fs, uint64_t base, uint64_t value,
                          cg_ctrace trace) {
    if (base & CF_BIT(CF_ATOM_GLOBAL)) escape(s, fs, value, CG_KEEP_GLOBAL, trace, false);
    uint64_t params = param_bits(base);
    for (uint32_t q = 0; q < CF_MAX_PARAMS; q++) {
        if (!(params & CF_BIT(q))) continue;
        set_param_trace(fs, value, offsetof(cg_cparam_summary, stored_into), trace, (int)q);
        /* A heap block stored into the caller's object outlives the call. */
        uint64_t heaps = heap_bits(value);
        for (unsigned h = 0; h < CF_MAX_HEAPS; h++)
            if (heaps & CF_BIT(h)) {
                const char *reason = cg_arena_printf(
                    arena_of(s), "stored into the object parameter %u points to", q + 1);
                escape_heap(s, fs, h, reason, trace.steps[0].loc);
            }
    }
}

static void note_unknown(fstate *fs, uint64_t atoms, const char *callee) {
    uint64_t params = param_bits(atoms);
    for (uint32_t p = 0; p < CF_MAX_PARAMS && p < fs->sum->param_count; p++)
        if ((params & CF_BIT(p)) && !fs->sum->params[p].assumed_unknown_callee)
            fs->sum->params[p].assumed_unknown_callee = callee;
}

static void add_registered_roles(fstate *fs, uint64_t atoms, unsigned roles) {
    uint64_t params = param_bits(atoms);
    for (uint32_t p = 0; p < CF_MAX_PARAMS && p < fs->sum->param_count; p++) {
        if (!(params & CF_BIT(p))) continue;
        cg_cparam_summary *ps = &fs->sum->params[p];
        if ((ps->registers_roles | roles) == ps->registers_roles) continue;
        ps->registers_roles |= roles;
        fs->changed = true;
    }
}

/* The roles that the function named by argument i of call c receives. */
static unsigned roles_given(const callee_info *ci, const cf_call *call, uint32_t i) {
    if (ci->kind == CALLEE_KNOWN && ci->known->role && ci->known->role_arg >= 0 &&
        (uint32_t)ci->known->role_arg == i)
        return ci->known->role;
    if (ci->kind == CALLEE_PACKAGE && i < ci->pkg->sum->param_count && i < call->nargs)
        return ci->pkg->sum->params[i].registers_roles;
    return 0;
}

static const char *keep_how(solver *s, const known_fn *k) {
    switch (k->keep_kind) {
    case CG_KEEP_THREAD_ARG:
        return cg_arena_printf(arena_of(s), "passed to %s as the new thread's argument", k->name);
    case CG_KEEP_THREAD_LOCAL:
        return cg_arena_printf(arena_of(s), "set as thread-specific data with %s", k->name);
    default:
        return cg_arena_printf(arena_of(s), "registered as callback data with %s", k->name);
    }
}

static void analyze_calls(solver *s, fstate *fs) {
    cg_cfacts *f = fs->facts;
    for (size_t c = 0; c < f->calls.len; c++) {
        const cf_call *call = &f->calls.items[c];
        const callee_info *ci = &fs->callees[c];
        /* A function-pointer parameter handed on to a registration. */
        for (uint32_t i = 0; i < call->nargs; i++) {
            unsigned roles = roles_given(ci, call, i);
            if (roles) add_registered_roles(fs, eval(fs, &call->args[i]), roles);
        }
        for (uint32_t i = 0; i < call->nargs; i++) {
            uint64_t arg = eval(fs, &call->args[i]);
            if (!arg) continue;
            if (ci->kind == CALLEE_PACKAGE && i < ci->pkg->sum->param_count) {
                const cg_cparam_summary *cp = &ci->pkg->sum->params[i];
                if (cp->kept.len)
                    escape(s, fs, arg, cp->kept_kind,
                           make_trace(s, fname(fs), call->loc, &cp->kept, cp->kept.how), false);
                if (cp->freed.len)
                    set_param_trace(fs, arg, offsetof(cg_cparam_summary, freed),
                                    make_trace(s, fname(fs), call->loc, &cp->freed, cp->freed.how),
                                    -1);
                int j = stored_into_of(ci, i);
                if (j >= 0 && (uint32_t)j < call->nargs) {
                    uint64_t base = eval(fs, &call->args[j]);
                    const char *how =
                        (base & CF_BIT(CF_ATOM_GLOBAL))
                            ? cg_arena_printf(arena_of(s),
                                              "%s, where argument %d of %s is memory reachable "
                                              "from a global",
                                              cp->stored_into.how, j + 1, call->callee)
                            : cp->stored_into.how;
                    store_effects(s, fs, base, arg,
                                  make_trace(s, fname(fs), call->loc, &cp->stored_into, how));
                }
                if (cp->assumed_unknown_callee) note_unknown(fs, arg, cp->assumed_unknown_callee);
            } else if (ci->kind == CALLEE_KNOWN) {
                const known_fn *k = ci->known;
                if (i < 8 && (k->keep_mask & (1u << i))) {
                    escape(s, fs, arg, k->keep_kind,
                           make_trace(s, fname(fs), call->loc, NULL, keep_how(s, k)), false);
                }
                if (i < 8 && (k->free_mask & (1u << i))) {
                    const char *how = cg_arena_printf(arena_of(s), "passed to %s", k->name);
                    set_param_trace(fs, arg, offsetof(cg_cparam_summary, freed),
                                    make_trace(s, fname(fs), call->loc, NULL, how), -1);
                }
            } else if (ci->kind == CALLEE_UNKNOWN) {
                note_unknown(fs, arg, call->callee);
            } else if (ci->kind == CALLEE_INDIRECT) {
                note_unknown(fs, arg, "(a call through a function pointer)");
            }
        }
    }
}

static void analyze(solver *s, fstate *fs) {
    cg_cfacts *f = fs->facts;
    solve_locals(fs);
    const char *name = fname(fs);
    /* Blocks that escaped in an earlier round may hold more by now. */
    for (unsigned h = 0; h < CF_MAX_HEAPS; h++)
        if (fs->heap_escaped & CF_BIT(h)) propagate_heap(s, fs, h);
    /* Stores. */
    for (size_t i = 0; i < f->stores.len; i++) {
        const cf_store *st = &f->stores.items[i];
        uint64_t value = eval(fs, &st->value);
        if (!value) continue;
        uint64_t base = eval(fs, &st->base);
        if (!param_bits(base) && !escape_is_news(fs, value, false)) continue;
        const char *how =
            st->to_global_var
                ? cg_arena_printf(arena_of(s), "stored in global variable '%s'", st->target)
            : (base & CF_BIT(CF_ATOM_GLOBAL))
                ? cg_arena_printf(arena_of(s), "stored in '%s', memory reachable from a global",
                                  st->target)
                : cg_arena_printf(arena_of(s), "stored in '%s'", st->target);
        store_effects(s, fs, base, value, make_trace(s, name, st->loc, NULL, how));
    }
    /* Returns. */
    for (size_t i = 0; i < f->returns.len; i++) {
        const cf_return *r = &f->returns.items[i];
        uint64_t value = eval(fs, &r->value);
        if ((fs->returns_mask | value) != fs->returns_mask) {
            fs->returns_mask |= value;
            fs->changed = true;
        }
        set_param_trace(fs, value, offsetof(cg_cparam_summary, returned),
                        make_trace(s, name, r->loc, NULL, "returned"), -1);
        uint64_t heaps = heap_bits(value);
        for (unsigned h = 0; h < CF_MAX_HEAPS; h++)
            if (heaps & CF_BIT(h)) escape_heap(s, fs, h, "returned", r->loc);
    }
    analyze_calls(s, fs);
    /* Transitive properties through package callees. */
    for (size_t c = 0; c < f->calls.len; c++) {
        const cf_call *call = &f->calls.items[c];
        const callee_info *ci = &fs->callees[c];
        cg_csummary *sum = fs->sum;
        cg_ctrace reach;
        if (!sum->calls_export.len && go_reach(s, name, call, ci, &reach, &sum->export_name)) {
            sum->calls_export = reach;
            fs->changed = true;
        }
        if (!sum->thread_local.len && ci->kind == CALLEE_PACKAGE &&
            ci->pkg->sum->thread_local.len) {
            const cg_ctrace *t = &ci->pkg->sum->thread_local;
            sum->thread_local = make_trace(s, name, call->loc, t, t->how);
            fs->changed = true;
        }
        if (!sum->reaches_longjmp.len && ci->kind == CALLEE_PACKAGE &&
            ci->pkg->sum->reaches_longjmp.len) {
            const cg_ctrace *t = &ci->pkg->sum->reaches_longjmp;
            sum->reaches_longjmp = make_trace(s, name, call->loc, t, t->how);
            fs->changed = true;
        }
    }
}

/* ---- the worklist ---- */

typedef CG_VEC(uint32_t) index_vec;

/* Callees before callers (depth-first post-order), so that most facts are
 * final the first time a caller reads them. Iterative: call chains in
 * generated code can be deeper than the C stack likes. */
static void post_order(solver *s, uint32_t *order) {
    uint8_t *state = cg_xcalloc(s->count + 1, 1); /* 0 new, 1 open, 2 done */
    typedef struct frame {
        uint32_t fn;
        size_t next_call;
    } frame;
    CG_VEC(frame) stack = {0};
    size_t n = 0;
    for (uint32_t root = 0; root < s->count; root++) {
        if (state[root]) continue;
        state[root] = 1;
        frame top = {root, 0};
        cg_vec_push(&stack, top);
        while (stack.len) {
            frame *fr = &stack.items[stack.len - 1];
            fstate *fs = &s->states[fr->fn];
            if (fr->next_call < fs->facts->calls.len) {
                const callee_info *ci = &fs->callees[fr->next_call++];
                if (ci->kind != CALLEE_PACKAGE) continue;
                uint32_t callee = (uint32_t)(ci->pkg - s->states);
                if (state[callee]) continue;
                state[callee] = 1;
                frame next = {callee, 0};
                cg_vec_push(&stack, next);
                continue;
            }
            state[fr->fn] = 2;
            order[n++] = fr->fn;
            stack.len--;
        }
    }
    cg_vec_free(&stack);
    free(state);
}

/* Re-analyses a function's callers whenever its summary changed, until
 * nothing changes. Facts only go from "no" to "yes", so this ends; the
 * work is proportional to the number of changes times the callers' sizes. */
static void solve(solver *s) {
    index_vec *callers = cg_xcalloc(s->count + 1, sizeof(index_vec));
    for (uint32_t i = 0; i < s->count; i++) {
        fstate *fs = &s->states[i];
        for (size_t c = 0; c < fs->facts->calls.len; c++) {
            if (fs->callees[c].kind != CALLEE_PACKAGE) continue;
            index_vec *list = &callers[fs->callees[c].pkg - s->states];
            if (!list->len || list->items[list->len - 1] != i) cg_vec_push(list, i);
        }
    }
    /* A ring buffer: each function is queued at most once at a time. */
    size_t cap = s->count + 1, head = 0, len = 0;
    uint32_t *queue = cg_xcalloc(cap, sizeof(uint32_t));
    bool *queued = cg_xcalloc(cap, sizeof(bool));
    post_order(s, queue);
    len = s->count;
    for (size_t i = 0; i < s->count; i++) queued[i] = true;
    while (len) {
        uint32_t fn = queue[head];
        head = (head + 1) % cap;
        len--;
        queued[fn] = false;
        fstate *fs = &s->states[fn];
        fs->changed = false;
        analyze(s, fs);
        if (!fs->changed) continue;
        for (size_t k = 0; k < callers[fn].len; k++) {
            uint32_t caller = callers[fn].items[k];
            if (queued[caller]) continue;
            queued[caller] = true;
            queue[(head + len) % cap] = caller;
            len++;
        }
    }
    for (size_t i = 0; i < s->count; i++) cg_vec_free(&callers[i]);
    free(callers);
    free(queue);
    free(queued);
}

/* ---- setup and results ---- */

static void init_state(solver *s, fstate *fs, cg_cfacts *facts) {
    cg_cmodel *m = s->model;
    fs->facts = facts;
    const cg_cfunc *func = facts->func;
    cg_csummary *sum = cg_arena_alloc(&m->arena, sizeof *sum);
    sum->name = func->name;
    sum->func = func;
    sum->param_count = func->param_count;
    sum->params = cg_arena_alloc(&m->arena, (func->param_count ? func->param_count : 1) *
                                                sizeof(cg_cparam_summary));
    for (size_t i = 0; i < func->param_count; i++) {
        sum->params[i].name = func->params[i].name;
        const cg_ctype *t = &func->params[i].type;
        sum->params[i].is_pointer = t->kind == CG_CTYPE_POINTER || t->kind == CG_CTYPE_FUNC_POINTER;
        sum->params[i].carries_pointer =
            sum->params[i].is_pointer || t->contains_pointer || t->is_uintptr;
        sum->params[i].stored_into_param = -1;
    }
    fs->sum = sum;
    for (size_t v = 0; v < facts->views.len; v++) {
        uint32_t p = facts->views.items[v].param;
        if (p >= func->param_count) continue;
        cg_cparam_summary *ps = &sum->params[p];
        cg_cview *views = cg_arena_alloc(&m->arena, (ps->view_count + 1) * sizeof(cg_cview));
        if (ps->view_count) memcpy(views, ps->views, ps->view_count * sizeof(cg_cview));
        views[ps->view_count++] = facts->views.items[v].view;
        ps->views = views;
    }
    size_t nv = facts->var_names.len;
    fs->var_atoms = cg_xcalloc(nv + 1, sizeof(uint64_t));
    fs->first_child = cg_xmalloc((nv + 1) * sizeof(uint32_t));
    fs->next_sibling = cg_xmalloc((nv + 1) * sizeof(uint32_t));
    for (size_t v = 0; v <= nv; v++) fs->first_child[v] = fs->next_sibling[v] = CF_NO_VAR;
    for (size_t v = nv; v-- > 0;) {
        uint32_t parent = facts->var_parent.items[v];
        if (parent == CF_NO_VAR) continue;
        fs->next_sibling[v] = fs->first_child[parent];
        fs->first_child[parent] = (uint32_t)v;
    }
    if (facts->uses_tls)
        sum->thread_local = make_trace(s, func->name, facts->tls_loc, NULL, facts->tls_what);
    for (size_t i = 0; i < facts->jumps.len && !sum->reaches_longjmp.len; i++) {
        const cf_jump *j = &facts->jumps.items[i];
        if (j->kind != CG_JUMP_LONGJMP && j->kind != CG_JUMP_SIGLONGJMP) continue;
        sum->reaches_longjmp = make_trace(
            s, func->name, j->loc, NULL,
            cg_arena_printf(&m->arena, "calls %s(%s)",
                            j->kind == CG_JUMP_LONGJMP ? "longjmp" : "siglongjmp", j->buffer));
    }
}

static void resolve_callees(solver *s, fstate *fs) {
    cg_cfacts *f = fs->facts;
    fs->callees = cg_xcalloc(f->calls.len + 1, sizeof(callee_info));
    for (size_t c = 0; c < f->calls.len; c++) {
        const char *callee = f->calls.items[c].callee;
        callee_info *ci = &fs->callees[c];
        if (!callee) {
            ci->kind = CALLEE_INDIRECT;
            const char *target = f->calls.items[c].pointer_target;
            if (target && (ci->target_pkg = cg_strmap_get(&s->model->summaries, target)) != NULL)
                ci->target_kind = CALLEE_PACKAGE;
            else if (target && cg_strmap_get(&s->model->go_exports, target))
                ci->target_kind = CALLEE_EXPORT;
        } else if ((ci->pkg = cg_strmap_get(&s->model->summaries, callee)) != NULL) {
            ci->kind = CALLEE_PACKAGE;
        } else if (cg_strmap_get(&s->model->go_exports, callee)) {
            ci->kind = CALLEE_EXPORT;
        } else if ((ci->known = find_known(callee)) != NULL) {
            ci->kind = CALLEE_KNOWN;
        } else {
            ci->kind = CALLEE_UNKNOWN;
            bool listed = false;
            for (size_t i = 0; i < fs->unknown.len && !listed; i++)
                listed = strcmp(fs->unknown.items[i], callee) == 0;
            if (!listed) cg_vec_push(&fs->unknown, callee);
        }
    }
}

static void assign_roles(solver *s) {
    for (size_t i = 0; i < s->count; i++) {
        fstate *fs = &s->states[i];
        cg_cfacts *f = fs->facts;
        for (size_t c = 0; c < f->calls.len; c++) {
            const callee_info *ci = &fs->callees[c];
            const cf_call *call = &f->calls.items[c];
            for (uint32_t a = 0; a < call->nargs; a++) {
                unsigned roles = call->arg_funcs[a] ? roles_given(ci, call, a) : 0;
                if (!roles) continue;
                fstate *target = cg_strmap_get(&s->model->summaries, call->arg_funcs[a]);
                if (!target) continue;
                cg_csummary *ts = target->sum;
                for (unsigned bit = 1; bit <= CG_ROLE_ATEXIT; bit <<= 1) {
                    if (!(roles & bit)) continue;
                    if (!(ts->roles & bit)) ts->role_site[cg_crole_index(bit)] = call->loc;
                    ts->roles |= bit;
                }
                /* The smallest stack any thread running it is created with. */
                if ((roles & CG_ROLE_THREAD_START) && call->thread_stack_size &&
                    (!ts->thread_stack_size || call->thread_stack_size < ts->thread_stack_size)) {
                    ts->thread_stack_size = call->thread_stack_size;
                    ts->thread_stack_size_loc = call->thread_stack_size_loc;
                }
            }
        }
        for (size_t k = 0; k < f->roles.len; k++) {
            fstate *target = cg_strmap_get(&s->model->summaries, f->roles.items[k].func);
            if (!target) continue;
            unsigned bit = f->roles.items[k].role, r = cg_crole_index(bit);
            if (!(target->sum->roles & bit)) target->sum->role_site[r] = f->roles.items[k].loc;
            target->sum->roles |= bit;
        }
    }
    /* Reachability from each root, breadth first over package calls. */
    fstate **queue = cg_xcalloc(s->count + 1, sizeof(fstate *));
    bool *seen = cg_xcalloc(s->count + 1, sizeof(bool));
    for (size_t i = 0; i < s->count; i++) {
        fstate *root = &s->states[i];
        for (unsigned bit = 1; bit <= CG_ROLE_ATEXIT; bit <<= 1) {
            if (!(root->sum->roles & bit)) continue;
            memset(seen, 0, s->count * sizeof(bool));
            size_t head = 0, tail = 0;
            queue[tail++] = root;
            seen[root - s->states] = true;
            while (head < tail) {
                fstate *fs = queue[head++];
                for (size_t c = 0; c < fs->facts->calls.len; c++) {
                    fstate *callee =
                        fs->callees[c].kind == CALLEE_PACKAGE ? fs->callees[c].pkg : NULL;
                    if (!callee || seen[callee - s->states]) continue;
                    seen[callee - s->states] = true;
                    queue[tail++] = callee;
                    unsigned r = cg_crole_index(bit);
                    if (!callee->sum->reached_from[r]) callee->sum->reached_from[r] = fname(root);
                    callee->sum->reached_from_roles |= bit;
                }
            }
        }
    }
    free(seen);
    free(queue);
}

/* Functions passed by name to package functions' parameters. */
static void collect_fn_args(solver *s) {
    for (size_t i = 0; i < s->count; i++) {
        fstate *fs = &s->states[i];
        for (size_t c = 0; c < fs->facts->calls.len; c++) {
            const cf_call *call = &fs->facts->calls.items[c];
            const callee_info *ci = &fs->callees[c];
            if (ci->kind != CALLEE_PACKAGE) continue;
            for (uint32_t a = 0; a < call->nargs && a < ci->pkg->sum->param_count; a++) {
                if (!call->arg_funcs[a]) continue;
                cg_cparam_summary *ps = &ci->pkg->sum->params[a];
                cg_cfnarg *args = cg_arena_alloc(arena_of(s), (ps->fn_arg_count + 1) * sizeof(cg_cfnarg));
                if (ps->fn_arg_count) memcpy(args, ps->fn_args, ps->fn_arg_count * sizeof(cg_cfnarg));
                cg_cfnarg fa = {call->arg_funcs[a], fname(fs), call->loc};
                args[ps->fn_arg_count++] = fa;
                ps->fn_args = args;
            }
        }
    }
}

static int compare_calls_by_offset(const void *a, const void *b) {
    const cf_call *x = *(const cf_call *const *)a, *y = *(const cf_call *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void finish_summary(solver *s, fstate *fs) {
    cg_cmodel *m = s->model;
    cg_cfacts *f = fs->facts;
    cg_csummary *sum = fs->sum;
    /* Jump sites, with the calls after each setjmp. */
    if (f->jumps.len) {
        cg_cjump_site *jumps = cg_arena_alloc(&m->arena, f->jumps.len * sizeof(cg_cjump_site));
        const cf_call **order = cg_xcalloc(f->calls.len + 1, sizeof(cf_call *));
        for (size_t c = 0; c < f->calls.len; c++) order[c] = &f->calls.items[c];
        qsort(order, f->calls.len, sizeof(cf_call *), compare_calls_by_offset);
        for (size_t i = 0; i < f->jumps.len; i++) {
            const cf_jump *j = &f->jumps.items[i];
            cg_cjump_site *site = &jumps[i];
            site->kind = j->kind;
            site->buffer = j->buffer;
            site->loc = j->loc;
            if (j->kind != CG_JUMP_SETJMP && j->kind != CG_JUMP_SIGSETJMP) continue;
            size_t n = 0;
            for (size_t c = 0; c < f->calls.len; c++)
                if (order[c]->offset > j->offset) n++;
            cg_ccall_site *after = cg_arena_alloc(&m->arena, (n ? n : 1) * sizeof(cg_ccall_site));
            size_t k = 0;
            for (size_t c = 0; c < f->calls.len; c++) {
                const cf_call *call = order[c];
                if (call->offset <= j->offset) continue;
                after[k].callee = call->callee;
                after[k].loc = call->loc;
                k++;
                if (site->export_after.len) continue;
                const callee_info *ci = &fs->callees[call - f->calls.items];
                cg_ctrace reach;
                if (go_reach(s, fname(fs), call, ci, &reach, NULL)) site->export_after = reach;
            }
            site->calls_after = after;
            site->calls_after_count = k;
        }
        free(order);
        sum->jumps = jumps;
        sum->jump_count = f->jumps.len;
    }
    if (f->casts.len) {
        cg_cfnptr_cast *casts = cg_arena_alloc(&m->arena, f->casts.len * sizeof(cg_cfnptr_cast));
        memcpy(casts, f->casts.items, f->casts.len * sizeof(cg_cfnptr_cast));
        sum->casts = casts;
        sum->cast_count = f->casts.len;
    }
    /* Parameters kept only because they were stored into a block that is
     * returned (and that nothing else keeps). */
    for (size_t p = 0; p < sum->param_count && p < CF_MAX_PARAMS; p++)
        sum->params[p].kept_in_result = sum->params[p].kept.len && !(fs->kept_other & CF_BIT(p)) &&
                                        !(heap_bits(fs->returns_mask) & fs->heap_kept_otherwise);
    /* Returns memory it allocated and nothing else keeps: the caller owns it. */
    uint64_t returned_heaps = heap_bits(fs->returns_mask);
    sum->returns_fresh = returned_heaps && !param_bits(fs->returns_mask) &&
                         !(fs->returns_mask & CF_BIT(CF_ATOM_GLOBAL)) &&
                         !(returned_heaps & fs->heap_kept_otherwise);
    if (fs->unknown.len) {
        const char **names = cg_arena_alloc(&m->arena, fs->unknown.len * sizeof(char *));
        memcpy(names, fs->unknown.items, fs->unknown.len * sizeof(char *));
        sum->unknown_callees = names;
        sum->unknown_callee_count = fs->unknown.len;
    }
}

void cg_cmodel_compute_summaries(cg_cmodel *model, const char *const *go_exports, size_t n) {
    cg_strmap_free(&model->summaries);
    cg_strmap_free(&model->go_exports);
    for (size_t i = 0; i < n; i++) cg_strmap_put(&model->go_exports, go_exports[i], model);

    solver s = {.model = model, .count = model->facts.count};
    s.states = cg_xcalloc(s.count + 1, sizeof(fstate));
    /* The summaries map holds fstate pointers while solving (callee lookup),
     * and the finished cg_csummary pointers afterwards. Stable order (by
     * name) keeps the first-found evidence the same from run to run. */
    size_t k = 0;
    for (size_t i = 0; i < model->func_order.len; i++) {
        cg_cfacts *facts = cg_strmap_get(&model->facts, model->func_order.items[i]->name);
        if (!facts) continue;
        init_state(&s, &s.states[k], facts);
        cg_strmap_put(&model->summaries, facts->func->name, &s.states[k]);
        k++;
    }
    s.count = k;
    for (size_t i = 0; i < s.count; i++) resolve_callees(&s, &s.states[i]);
    solve(&s);
    assign_roles(&s);
    collect_fn_args(&s);
    for (size_t i = 0; i < s.count; i++) {
        finish_summary(&s, &s.states[i]);
        cg_strmap_put(&model->summaries, s.states[i].sum->name, s.states[i].sum);
    }
    for (size_t i = 0; i < s.count; i++) {
        free(s.states[i].callees);
        free(s.states[i].var_atoms);
        free(s.states[i].first_child);
        free(s.states[i].next_sibling);
        cg_vec_free(&s.states[i].unknown);
    }
    free(s.states);
    model->summaries_ready = true;
}

void cg_cmodel_mark_reached(cg_cmodel *model, const char *const *roots, size_t n) {
    if (!model->summaries_ready) return;
    CG_VEC(cg_csummary *) queue = {0};
    for (size_t i = 0; i < n; i++) {
        cg_csummary *s = cg_strmap_get(&model->summaries, roots[i]);
        if (!s || s->go_root) continue;
        s->go_root = s->name;
        cg_vec_push(&queue, s);
    }
    for (size_t head = 0; head < queue.len; head++) {
        cg_csummary *from = queue.items[head];
        const cg_cfacts *f = cg_strmap_get(&model->facts, from->name);
        if (!f) continue;
        for (size_t i = 0; i < f->func_refs.len + f->calls.len; i++) {
            const char *to = i < f->func_refs.len ? f->func_refs.items[i]
                                                  : f->calls.items[i - f->func_refs.len].pointer_target;
            cg_csummary *s = to ? cg_strmap_get(&model->summaries, to) : NULL;
            if (!s || s->go_root) continue;
            s->go_root = from->go_root;
            cg_vec_push(&queue, s);
        }
    }
    cg_vec_free(&queue);
}

const cg_csummary *cg_cmodel_summary(const cg_cmodel *model, const char *func) {
    if (!model->summaries_ready) return NULL;
    return cg_strmap_get(&model->summaries, func);
}

void cg_csummary_release(cg_cmodel *model) {
    cg_cfacts_release(model);
    cg_strmap_free(&model->go_exports);
}
