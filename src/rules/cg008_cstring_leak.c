/*
 * CG008 cstring-leak: C.CString / C.CBytes memory that is not freed on some
 * path of the function and is not returned, stored or handed to a function
 * that takes ownership.
 *
 * cgo documents that C.CString and C.CBytes allocate with malloc and that
 * "it is the caller's responsibility to arrange for it to be freed"; the Go
 * collector never sees C memory. The rule follows the result from the
 * allocation:
 *  - kept in a local (cs := C.CString(s)): an ownership walk over the rest of
 *    the block visits every path (if/else, switch, select, loops with break
 *    and continue, returns) with the states "live", "freed" and "handed
 *    over". C.free (also deferred, also inside a deferred func literal), a
 *    package helper that frees its parameter on every path, or a C function
 *    whose summary says it frees/keeps the parameter end the obligation; any
 *    other use that may let the pointer escape (returned, stored, captured,
 *    passed to a function we cannot see into) ends it too, so the rule stays
 *    silent there. A return or the end of the variable's block reached while
 *    "live" is the leak.
 *  - passed straight to a C function (C.puts(C.CString(s))): a leak when the
 *    C function visibly does not take ownership (its body's summary, or a
 *    libc function known to only read its argument).
 * Unsupported control flow (goto, labelled break/continue, fallthrough) or a
 * reassignment of the variable makes the rule silent for that allocation.
 */
#include <string.h>

#include "../cfront/csummary.h"
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
    int depth;            /* helper nesting */
    bool bail;            /* control flow we do not model: stay silent */
    TSNode leak_at;       /* first return reached while live */
    unsigned exit_states; /* states at every return */
    unsigned *brk, *cont; /* innermost loop/switch accumulators, or NULL */
} flow;

/* The binding an identifier declares or refers to. cg_gopkg_binding
 * resolves uses; a declaring identifier is found among the function's
 * bindings (which that first call computes). */
static cg_gobinding *binding_of(cg_package *pkg, cg_gofile *file, TSNode ident) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, ident);
    if (b) return b;
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, ident);
    for (size_t i = 0; fn && i < fn->bindings.len; i++)
        if (ts_node_eq(fn->bindings.items[i]->ident, ident)) return fn->bindings.items[i];
    return NULL;
}

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

/* Climbs from an expression through parentheses and conversions. */
static TSNode climb_conversions(cg_package *pkg, cg_gofile *file, TSNode node) {
    for (;;) {
        TSNode parent = ts_node_parent(node);
        if (ts_node_is_null(parent)) return node;
        if (cg_node_is(parent, "parenthesized_expression")) {
            node = parent;
            continue;
        }
        TSNode operand;
        if ((cg_node_is(parent, "type_conversion_expression") || cg_node_is(parent, "call_expression")) &&
            cg_gopkg_conversion(pkg->go, file, parent, &operand) && ts_node_eq(operand, node)) {
            node = parent;
            continue;
        }
        if (cg_node_is(parent, "argument_list") && ts_node_named_child_count(parent) == 1) {
            /* unsafe.Pointer(x), T(x) and C.int(x)-style conversions */
            TSNode call = ts_node_parent(parent);
            TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
            if ((cg_gopkg_conversion(pkg->go, file, call, &operand) && ts_node_eq(operand, node)) ||
                (cg_node_is_qualified(file, fn, "C", NULL) &&
                 cg_x_c_name_is_type(pkg, cg_node_text(file, cg_node_field(fn, "field"))))) {
                node = call;
                continue;
            }
        }
        return node;
    }
}

static uint32_t arg_index(TSNode args, TSNode arg) {
    uint32_t n = ts_node_named_child_count(args);
    for (uint32_t i = 0; i < n; i++)
        if (ts_node_eq(ts_node_named_child(args, i), arg)) return i;
    return UINT32_MAX;
}

/* What one occurrence of the tracked pointer does with it. */
static use_kind classify_call_arg(flow *f, TSNode call, uint32_t index) {
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (cg_node_is_qualified(f->file, fn, "C", NULL)) {
        const char *why;
        return c_param_use(f->pkg, cg_node_text(f->file, cg_node_field(fn, "field")), index, &why);
    }
    const cg_godecl *callee = cg_gopkg_callee(f->pkg->go, f->file, call);
    return callee ? helper_param_use(f, callee, index) : USE_ESCAPE;
}

static use_kind classify(flow *f, TSNode ident) {
    TSNode expr = climb_conversions(f->pkg, f->file, ident);
    TSNode parent = ts_node_parent(expr);
    use_kind use = USE_ESCAPE;
    if (cg_node_is(parent, "argument_list")) {
        TSNode call = ts_node_parent(parent);
        uint32_t index = arg_index(parent, expr);
        if (index != UINT32_MAX) use = classify_call_arg(f, call, index);
    } else if (cg_node_is(parent, "binary_expression")) {
        use = USE_BORROW; /* a comparison (cs == nil) or arithmetic on a copy */
    } else if (cg_node_is(parent, "index_expression") &&
               ts_node_eq(cg_node_field(parent, "operand"), expr)) {
        use = USE_BORROW; /* reading an element */
    }
    /* Inside a func literal the pointer is captured: only a deferred literal
     * that frees it (defer func() { C.free(...) }()) counts as a free. */
    for (TSNode n = ts_node_parent(ident); !ts_node_is_null(n); n = ts_node_parent(n)) {
        if (!cg_node_is(n, "func_literal")) continue;
        TSNode call = ts_node_parent(n);
        bool deferred = cg_node_is(call, "call_expression") &&
                        cg_node_is(ts_node_parent(call), "defer_statement");
        return use == USE_FREE && deferred ? USE_FREE : USE_ESCAPE;
    }
    return use;
}

static unsigned apply(unsigned states, use_kind use) {
    if (!(states & ST_LIVE) || use == USE_BORROW) return states;
    return (states & ~(unsigned)ST_LIVE) | (use == USE_FREE ? ST_FREED : ST_ESCAPED);
}

typedef struct scan_walk {
    flow *f;
    unsigned states;
} scan_walk;

static cg_walk_action visit_use(TSNode n, void *arg) {
    scan_walk *w = arg;
    if (w->f->bail) return CG_WALK_STOP;
    if (!cg_node_is(n, "identifier")) return CG_WALK_CONTINUE;
    if (cg_gopkg_binding(w->f->pkg->go, w->f->file, n) != w->f->var) return CG_WALK_CONTINUE;
    /* `cs = other` on the left of an assignment: a new value we do not follow. */
    TSNode list = ts_node_parent(n);
    if (cg_node_is(list, "expression_list") && cg_node_is(ts_node_parent(list), "assignment_statement") &&
        ts_node_eq(cg_node_field(ts_node_parent(list), "left"), list)) {
        w->f->bail = true;
        return CG_WALK_STOP;
    }
    w->states = apply(w->states, classify(w->f, n));
    return CG_WALK_CONTINUE;
}

/* Applies every use inside node (an expression or simple statement). */
static unsigned scan(flow *f, TSNode node, unsigned states) {
    if (ts_node_is_null(node) || !states) return states;
    scan_walk w = {f, states};
    cg_walk(node, visit_use, &w);
    return w.states;
}

/* ---- Paths ---- */

static unsigned flow_stmt(flow *f, TSNode s, unsigned in);

/* The statements of a block or a case clause are its named children without
 * a field name (a case's value/communication/type have one). */
static bool is_statement_child(TSNode container, uint32_t i) {
    TSNode c = ts_node_child(container, i);
    return ts_node_is_named(c) && !ts_node_field_name_for_child(container, i) &&
           !cg_node_is(c, "comment");
}

static unsigned flow_from(flow *f, TSNode container, uint32_t first_child, unsigned in) {
    uint32_t n = ts_node_child_count(container);
    for (uint32_t i = first_child; i < n && in && !f->bail; i++)
        if (is_statement_child(container, i)) in = flow_stmt(f, ts_node_child(container, i), in);
    return in;
}

static bool is_terminating_call(flow *f, TSNode s) {
    TSNode call = ts_node_named_child(s, 0);
    if (!cg_node_is(call, "call_expression")) return false;
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (cg_node_is(fn, "identifier") && cg_node_text_eq(f->file, fn, "panic") &&
        !cg_gopkg_binding(f->pkg->go, f->file, fn))
        return true;
    return cg_node_is_qualified(f->file, fn, "os", "Exit") ||
           cg_node_is_qualified(f->file, fn, "log", "Fatal") ||
           cg_node_is_qualified(f->file, fn, "log", "Fatalf") ||
           cg_node_is_qualified(f->file, fn, "log", "Fatalln") ||
           cg_node_is_qualified(f->file, fn, "runtime", "Goexit");
}

static unsigned flow_loop(flow *f, TSNode s, unsigned in) {
    TSNode body = cg_node_field(s, "body");
    bool endless = true;
    for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
        TSNode c = ts_node_named_child(s, i);
        if (ts_node_eq(c, body)) continue;
        if (cg_node_is(c, "for_clause")) {
            in = scan(f, cg_node_field(c, "initializer"), in);
            TSNode cond = cg_node_field(c, "condition");
            if (!ts_node_is_null(cond)) endless = false;
            in = scan(f, cond, in);
            in = scan(f, cg_node_field(c, "update"), in);
        } else {
            endless = false; /* range clause or plain condition */
            in = scan(f, c, in);
        }
    }
    /* One pass over the body is exact: "freed" and "handed over" are fixed
     * points of every statement, so a second iteration could only start
     * from states whose successors the first one already produced (and a
     * return inside the loop sees "live" in the first pass if ever). This
     * also keeps nested loops linear. */
    unsigned *saved_brk = f->brk, *saved_cont = f->cont;
    unsigned brk = 0, cont = 0;
    f->brk = &brk;
    f->cont = &cont;
    unsigned out = flow_stmt(f, body, in);
    f->brk = saved_brk;
    f->cont = saved_cont;
    unsigned entry = in | out | cont;
    return brk | (endless ? 0 : entry);
}

static unsigned flow_cases(flow *f, TSNode s, unsigned in, bool exhaustive_without_default) {
    in = scan(f, cg_node_field(s, "initializer"), in);
    in = scan(f, cg_node_field(s, "value"), in);
    unsigned *saved_brk = f->brk;
    unsigned brk = 0, out = 0;
    bool has_default = false;
    f->brk = &brk;
    uint32_t n = ts_node_named_child_count(s);
    for (uint32_t i = 0; i < n && !f->bail; i++) {
        TSNode c = ts_node_named_child(s, i);
        if (cg_node_is(c, "default_case")) has_default = true;
        else if (!cg_node_is(c, "expression_case") && !cg_node_is(c, "type_case") &&
                 !cg_node_is(c, "communication_case"))
            continue;
        unsigned case_in = scan(f, cg_node_field(c, "value"), in);
        case_in = scan(f, cg_node_field(c, "communication"), case_in);
        out |= flow_from(f, c, 0, case_in);
    }
    f->brk = saved_brk;
    return out | brk | (has_default || exhaustive_without_default ? 0 : in);
}

static unsigned flow_stmt(flow *f, TSNode s, unsigned in) {
    if (f->bail || !in) return in;
    const char *kind = ts_node_type(s);
    if (strcmp(kind, "block") == 0) return flow_from(f, s, 0, in);
    if (strcmp(kind, "return_statement") == 0) {
        unsigned out = scan(f, s, in);
        f->exit_states |= out;
        if ((out & ST_LIVE) && ts_node_is_null(f->leak_at)) f->leak_at = s;
        return 0;
    }
    if (strcmp(kind, "if_statement") == 0) {
        in = scan(f, cg_node_field(s, "initializer"), in);
        in = scan(f, cg_node_field(s, "condition"), in);
        unsigned out = flow_stmt(f, cg_node_field(s, "consequence"), in);
        TSNode alt = cg_node_field(s, "alternative");
        return out | (ts_node_is_null(alt) ? in : flow_stmt(f, alt, in));
    }
    if (strcmp(kind, "for_statement") == 0) return flow_loop(f, s, in);
    if (strcmp(kind, "expression_switch_statement") == 0 || strcmp(kind, "type_switch_statement") == 0)
        return flow_cases(f, s, in, false);
    if (strcmp(kind, "select_statement") == 0) return flow_cases(f, s, in, true);
    if (strcmp(kind, "labeled_statement") == 0) {
        /* A label is only a problem when something jumps to it (goto,
         * labelled break/continue), and those bail below. */
        for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
            TSNode c = ts_node_named_child(s, i);
            if (!cg_node_is(c, "label_name")) return flow_stmt(f, c, in);
        }
        return in;
    }
    if (strcmp(kind, "break_statement") == 0 || strcmp(kind, "continue_statement") == 0) {
        unsigned *target = kind[0] == 'b' ? f->brk : f->cont;
        if (ts_node_named_child_count(s) || !target) f->bail = true; /* labelled */
        else *target |= in;
        return 0;
    }
    if (strcmp(kind, "goto_statement") == 0 || strcmp(kind, "fallthrough_statement") == 0) {
        f->bail = true;
        return 0;
    }
    unsigned out = scan(f, s, in);
    if (strcmp(kind, "expression_statement") == 0 && is_terminating_call(f, s)) return 0;
    return out;
}

/* ---- Go functions of the package that receive the pointer ---- */

/* The same walk over the callee's body, with its parameter as the tracked
 * pointer: it frees it when every exit has it freed, it only borrows it
 * when every exit has it still live (nothing stored, returned or freed). */
static use_kind helper_param_use(flow *f, const cg_godecl *callee, uint32_t index) {
    if (f->depth >= MAX_HELPER_DEPTH) return USE_ESCAPE;
    TSNode params = cg_node_field(callee->node, "parameters");
    TSNode ident = {0};
    uint32_t at = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(params) && ts_node_is_null(ident); i++) {
        TSNode decl = ts_node_named_child(params, i);
        if (!cg_node_is(decl, "parameter_declaration")) return USE_ESCAPE; /* variadic */
        for (uint32_t j = 0; j < ts_node_child_count(decl); j++) {
            const char *field = ts_node_field_name_for_child(decl, j);
            if (!field || strcmp(field, "name") != 0) continue;
            if (at++ == index) {
                ident = ts_node_child(decl, j);
                break;
            }
        }
    }
    if (ts_node_is_null(ident)) return USE_ESCAPE;
    cg_gobinding *b = binding_of(f->pkg, callee->file, ident);
    TSNode body = cg_node_field(callee->node, "body");
    if (!b || ts_node_is_null(body)) return USE_ESCAPE;
    flow h = {.pkg = f->pkg, .file = callee->file, .var = b, .depth = f->depth + 1};
    unsigned out = flow_from(&h, body, 0, ST_LIVE);
    if (h.bail) return USE_ESCAPE;
    unsigned exits = out | h.exit_states;
    return exits == ST_FREED ? USE_FREE : exits == ST_LIVE ? USE_BORROW : USE_ESCAPE;
}

/* ---- Allocation sites ---- */

static void report_leak(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                        const char *var, TSNode where, bool at_return, TSNode container) {
    cg_diag *d = cg_check_report(
        ctx, file, alloc,
        "C.%s result %s is not freed on every path (%s at line %u): its memory comes from C "
        "malloc and the Go garbage collector never frees it",
        fn_name, var, at_return ? "it is still live at the return" : "it is still live when its block ends",
        cg_node_line(where));
    if (at_return) {
        cg_check_note(ctx, d, cg_check_loc(file, where), "returns here without freeing %s", var);
    } else {
        bool loop = cg_node_is(ts_node_parent(container), "for_statement");
        bool body = cg_node_is(ts_node_parent(container), "function_declaration") ||
                    cg_node_is(ts_node_parent(container), "method_declaration") ||
                    cg_node_is(ts_node_parent(container), "func_literal");
        cg_check_note(ctx, d, cg_check_loc(file, where), "%s",
                      loop ? cg_arena_printf(&ctx->pkg->arena,
                                             "the loop body ends here: every iteration leaks %s", var)
                      : body ? cg_arena_printf(&ctx->pkg->arena, "the function ends here with %s unfreed", var)
                             : cg_arena_printf(&ctx->pkg->arena, "%s goes out of scope here unfreed", var));
    }
    cg_check_fix(ctx, d,
                 "free it on every path: put `defer C.free(unsafe.Pointer(%s))` right after the "
                 "allocation (or free it before each return)",
                 var);
}

static bool is_container(TSNode n) {
    return cg_node_is(n, "block") || cg_node_is(n, "expression_case") || cg_node_is(n, "default_case") ||
           cg_node_is(n, "type_case") || cg_node_is(n, "communication_case");
}

static uint32_t child_index(TSNode parent, TSNode child) {
    uint32_t n = ts_node_child_count(parent);
    for (uint32_t i = 0; i < n; i++)
        if (ts_node_eq(ts_node_child(parent, i), child)) return i;
    return UINT32_MAX;
}

/* The container block and statement that declared the binding. */
static TSNode declaring_statement(TSNode ident) {
    for (TSNode n = ts_node_parent(ident); !ts_node_is_null(n); n = ts_node_parent(n))
        if (is_container(ts_node_parent(n))) return n;
    return (TSNode){0};
}

/* cs := C.CString(s), var cs = C.CString(s), cs = C.CString(s): follow cs. */
static void check_local(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                        TSNode stmt, TSNode ident) {
    cg_package *pkg = ctx->pkg;
    cg_gobinding *b = binding_of(pkg, file, ident);
    if (!b) return; /* a package variable: stored */
    TSNode container = ts_node_parent(stmt);
    if (!is_container(container)) return; /* if/for/switch initializer: not modelled */
    if (!cg_node_is(stmt, "short_var_declaration") && !cg_node_is(stmt, "var_declaration")) {
        /* A plain assignment: only when the variable lives in this block. */
        TSNode decl = declaring_statement(b->ident);
        if (ts_node_is_null(decl) || !ts_node_eq(ts_node_parent(decl), container)) return;
    }
    flow f = {.pkg = pkg, .file = file, .var = b};
    uint32_t index = child_index(container, stmt);
    unsigned out = flow_from(&f, container, index + 1, ST_LIVE);
    if (f.bail) return;
    const char *var = cg_node_text(file, ident);
    if (!ts_node_is_null(f.leak_at)) {
        report_leak(ctx, file, alloc, fn_name, var, f.leak_at, true, container);
    } else if (out & ST_LIVE) {
        TSNode end = ts_node_child(container, ts_node_child_count(container) - 1);
        if (!cg_node_is(container, "block")) end = container; /* a case clause ends with its last statement */
        report_leak(ctx, file, alloc, fn_name, var, end, false, container);
    }
}

/* C.f(C.CString(s)): a leak when C.f visibly does not take ownership. */
static void check_direct_argument(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                                  TSNode expr) {
    TSNode args = ts_node_parent(expr);
    TSNode call = ts_node_parent(args);
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return; /* a Go function: not followed */
    const char *callee = cg_node_text(file, cg_node_field(fn, "field"));
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

static void check_allocation(cg_check_ctx *ctx, const cg_ccall *call) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    TSNode expr = climb_conversions(pkg, file, call->call);
    TSNode parent = ts_node_parent(expr);
    if (cg_node_is(parent, "argument_list")) {
        check_direct_argument(ctx, file, call->call, call->name, expr);
        return;
    }
    if (cg_node_is(parent, "expression_statement")) {
        cg_diag *d = cg_check_report(ctx, file, call->call,
                                     "C.%s result is discarded: the C malloc memory it allocated "
                                     "can never be freed",
                                     call->name);
        cg_check_fix(ctx, d, "remove the call, or keep the pointer and C.free it");
        return;
    }
    if (!cg_node_is(parent, "expression_list")) return; /* returned, stored, composite literal, ... */
    TSNode stmt = ts_node_parent(parent);
    TSNode left;
    if (cg_node_is(stmt, "short_var_declaration") || cg_node_is(stmt, "assignment_statement")) {
        if (!ts_node_eq(cg_node_field(stmt, "right"), parent)) return;
        if (cg_node_is(stmt, "assignment_statement") &&
            !cg_node_text_eq(file, cg_node_field(stmt, "operator"), "="))
            return;
        left = cg_node_field(stmt, "left");
    } else if (cg_node_is(stmt, "var_spec")) {
        left = (TSNode){0};
        if (ts_node_named_child_count(parent) == 1) {
            left = cg_node_field(stmt, "name");
            if (!ts_node_eq(cg_node_field(stmt, "value"), parent)) return;
        }
        TSNode decl = ts_node_parent(stmt);
        if (ts_node_is_null(left) || !cg_node_is(decl, "var_declaration")) return;
        check_local(ctx, file, call->call, call->name, decl, left);
        return;
    } else {
        return;
    }
    uint32_t index = arg_index(parent, expr);
    if (ts_node_named_child_count(left) != ts_node_named_child_count(parent) || index == UINT32_MAX)
        return;
    TSNode ident = ts_node_named_child(left, index);
    if (!cg_node_is(ident, "identifier") || cg_node_text_eq(file, ident, "_")) return;
    check_local(ctx, file, call->call, call->name, stmt, ident);
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
