/*
 * CG008 cstring-leak: C.CString / C.CBytes memory that is not freed on some
 * path of the function and is not returned, stored or handed to a function
 * that takes ownership.
 *
 * cgo documents that C.CString and C.CBytes allocate with malloc and that
 * "it is the caller's responsibility to arrange for it to be freed"; the Go
 * collector never sees C memory. The rule follows the result from the
 * allocation:
 *  - kept in a local (cs := C.CString(s)): an ownership analysis over the
 *    function's control-flow graph (gocfg.h: every path, with if/else,
 *    switch, select, loops, labels, goto and returns) with the states
 *    "live", "freed" and "handed over". C.free (also deferred, also inside a
 *    deferred func literal), a
 *    package helper that frees its parameter on every path, or a C function
 *    whose summary says it frees/keeps the parameter end the obligation; any
 *    other use that may let the pointer escape (returned, stored, captured,
 *    passed to a function we cannot see into) ends it too, so the rule stays
 *    silent there. On the way where `cs == nil` (or `cs != nil` is false)
 *    there is nothing to free. A return or the end of the variable's block
 *    reached while "live" is the leak.
 *  - passed straight to a C function (C.puts(C.CString(s))): a leak when the
 *    C function visibly does not take ownership (its body's summary, or a
 *    libc function known to only read its argument).
 * A new value assigned to the variable while the allocation may still be
 * live (cs = C.CString(b) before C.free(cs)) loses it: reported at the
 * assignment.
 */
#include <stdlib.h>
#include <string.h>

#include "../cfront/csummary.h"
#include "../gofront/gocfg.h"
#include "check.h"

enum {
    ST_LIVE = 1u << 0,    /* allocated, still owned here */
    ST_FREED = 1u << 1,   /* freed (or a free is deferred) */
    ST_ESCAPED = 1u << 2, /* returned, stored, captured or handed over */
};

enum { MAX_HELPER_DEPTH = 2 };

typedef enum use_kind { USE_BORROW, USE_FREE, USE_ESCAPE } use_kind;

typedef struct flow {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *var;
    int depth;             /* helper nesting */
    bool bail;             /* code we do not model (absurd nesting): stay silent */
    cg_gn overwritten_at;  /* the earliest assignment of a new value while live */
} flow;

/* ---- Who owns a pointer passed to a C function ---- */

/* libc functions that only read (or copy) their pointer arguments. A
 * function the package defines itself is judged by its summary instead. */
static const char *const borrowing_libc[] = {
    "access", "atof", "atoi", "atol", "chdir", "dlopen", "dlsym", "fopen", "fprintf", "fputs",
    "getenv", "memcmp", "memcpy", "mkdir", "open", "perror", "printf", "puts", "remove", "rename",
    "rmdir", "setenv", "snprintf", "sprintf", "sscanf", "stat", "strcasecmp", "strcmp", "strcpy",
    "strcspn", "strdup", "strlen", "strncmp", "strncpy", "strspn", "strtod", "strtol", "strtoul",
    "system", "unlink", "unsetenv", "write",
};

static bool is_borrowing_libc(const char *name) {
    for (size_t i = 0; i < sizeof borrowing_libc / sizeof borrowing_libc[0]; i++)
        if (strcmp(borrowing_libc[i], name) == 0) return true;
    return false;
}

/* How a C function uses its pointer parameter: USE_FREE when it frees or
 * keeps it (ownership moves to C), USE_BORROW when it visibly only reads it
 * (*why says how we know), USE_ESCAPE when we cannot tell. */
static use_kind c_param_use(cg_package *pkg, const char *name, uint32_t index, const char **why) {
    *why = NULL;
    if (strcmp(name, "free") == 0) return USE_FREE;
    if (strcmp(name, "GoString") == 0 || strcmp(name, "GoStringN") == 0 || strcmp(name, "GoBytes") == 0) {
        *why = "cgo's C.GoString/C.GoBytes copy the bytes into Go memory";
        return USE_BORROW;
    }
    const cg_csummary *sum = cg_cmodel_summary(pkg->c, name);
    if (sum && index < sum->param_count) {
        const cg_cparam_summary *p = &sum->params[index];
        if (p->freed.len || p->kept_kind != CG_KEEP_NONE || p->returned.len || p->stored_into.len)
            return USE_FREE; /* ownership moves into C (or back out through its result) */
        if (p->assumed_unknown_callee) return USE_ESCAPE; /* not visibly borrowed */
        *why = cg_arena_printf(&pkg->arena,
                               "%s (defined in the package) neither frees nor keeps its parameter",
                               name);
        return USE_BORROW;
    }
    const cg_cfunc *fn = cg_cmodel_func(pkg->c, name);
    if (fn && !fn->has_body && fn->in_system_header && is_borrowing_libc(name)) {
        *why = cg_arena_printf(&pkg->arena, "%s (libc) only reads its argument", name);
        return USE_BORROW;
    }
    return USE_ESCAPE;
}

/* ---- Uses of the tracked variable ---- */

static use_kind helper_param_use(flow *f, const cg_godecl *callee, uint32_t index);

/* The walks below carry the ancestors of the node they are at:
 * anc[0..len-1], the last one its parent. */
enum { MAX_ANCESTRY = 256 };
typedef struct ancestry {
    cg_gn n[MAX_ANCESTRY];
    uint32_t len;
} ancestry;

/* Fills a with the nodes from root down to node, node excluded. */
static bool ancestry_build(cg_gn root, cg_gn node, ancestry *a) {
    uint32_t depth = 0;
    cg_gn p = cg_gn_parent(node);
    for (; p && p != root; p = p->parent) depth++;
    a->len = 0;
    if (p != root || node == root || depth + 1 > MAX_ANCESTRY) return false;
    a->len = depth + 1;
    uint32_t i = a->len;
    for (p = node->parent; i > 0; p = p->parent) a->n[--i] = p;
    return true;
}

/* Climbs from *node (whose parent is anc[i-1]) through parentheses and
 * conversions (unsafe.Pointer(x), T(x), (*T)(x), C.int(x)); returns the new
 * i, so that anc[i-1] is the parent of the new *node (0: no parent known). */
static uint32_t climb_conversions(cg_package *pkg, cg_gofile *file, const cg_gn *anc, uint32_t i,
                                  cg_gn *node) {
    while (i > 0) {
        cg_gn parent = anc[i - 1], operand;
        if (cg_gn_is(parent, CG_GK_PARENTHESIZED_EXPRESSION)) {
            *node = parent;
            i--;
            continue;
        }
        if ((cg_gn_is(parent, CG_GK_TYPE_CONVERSION_EXPRESSION) || cg_gn_is(parent, CG_GK_CALL_EXPRESSION)) &&
            cg_gopkg_conversion(pkg->go, file, parent, &operand) && (operand) == (*node)) {
            *node = parent;
            i--;
            continue;
        }
        if (cg_gn_is(parent, CG_GK_ARGUMENT_LIST) && cg_gn_count(parent) == 1 && i >= 2) {
            cg_gn call = anc[i - 2];
            cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
            if ((cg_gopkg_conversion(pkg->go, file, call, &operand) && (operand) == (*node)) ||
                (cg_node_is_qualified(file, fn, "C", NULL) &&
                 cg_x_c_name_is_type(pkg, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD))))) {
                *node = call;
                i -= 2;
                continue;
            }
        }
        break;
    }
    return i;
}

static uint32_t arg_index(cg_gn args, cg_gn arg) {
    uint32_t n = cg_gn_count(args);
    for (uint32_t i = 0; i < n; i++)
        if ((cg_gn_child(args, i)) == (arg)) return i;
    return UINT32_MAX;
}

/* What passing the pointer as argument `index` of `call` does with it. */
static use_kind classify_call_arg(flow *f, cg_gn call, uint32_t index) {
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (cg_node_is_qualified(f->file, fn, "C", NULL)) {
        const char *why;
        return c_param_use(f->pkg, cg_node_text(f->file, cg_gn_field(fn, CG_GF_FIELD)), index, &why);
    }
    const cg_godecl *callee = cg_gopkg_callee(f->pkg->go, f->file, call);
    return callee ? helper_param_use(f, callee, index) : USE_ESCAPE;
}

/* What one occurrence of the tracked pointer does with it. */
static use_kind classify(flow *f, const cg_gn *anc, uint32_t len, cg_gn ident) {
    cg_gn expr = ident;
    uint32_t i = climb_conversions(f->pkg, f->file, anc, len, &expr);
    if (i == 0) return USE_ESCAPE;
    cg_gn parent = anc[i - 1];
    if (cg_gn_is(parent, CG_GK_ARGUMENT_LIST) && i >= 2) {
        uint32_t index = arg_index(parent, expr);
        return index == UINT32_MAX ? USE_ESCAPE : classify_call_arg(f, anc[i - 2], index);
    }
    if (cg_gn_is(parent, CG_GK_BINARY_EXPRESSION))
        return USE_BORROW; /* a comparison (cs == nil) or arithmetic on a copy */
    if (cg_gn_is(parent, CG_GK_INDEX_EXPRESSION) && (cg_gn_field(parent, CG_GF_OPERAND)) == (expr))
        return USE_BORROW; /* reading an element */
    return USE_ESCAPE;
}

static unsigned apply(unsigned states, use_kind use) {
    if (!(states & ST_LIVE) || use == USE_BORROW) return states;
    return (states & ~(unsigned)ST_LIVE) | (use == USE_FREE ? ST_FREED : ST_ESCAPED);
}

typedef enum literal_mode {
    LIT_NONE,     /* not inside a func literal of the scanned code */
    LIT_CAPTURED, /* inside one: the pointer is captured */
    LIT_DEFERRED, /* inside `defer func() {...}()`: a free there runs at every exit */
} literal_mode;

typedef struct scan_walk {
    flow *f;
    unsigned states;
    ancestry anc;
} scan_walk;

static unsigned scan(flow *f, cg_gn node, unsigned states);

static void scan_use(scan_walk *w, cg_gn n, literal_mode mode) {
    const cg_gn *anc = w->anc.n;
    uint32_t len = w->anc.len;
    if (cg_gopkg_binding(w->f->pkg->go, w->f->file, n) != w->f->var) return;
    /* `cs = other` on the left of an assignment: the old value is lost
     * unless it was freed or handed over before. The right-hand side runs
     * first (cs = wrap(cs) hands it over); after the assignment cs holds a
     * new value, which its own allocation site follows, so this path ends. */
    if (len >= 2 && cg_gn_is(anc[len - 1], CG_GK_EXPRESSION_LIST) &&
        cg_gn_is(anc[len - 2], CG_GK_ASSIGNMENT_STATEMENT) &&
        (cg_gn_field(anc[len - 2], CG_GF_LEFT)) == (anc[len - 1])) {
        cg_gn assign = anc[len - 2];
        if (cg_gn_op(assign) != CG_GOP_ASSIGN) {
            w->f->bail = true; /* cs += n: pointer arithmetic we do not model */
            return;
        }
        unsigned before = scan(w->f, cg_gn_field(assign, CG_GF_RIGHT), w->states);
        if ((before & ST_LIVE) && (!w->f->overwritten_at || assign->start < w->f->overwritten_at->start))
            w->f->overwritten_at = assign;
        w->states = before ? ST_ESCAPED : 0;
        return;
    }
    use_kind use = classify(w->f, anc, len, n);
    /* A captured pointer escapes with the closure; only a deferred literal
     * that frees it (defer func() { C.free(...) }()) counts as a free. */
    if (mode == LIT_CAPTURED || (mode == LIT_DEFERRED && use != USE_FREE)) use = USE_ESCAPE;
    w->states = apply(w->states, use);
}

static void scan_rec(scan_walk *w, cg_gn n, literal_mode mode) {
    if (w->f->bail) return;
    if (cg_gn_is(n, CG_GK_IDENTIFIER)) {
        /* The name first: resolving every identifier costs. */
        if (cg_node_text_eq(w->f->file, n, w->f->var->name)) scan_use(w, n, mode);
        return;
    }
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL) && mode == LIT_NONE) {
        uint32_t len = w->anc.len;
        bool deferred = len >= 2 && cg_gn_is(w->anc.n[len - 1], CG_GK_CALL_EXPRESSION) &&
                        (cg_gn_field(w->anc.n[len - 1], CG_GF_FUNCTION)) == (n) &&
                        cg_gn_is(w->anc.n[len - 2], CG_GK_DEFER_STATEMENT);
        mode = deferred ? LIT_DEFERRED : LIT_CAPTURED;
    } else if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) {
        mode = LIT_CAPTURED;
    }
    if (w->anc.len == MAX_ANCESTRY) {
        w->f->bail = true; /* absurdly deep: stay silent */
        return;
    }
    w->anc.n[w->anc.len++] = n;
    for (uint32_t i = 0; i < cg_gn_count(n) && !w->f->bail; i++) scan_rec(w, cg_gn_child(n, i), mode);
    w->anc.len--;
}

/* Applies every use inside node (an expression or simple statement). */
static unsigned scan(flow *f, cg_gn node, unsigned states) {
    if (!node || !states) return states;
    scan_walk *w = cg_xcalloc(1, sizeof *w); /* the ancestry is large for the stack */
    w->f = f;
    w->states = states;
    scan_rec(w, node, LIT_NONE);
    unsigned out = w->states;
    free(w);
    return out;
}

/* ---- Paths ---- */

/* Is the condition `v == nil` (when) or `v != nil` (when false) for the
 * tracked variable? Then that way holds a nil pointer: nothing to free. */
static bool nil_on_branch(flow *f, cg_gn cond, cg_branch branch) {
    cond = cg_gn_unparen(cond);
    if (!cg_gn_is(cond, CG_GK_BINARY_EXPRESSION)) return false;
    cg_gop op = cg_gn_op(cond);
    if (!((op == CG_GOP_EQ && branch == CG_BRANCH_TRUE) || (op == CG_GOP_NE && branch == CG_BRANCH_FALSE))) return false;
    cg_gn l = cg_gn_unparen(cg_go_left(cond)), r = cg_gn_unparen(cg_go_right(cond));
    if (cg_gn_is(l, CG_GK_NIL)) l = r;
    else if (!cg_gn_is(r, CG_GK_NIL)) return false;
    l = cg_x_strip_conversions(f->pkg, f->file, l);
    return cg_gn_is(l, CG_GK_IDENTIFIER) && cg_gopkg_binding(f->pkg->go, f->file, l) == f->var;
}

typedef struct region_flow {
    flow *f;
    cg_gn region; /* the variable's block, clause or if statement; NULL: the whole function */
} region_flow;

static bool in_region(const cg_cfg *cfg, uint32_t step, cg_gn region) {
    const cg_step *s = &cfg->steps[step];
    if (step == CG_CFG_ENTRY || step == CG_CFG_EXIT || step == CG_CFG_PANIC_EXIT) return !region && step != CG_CFG_EXIT;
    cg_gn at = s->node ? s->node : s->owner;
    return !region || cg_gn_within(at, region);
}

static unsigned transfer(const cg_cfg *cfg, uint32_t step, unsigned in, void *arg) {
    region_flow *r = arg;
    const cg_step *s = &cfg->steps[step];
    if (!in_region(cfg, step, r->region)) return 0; /* the variable's scope has ended */
    if (s->branch && s->pred_count == 1 && nil_on_branch(r->f, cfg->steps[s->pred[0]].node, s->branch))
        return in & ~(unsigned)ST_LIVE;
    if (s->kind == CG_STEP_FATAL || s->kind == CG_STEP_PANIC) return 0; /* the program ends */
    return s->node ? scan(r->f, s->node, in) : in;
}

typedef struct leak_result {
    uint32_t at_return; /* a RETURN step reached while live (the earliest), or CG_CFG_NONE */
    bool at_end;        /* the region's end reached while live */
} leak_result;

/* Runs the ownership analysis from `from` (the allocation's step) with the
 * allocation live, and says where it may still be live when its scope ends. */
static leak_result follow(flow *f, const cg_cfg *cfg, uint32_t from, cg_gn region) {
    leak_result res = {CG_CFG_NONE, false};
    unsigned *in = cg_xcalloc(cfg->count, sizeof *in), *out = cg_xcalloc(cfg->count, sizeof *out);
    region_flow r = {f, region};
    cg_cfg_forward(cfg, from, ST_LIVE, transfer, &r, in, out);
    for (uint32_t i = 0; i < cfg->count; i++) {
        if (!(out[i] & ST_LIVE) || !in_region(cfg, i, region)) continue;
        const cg_step *s = &cfg->steps[i];
        if (s->kind == CG_STEP_RETURN) {
            if (res.at_return == CG_CFG_NONE || s->node->start < cfg->steps[res.at_return].node->start)
                res.at_return = i;
            continue;
        }
        for (uint32_t j = 0; j < s->succ_count; j++)
            if (!in_region(cfg, s->succ[j], region)) res.at_end = true;
    }
    free(in);
    free(out);
    return res;
}

/* ---- Go functions of the package that receive the pointer ---- */

/* The same walk over the callee's body, with its parameter as the tracked
 * pointer: it frees it when every exit has it freed, it only borrows it
 * when every exit has it still live (nothing stored, returned or freed). */
static use_kind helper_param_use(flow *f, const cg_godecl *callee, uint32_t index) {
    if (f->depth >= MAX_HELPER_DEPTH) return USE_ESCAPE;
    cg_gn params = cg_gn_field(callee->node, CG_GF_PARAMETERS);
    cg_gn ident = NULL;
    uint32_t at = 0;
    for (uint32_t i = 0; i < cg_gn_count(params) && !ident; i++) {
        cg_gn decl = cg_gn_child(params, i);
        if (!cg_gn_is(decl, CG_GK_PARAMETER_DECLARATION)) return USE_ESCAPE; /* variadic */
        uint32_t names = cg_gn_field_count(decl, CG_GF_NAME);
        if (index < at + names) ident = cg_gn_field_at(decl, CG_GF_NAME, index - at);
        at += names;
    }
    if (!ident) return USE_ESCAPE;
    cg_gobinding *b = cg_gopkg_binding(f->pkg->go, callee->file, ident);
    const cg_cfg *cfg = cg_cfg_of(f->pkg->go, callee->file, callee->node);
    if (!b || !cfg) return USE_ESCAPE;
    flow h = {.pkg = f->pkg, .file = callee->file, .var = b, .depth = f->depth + 1};
    unsigned *in = cg_xcalloc(cfg->count, sizeof *in), *out = cg_xcalloc(cfg->count, sizeof *out);
    region_flow r = {&h, NULL};
    cg_cfg_forward(cfg, CG_CFG_ENTRY, ST_LIVE, transfer, &r, in, out);
    unsigned exits = in[CG_CFG_EXIT];
    free(in);
    free(out);
    if (h.bail) return USE_ESCAPE;
    return exits == ST_FREED ? USE_FREE : exits == ST_LIVE ? USE_BORROW : USE_ESCAPE;
}

/* ---- Allocation sites ---- */

typedef enum leak_site { LEAK_AT_RETURN, LEAK_AT_BLOCK_END, LEAK_AT_OVERWRITE } leak_site;

static void report_leak(cg_check_ctx *ctx, cg_gofile *file, cg_gn alloc, const char *fn_name,
                        const char *var, cg_location where, leak_site site, cg_gn container_parent) {
    cg_arena *arena = &ctx->pkg->arena;
    const char *state = site == LEAK_AT_RETURN      ? "it is still live at the return"
                        : site == LEAK_AT_BLOCK_END ? "it is still live when its block ends"
                                                    : cg_arena_printf(arena, "%s is assigned a new value while it is still live", var);
    cg_diag *d = cg_check_report(
        ctx, file, alloc,
        "C.%s result %s is not freed on every path (%s at line %u): its memory comes from C "
        "malloc and the Go garbage collector never frees it",
        fn_name, var, state, where.line);
    if (site == LEAK_AT_RETURN) {
        cg_check_note(ctx, d, where, "returns here without freeing %s", var);
    } else if (site == LEAK_AT_OVERWRITE) {
        cg_check_note(ctx, d, where, "the only reference to the allocation is overwritten here");
        cg_check_fix(ctx, d, "free %s before assigning it again (or keep the new value in another variable)", var);
        return;
    } else {
        const char *what;
        if (cg_gn_is(container_parent, CG_GK_FOR_STATEMENT))
            what = cg_arena_printf(arena, "the loop body ends here: every iteration leaks %s", var);
        else if (cg_gn_is(container_parent, CG_GK_FUNCTION_DECLARATION) ||
                 cg_gn_is(container_parent, CG_GK_METHOD_DECLARATION) ||
                 cg_gn_is(container_parent, CG_GK_FUNC_LITERAL))
            what = cg_arena_printf(arena, "the function ends here with %s unfreed", var);
        else
            what = cg_arena_printf(arena, "%s goes out of scope here unfreed", var);
        cg_check_note(ctx, d, where, "%s", what);
    }
    cg_check_fix(ctx, d,
                 "free it on every path: put `defer C.free(unsafe.Pointer(%s))` right after the "
                 "allocation (or free it before each return)",
                 var);
}

static bool is_container(cg_gn n) {
    return cg_gn_is(n, CG_GK_BLOCK) || cg_gn_is(n, CG_GK_EXPRESSION_CASE) || cg_gn_is(n, CG_GK_DEFAULT_CASE) ||
           cg_gn_is(n, CG_GK_TYPE_CASE) || cg_gn_is(n, CG_GK_COMMUNICATION_CASE);
}

/* The block (or case clause) whose statement declares the identifier. */
static cg_gn declaring_container(cg_gn ident) {
    for (cg_gn p = cg_gn_parent(ident); p && !cg_go_is_func(p); p = p->parent)
        if (is_container(p)) return p;
    return NULL;
}

/* cs := C.CString(s), var cs = C.CString(s), cs = C.CString(s): follow cs.
 * stmt is the statement in `container` (whose parent is container_parent). */
static void check_local(cg_check_ctx *ctx, cg_gofile *file, cg_gn alloc, const char *fn_name,
                        cg_gn stmt, cg_gn container, cg_gn container_parent, cg_gn ident) {
    cg_package *pkg = ctx->pkg;
    /* `if cs := C.CString(s); cond {...} else {...}`: the if statement is the
     * scope. Other initializers (for, switch) are not modelled. */
    bool if_init = cg_gn_is(container, CG_GK_IF_STATEMENT) &&
                   (cg_gn_field(container, CG_GF_INITIALIZER)) == (stmt);
    if (!is_container(container) && !if_init) return;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, ident);
    if (!b) return; /* a package variable: stored */
    /* A plain assignment: only when the variable lives in this block. */
    if (!cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION) && !cg_gn_is(stmt, CG_GK_VAR_DECLARATION) &&
        declaring_container(b->ident) != container)
        return;
    const cg_cfg *cfg = cg_cfg_around(pkg->go, file, alloc);
    uint32_t from = cg_cfg_step_of(cfg, alloc);
    if (from == CG_CFG_NONE) return;
    flow f = {.pkg = pkg, .file = file, .var = b};
    leak_result leak = follow(&f, cfg, from, container);
    if (f.bail) return;
    const char *var = cg_node_text(file, ident);
    if (f.overwritten_at) {
        report_leak(ctx, file, alloc, fn_name, var, cg_check_loc(file, f.overwritten_at), LEAK_AT_OVERWRITE,
                    container_parent);
    } else if (leak.at_return != CG_CFG_NONE) {
        report_leak(ctx, file, alloc, fn_name, var, cg_check_loc(file, cfg->steps[leak.at_return].node),
                    LEAK_AT_RETURN, container_parent);
    } else if (leak.at_end) {
        /* The closing brace of the block (or of the if statement's last block);
         * a case clause has none, so point at the clause. */
        cg_location end = cg_gn_is(container, CG_GK_BLOCK) || if_init ? cg_check_loc_last_byte(file, container)
                                                                      : cg_check_loc(file, container);
        report_leak(ctx, file, alloc, fn_name, var, end, LEAK_AT_BLOCK_END, if_init ? container : container_parent);
    }
}

/* C.f(C.CString(s)): a leak when C.f visibly does not take ownership. */
static void check_direct_argument(cg_check_ctx *ctx, cg_gofile *file, cg_gn alloc, const char *fn_name,
                                  cg_gn expr, cg_gn args, cg_gn call) {
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return; /* a Go function: not followed */
    const char *callee = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
    uint32_t index = arg_index(args, expr);
    const char *why;
    if (index == UINT32_MAX || c_param_use(ctx->pkg, callee, index, &why) != USE_BORROW) return;
    cg_diag *d = cg_check_report(ctx, file, alloc,
                                 "C.%s result is passed straight to C.%s, which does not take "
                                 "ownership, and is never freed: C malloc memory the Go garbage "
                                 "collector never frees",
                                 fn_name, callee);
    const cg_cfunc *cf = cg_cmodel_func(ctx->pkg->c, callee);
    if (cf && index < cf->param_count)
        cg_check_note(ctx, d, cf->has_body ? cf->body_loc : cf->params[index].loc, "%s", why);
    cg_check_fix(ctx, d,
                 "keep it in a variable and free it: `p := C.%s(...); defer C.free(unsafe.Pointer(p)); "
                 "C.%s(p)`",
                 fn_name, callee);
}

/* The node at a->n[i - back], or a null node. */
static cg_gn up(const ancestry *a, uint32_t i, uint32_t back) {
    return i >= back ? a->n[i - back] : NULL;
}

static void check_site(cg_check_ctx *ctx, const cg_ccall *call, const ancestry *a) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    cg_gn expr = call->call;
    uint32_t i = climb_conversions(pkg, file, a->n, a->len, &expr);
    cg_gn parent = up(a, i, 1), stmt = up(a, i, 2);
    if (cg_gn_is(parent, CG_GK_ARGUMENT_LIST)) {
        check_direct_argument(ctx, file, call->call, call->name, expr, parent, stmt);
        return;
    }
    if (cg_gn_is(parent, CG_GK_EXPRESSION_STATEMENT)) {
        cg_diag *d = cg_check_report(ctx, file, call->call,
                                     "C.%s result is discarded: the C malloc memory it allocated "
                                     "can never be freed",
                                     call->name);
        cg_check_fix(ctx, d, "remove the call, or keep the pointer and C.free it");
        return;
    }
    if (!cg_gn_is(parent, CG_GK_EXPRESSION_LIST)) return; /* returned, stored, composite literal, ... */
    if (cg_gn_is(stmt, CG_GK_VAR_SPEC)) {
        /* var cs = C.CString(s) */
        cg_gn decl = up(a, i, 3);
        if (cg_gn_count(parent) != 1 || (cg_gn_field(stmt, CG_GF_VALUE)) != (parent) ||
            !cg_gn_is(decl, CG_GK_VAR_DECLARATION))
            return;
        check_local(ctx, file, call->call, call->name, decl, up(a, i, 4), up(a, i, 5),
                    cg_gn_field(stmt, CG_GF_NAME));
        return;
    }
    if (!cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION) && !cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT)) return;
    if ((cg_gn_field(stmt, CG_GF_RIGHT)) != (parent)) return;
    if (cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) && cg_gn_op(stmt) != CG_GOP_ASSIGN)
        return;
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT);
    uint32_t index = arg_index(parent, expr);
    if (cg_gn_count(left) != cg_gn_count(parent) || index == UINT32_MAX)
        return;
    cg_gn ident = cg_gn_child(left, index);
    if (!cg_gn_is(ident, CG_GK_IDENTIFIER) || cg_node_text_eq(file, ident, "_")) return;
    check_local(ctx, file, call->call, call->name, stmt, up(a, i, 3), up(a, i, 4), ident);
}

static void check_allocation(cg_check_ctx *ctx, const cg_ccall *call) {
    ancestry *a = cg_xcalloc(1, sizeof *a);
    if (ancestry_build(call->file->root, call->call, a)) check_site(ctx, call, a);
    free(a);
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if ((strcmp(call->name, "CString") == 0 || strcmp(call->name, "CBytes") == 0) &&
            call->arg_count == 1)
            check_allocation(ctx, call);
    }
}

const cg_rule cg_rule_CG008 = {
    .id = "CG008",
    .name = "cstring-leak",
    .severity = CG_SEV_WARNING,
    .summary = "memory from C.CString/C.CBytes not freed on some path",
    .check = check,
};
