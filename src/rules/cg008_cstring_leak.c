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
 * A new value assigned to the variable while the allocation may still be
 * live (cs = C.CString(b) before C.free(cs)) loses it: reported at the
 * assignment. Unsupported control flow (goto, fallthrough) makes the rule
 * silent for that allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "../cfront/csummary.h"
#include "check.h"

enum {
    ST_LIVE = 1u << 0,    /* allocated, still owned here */
    ST_FREED = 1u << 1,   /* freed (or a free is deferred) */
    ST_ESCAPED = 1u << 2, /* returned, stored, captured or handed over */
};

enum { MAX_HELPER_DEPTH = 2, MAX_LABELS = 16 };

typedef enum use_kind { USE_BORROW, USE_FREE, USE_ESCAPE } use_kind;

typedef struct flow {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *var;
    int depth;            /* helper nesting */
    bool bail;            /* control flow we do not model: stay silent */
    TSNode leak_at;       /* first return reached while live */
    TSNode overwritten_at; /* first assignment of a new value while live */
    unsigned exit_states; /* states at every return */
    unsigned *brk, *cont; /* innermost loop/switch accumulators, or NULL */
    /* Labelled loops/switches around the statement being walked, for
     * `break L` / `continue L` (cont is NULL for a switch or select). */
    struct {
        TSNode label;
        unsigned *brk, *cont;
    } labels[MAX_LABELS];
    unsigned label_count;
    TSNode pending_label; /* the label of the statement about to be walked */
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

/* tree-sitter's ts_node_parent searches down from the root, so climbing
 * with it costs the size of the file at every step; the walks below carry
 * their ancestors instead. anc[0..len-1] are the ancestors of a node, the
 * last one its parent. */
enum { MAX_ANCESTRY = 256 };
typedef struct ancestry {
    TSNode n[MAX_ANCESTRY];
    uint32_t len;
} ancestry;

/* Fills a with the nodes from root down to node, node excluded. */
static bool ancestry_build(TSNode root, TSNode node, ancestry *a) {
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    TSTreeCursor c = ts_tree_cursor_new(root);
    bool found = false;
    a->len = 0;
    for (;;) {
        TSNode cur = ts_tree_cursor_current_node(&c);
        if (ts_node_eq(cur, node)) {
            found = true;
            break;
        }
        if (a->len == MAX_ANCESTRY) break;
        a->n[a->len++] = cur;
        if (ts_tree_cursor_goto_first_child_for_byte(&c, start) < 0) break;
        TSNode child = ts_tree_cursor_current_node(&c);
        while (ts_node_end_byte(child) < end || ts_node_start_byte(child) > start) {
            if (ts_node_start_byte(child) > start || !ts_tree_cursor_goto_next_sibling(&c)) goto done;
            child = ts_tree_cursor_current_node(&c);
        }
    }
done:
    ts_tree_cursor_delete(&c);
    return found;
}

/* Climbs from *node (whose parent is anc[i-1]) through parentheses and
 * conversions (unsafe.Pointer(x), T(x), (*T)(x), C.int(x)); returns the new
 * i, so that anc[i-1] is the parent of the new *node (0: no parent known). */
static uint32_t climb_conversions(cg_package *pkg, cg_gofile *file, const TSNode *anc, uint32_t i,
                                  TSNode *node) {
    while (i > 0) {
        TSNode parent = anc[i - 1], operand;
        if (cg_node_is(parent, "parenthesized_expression")) {
            *node = parent;
            i--;
            continue;
        }
        if ((cg_node_is(parent, "type_conversion_expression") || cg_node_is(parent, "call_expression")) &&
            cg_gopkg_conversion(pkg->go, file, parent, &operand) && ts_node_eq(operand, *node)) {
            *node = parent;
            i--;
            continue;
        }
        if (cg_node_is(parent, "argument_list") && ts_node_named_child_count(parent) == 1 && i >= 2) {
            TSNode call = anc[i - 2];
            TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
            if ((cg_gopkg_conversion(pkg->go, file, call, &operand) && ts_node_eq(operand, *node)) ||
                (cg_node_is_qualified(file, fn, "C", NULL) &&
                 cg_x_c_name_is_type(pkg, cg_node_text(file, cg_node_field(fn, "field"))))) {
                *node = call;
                i -= 2;
                continue;
            }
        }
        break;
    }
    return i;
}

static uint32_t arg_index(TSNode args, TSNode arg) {
    uint32_t n = ts_node_named_child_count(args);
    for (uint32_t i = 0; i < n; i++)
        if (ts_node_eq(ts_node_named_child(args, i), arg)) return i;
    return UINT32_MAX;
}

/* What passing the pointer as argument `index` of `call` does with it. */
static use_kind classify_call_arg(flow *f, TSNode call, uint32_t index) {
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (cg_node_is_qualified(f->file, fn, "C", NULL)) {
        const char *why;
        return c_param_use(f->pkg, cg_node_text(f->file, cg_node_field(fn, "field")), index, &why);
    }
    const cg_godecl *callee = cg_gopkg_callee(f->pkg->go, f->file, call);
    return callee ? helper_param_use(f, callee, index) : USE_ESCAPE;
}

/* What one occurrence of the tracked pointer does with it. */
static use_kind classify(flow *f, const TSNode *anc, uint32_t len, TSNode ident) {
    TSNode expr = ident;
    uint32_t i = climb_conversions(f->pkg, f->file, anc, len, &expr);
    if (i == 0) return USE_ESCAPE;
    TSNode parent = anc[i - 1];
    if (cg_node_is(parent, "argument_list") && i >= 2) {
        uint32_t index = arg_index(parent, expr);
        return index == UINT32_MAX ? USE_ESCAPE : classify_call_arg(f, anc[i - 2], index);
    }
    if (cg_node_is(parent, "binary_expression"))
        return USE_BORROW; /* a comparison (cs == nil) or arithmetic on a copy */
    if (cg_node_is(parent, "index_expression") && ts_node_eq(cg_node_field(parent, "operand"), expr))
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

static unsigned scan(flow *f, TSNode node, unsigned states);

static void scan_use(scan_walk *w, TSNode n, literal_mode mode) {
    const TSNode *anc = w->anc.n;
    uint32_t len = w->anc.len;
    if (cg_gopkg_binding(w->f->pkg->go, w->f->file, n) != w->f->var) return;
    /* `cs = other` on the left of an assignment: the old value is lost
     * unless it was freed or handed over before. The right-hand side runs
     * first (cs = wrap(cs) hands it over); after the assignment cs holds a
     * new value, which its own allocation site follows, so this path ends. */
    if (len >= 2 && cg_node_is(anc[len - 1], "expression_list") &&
        cg_node_is(anc[len - 2], "assignment_statement") &&
        ts_node_eq(cg_node_field(anc[len - 2], "left"), anc[len - 1])) {
        TSNode assign = anc[len - 2];
        if (!cg_node_text_eq(w->f->file, cg_node_field(assign, "operator"), "=")) {
            w->f->bail = true; /* cs += n: pointer arithmetic we do not model */
            return;
        }
        unsigned before = scan(w->f, cg_node_field(assign, "right"), w->states);
        if ((before & ST_LIVE) && ts_node_is_null(w->f->overwritten_at)) w->f->overwritten_at = assign;
        w->states = before ? ST_ESCAPED : 0;
        return;
    }
    use_kind use = classify(w->f, anc, len, n);
    /* A captured pointer escapes with the closure; only a deferred literal
     * that frees it (defer func() { C.free(...) }()) counts as a free. */
    if (mode == LIT_CAPTURED || (mode == LIT_DEFERRED && use != USE_FREE)) use = USE_ESCAPE;
    w->states = apply(w->states, use);
}

static void scan_rec(scan_walk *w, TSNode n, literal_mode mode) {
    if (w->f->bail) return;
    if (cg_node_is(n, "identifier")) {
        /* The name first: resolving every identifier costs. */
        if (cg_node_text_eq(w->f->file, n, w->f->var->name)) scan_use(w, n, mode);
        return;
    }
    if (cg_node_is(n, "func_literal") && mode == LIT_NONE) {
        uint32_t len = w->anc.len;
        bool deferred = len >= 2 && cg_node_is(w->anc.n[len - 1], "call_expression") &&
                        ts_node_eq(cg_node_field(w->anc.n[len - 1], "function"), n) &&
                        cg_node_is(w->anc.n[len - 2], "defer_statement");
        mode = deferred ? LIT_DEFERRED : LIT_CAPTURED;
    } else if (cg_node_is(n, "func_literal")) {
        mode = LIT_CAPTURED;
    }
    if (w->anc.len == MAX_ANCESTRY) {
        w->f->bail = true; /* absurdly deep: stay silent */
        return;
    }
    w->anc.n[w->anc.len++] = n;
    uint32_t count = ts_node_named_child_count(n);
    TSTreeCursor c = ts_tree_cursor_new(n);
    if (count && ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode child = ts_tree_cursor_current_node(&c);
            if (ts_node_is_named(child)) scan_rec(w, child, mode);
        } while (!w->f->bail && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    w->anc.len--;
}

/* Applies every use inside node (an expression or simple statement). */
static unsigned scan(flow *f, TSNode node, unsigned states) {
    if (ts_node_is_null(node) || !states) return states;
    scan_walk *w = cg_xcalloc(1, sizeof *w); /* the ancestry is large for the stack */
    w->f = f;
    w->states = states;
    scan_rec(w, node, LIT_NONE);
    unsigned out = w->states;
    free(w);
    return out;
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

/* Registers the pending label (if any) for the loop or switch being walked. */
static bool push_label(flow *f, unsigned *brk, unsigned *cont) {
    TSNode label = f->pending_label;
    f->pending_label = (TSNode){0};
    if (ts_node_is_null(label)) return false;
    if (f->label_count == MAX_LABELS) {
        f->bail = true;
        return false;
    }
    f->labels[f->label_count].label = label;
    f->labels[f->label_count].brk = brk;
    f->labels[f->label_count].cont = cont;
    f->label_count++;
    return true;
}

/* The accumulator a `break L` / `continue L` adds to, or NULL. */
static unsigned *label_target(flow *f, TSNode label, bool is_break) {
    for (unsigned i = f->label_count; i-- > 0;)
        if (strcmp(cg_node_text(f->file, f->labels[i].label), cg_node_text(f->file, label)) == 0)
            return is_break ? f->labels[i].brk : f->labels[i].cont;
    return NULL;
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
    bool labelled = push_label(f, &brk, &cont);
    unsigned out = flow_stmt(f, body, in);
    if (labelled) f->label_count--;
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
    bool labelled = push_label(f, &brk, NULL);
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
    if (labelled) f->label_count--;
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
        /* The label matters to `break L`/`continue L` inside the loop or
         * switch it names (goto bails below). */
        TSNode label = cg_node_field(s, "label");
        for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
            TSNode c = ts_node_named_child(s, i);
            if (ts_node_eq(c, label)) continue;
            if (cg_node_is(c, "for_statement") || cg_node_is(c, "expression_switch_statement") ||
                cg_node_is(c, "type_switch_statement") || cg_node_is(c, "select_statement"))
                f->pending_label = label;
            unsigned out = flow_stmt(f, c, in);
            f->pending_label = (TSNode){0};
            return out;
        }
        return in;
    }
    if (strcmp(kind, "break_statement") == 0 || strcmp(kind, "continue_statement") == 0) {
        bool is_break = kind[0] == 'b';
        TSNode label = ts_node_named_child(s, 0);
        unsigned *target = ts_node_is_null(label) ? (is_break ? f->brk : f->cont)
                                                  : label_target(f, label, is_break);
        if (!target) f->bail = true;
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

typedef enum leak_site { LEAK_AT_RETURN, LEAK_AT_BLOCK_END, LEAK_AT_OVERWRITE } leak_site;

static cg_diag *report_leak(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                        const char *var, TSNode where, leak_site site, TSNode container_parent) {
    cg_arena *arena = &ctx->pkg->arena;
    const char *state = site == LEAK_AT_RETURN      ? "it is still live at the return"
                        : site == LEAK_AT_BLOCK_END ? "it is still live when its block ends"
                                                    : cg_arena_printf(arena, "%s is assigned a new value while it is still live", var);
    cg_diag *d = cg_check_report(
        ctx, file, alloc,
        "C.%s result %s is not freed on every path (%s at line %u): its memory comes from C "
        "malloc and the Go garbage collector never frees it",
        fn_name, var, state, cg_node_line(where));
    if (site == LEAK_AT_RETURN) {
        cg_check_note(ctx, d, cg_check_loc(file, where), "returns here without freeing %s", var);
    } else if (site == LEAK_AT_OVERWRITE) {
        cg_check_note(ctx, d, cg_check_loc(file, where), "the only reference to the allocation is overwritten here");
        cg_check_fix(ctx, d, "free %s before assigning it again (or keep the new value in another variable)", var);
        return d;
    } else {
        const char *what;
        if (cg_node_is(container_parent, "for_statement"))
            what = cg_arena_printf(arena, "the loop body ends here: every iteration leaks %s", var);
        else if (cg_node_is(container_parent, "function_declaration") ||
                 cg_node_is(container_parent, "method_declaration") ||
                 cg_node_is(container_parent, "func_literal"))
            what = cg_arena_printf(arena, "the function ends here with %s unfreed", var);
        else
            what = cg_arena_printf(arena, "%s goes out of scope here unfreed", var);
        cg_check_note(ctx, d, cg_check_loc(file, where), "%s", what);
    }
    cg_check_fix(ctx, d,
                 "free it on every path: put `defer C.free(unsafe.Pointer(%s))` right after the "
                 "allocation (or free it before each return)",
                 var);
    return d;
}

/* ---- The machine-applicable fix: defer C.free right after the allocation ---- */

/* Is this use of the variable only an argument of a C call other than
 * C.free (through parentheses and conversions)? Such a call borrows the
 * memory (the flow above decided it does not free or keep it), so a free
 * at the return changes nothing it sees. */
static bool borrowed_by_c_call(cg_package *pkg, cg_gofile *file, TSNode use) {
    TSNode node = use, operand;
    for (;;) {
        TSNode parent = ts_node_parent(node);
        if (cg_node_is(parent, "parenthesized_expression")) {
            node = parent;
            continue;
        }
        if (!cg_node_is(parent, "argument_list")) return false;
        TSNode call = ts_node_parent(parent);
        if (cg_gopkg_conversion(pkg->go, file, call, &operand) && ts_node_eq(operand, node)) {
            node = call;
            continue;
        }
        TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
        return cg_node_is_qualified(file, fn, "C", NULL) && !cg_node_text_eq(file, cg_node_field(fn, "field"), "free");
    }
}

typedef struct uses_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *var;
    bool all_borrowed;
} uses_walk;

static cg_walk_action visit_any_use(TSNode n, void *arg) {
    uses_walk *w = arg;
    if (cg_node_is(n, "identifier") && cg_gopkg_binding(w->pkg->go, w->file, n) == w->var) {
        w->all_borrowed = false;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static cg_walk_action visit_use(TSNode n, void *arg) {
    uses_walk *w = arg;
    /* A closure or a goroutine may run after the return, when the deferred
     * free has run: any use there rules the fix out. */
    if (cg_node_is(n, "func_literal") || cg_node_is(n, "go_statement")) {
        uses_walk inner = {w->pkg, w->file, w->var, true};
        cg_walk(n, visit_any_use, &inner);
        if (!inner.all_borrowed) {
            w->all_borrowed = false;
            return CG_WALK_STOP;
        }
        return CG_WALK_SKIP_CHILDREN;
    }
    if (!cg_node_is(n, "identifier") || ts_node_eq(n, w->var->ident)) return CG_WALK_CONTINUE;
    if (cg_gopkg_binding(w->pkg->go, w->file, n) != w->var) return CG_WALK_CONTINUE;
    if (!borrowed_by_c_call(w->pkg, w->file, n)) {
        w->all_borrowed = false;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

/* `defer C.free(unsafe.Pointer(cs))` on the line after the declaration, when
 * that is certainly right: declared in the function's own body (not in a
 * loop, where the frees would pile up until the return), never freed,
 * returned, stored or handed to Go code anywhere (a defer would then free
 * twice or too early), and C.free is declared (<stdlib.h>). */
static void offer_defer_free(cg_check_ctx *ctx, cg_diag *d, cg_gofile *file, TSNode stmt, TSNode container,
                             TSNode container_parent, cg_gobinding *var, const char *fn_name) {
    if (!cg_node_is(stmt, "short_var_declaration") && !cg_node_is(stmt, "var_declaration")) return;
    if (!cg_node_is(container, "block") ||
        !(cg_node_is(container_parent, "function_declaration") || cg_node_is(container_parent, "method_declaration") ||
          cg_node_is(container_parent, "func_literal")))
        return;
    if (!cg_cmodel_func(ctx->pkg->c, "free") || !cg_check_owns_line(file, stmt)) return;
    uses_walk w = {ctx->pkg, file, var, true};
    cg_walk(container, visit_use, &w);
    if (!w.all_borrowed) return;
    const char *pointer = var->name;
    if (strcmp(fn_name, "CString") == 0) {
        const char *unsafe_name = cg_check_need_import(ctx, d, file, "unsafe");
        if (!unsafe_name) return;
        pointer = cg_arena_printf(&ctx->pkg->arena, "%s.Pointer(%s)", unsafe_name, var->name);
    }
    uint32_t at = cg_check_line_end(file, ts_node_end_byte(stmt));
    const char *line = cg_arena_printf(&ctx->pkg->arena, "%s%sdefer C.free(%s)\n", at == file->source_len ? "\n" : "",
                                       cg_check_indent(ctx, file, ts_node_start_byte(stmt)), pointer);
    if (!cg_check_edit(ctx, d, file, at, at, line)) {
        cg_check_drop_edits(d);
        return;
    }
    cg_check_fix_title(ctx, d, "free %s when the function returns: defer C.free(%s)", var->name, pointer);
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

/* The block (or case clause) whose statement declares the identifier. */
static TSNode declaring_container(cg_gofile *file, TSNode ident) {
    ancestry *a = cg_xcalloc(1, sizeof *a);
    TSNode container = {0};
    if (ancestry_build(file->root, ident, a))
        for (uint32_t i = a->len; i-- > 0 && ts_node_is_null(container);)
            if (is_container(a->n[i])) container = a->n[i];
    free(a);
    return container;
}

/* cs := C.CString(s), var cs = C.CString(s), cs = C.CString(s): follow cs.
 * stmt is the statement in `container` (whose parent is container_parent). */
static void check_local(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                        TSNode stmt, TSNode container, TSNode container_parent, TSNode ident) {
    cg_package *pkg = ctx->pkg;
    /* `if cs := C.CString(s); cond {...} else {...}`: the if statement is the
     * scope. Other initializers (for, switch) are not modelled. */
    bool if_init = cg_node_is(container, "if_statement") &&
                   ts_node_eq(cg_node_field(container, "initializer"), stmt);
    if (!is_container(container) && !if_init) return;
    cg_gobinding *b = binding_of(pkg, file, ident);
    if (!b) return; /* a package variable: stored */
    /* A plain assignment: only when the variable lives in this block. */
    if (!cg_node_is(stmt, "short_var_declaration") && !cg_node_is(stmt, "var_declaration") &&
        !ts_node_eq(declaring_container(file, b->ident), container))
        return;
    flow f = {.pkg = pkg, .file = file, .var = b};
    unsigned out;
    if (if_init) {
        unsigned in = scan(&f, cg_node_field(container, "condition"), ST_LIVE);
        TSNode alt = cg_node_field(container, "alternative");
        out = flow_stmt(&f, cg_node_field(container, "consequence"), in) |
              (ts_node_is_null(alt) ? in : flow_stmt(&f, alt, in));
    } else {
        out = flow_from(&f, container, child_index(container, stmt) + 1, ST_LIVE);
    }
    if (f.bail) return;
    const char *var = cg_node_text(file, ident);
    if (!ts_node_is_null(f.overwritten_at)) {
        report_leak(ctx, file, alloc, fn_name, var, f.overwritten_at, LEAK_AT_OVERWRITE, container_parent);
    } else if (!ts_node_is_null(f.leak_at)) {
        offer_defer_free(ctx, report_leak(ctx, file, alloc, fn_name, var, f.leak_at, LEAK_AT_RETURN, container_parent),
                         file, stmt, container, container_parent, b, fn_name);
    } else if (out & ST_LIVE) {
        /* The closing brace of the block (or of the if statement's last block);
         * a case clause has none, so point at the clause. */
        TSNode end = container;
        if (cg_node_is(container, "block") || if_init)
            while (ts_node_child_count(end)) end = ts_node_child(end, ts_node_child_count(end) - 1);
        cg_diag *d = report_leak(ctx, file, alloc, fn_name, var, end, LEAK_AT_BLOCK_END,
                                 if_init ? container : container_parent);
        if (!if_init) offer_defer_free(ctx, d, file, stmt, container, container_parent, b, fn_name);
    }
}

/* C.f(C.CString(s)): a leak when C.f visibly does not take ownership. */
static void check_direct_argument(cg_check_ctx *ctx, cg_gofile *file, TSNode alloc, const char *fn_name,
                                  TSNode expr, TSNode args, TSNode call) {
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

/* The node at a->n[i - back], or a null node. */
static TSNode up(const ancestry *a, uint32_t i, uint32_t back) {
    return i >= back ? a->n[i - back] : (TSNode){0};
}

static void check_site(cg_check_ctx *ctx, const cg_ccall *call, const ancestry *a) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    TSNode expr = call->call;
    uint32_t i = climb_conversions(pkg, file, a->n, a->len, &expr);
    TSNode parent = up(a, i, 1), stmt = up(a, i, 2);
    if (cg_node_is(parent, "argument_list")) {
        check_direct_argument(ctx, file, call->call, call->name, expr, parent, stmt);
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
    if (cg_node_is(stmt, "var_spec")) {
        /* var cs = C.CString(s) */
        TSNode decl = up(a, i, 3);
        if (ts_node_named_child_count(parent) != 1 || !ts_node_eq(cg_node_field(stmt, "value"), parent) ||
            !cg_node_is(decl, "var_declaration"))
            return;
        check_local(ctx, file, call->call, call->name, decl, up(a, i, 4), up(a, i, 5),
                    cg_node_field(stmt, "name"));
        return;
    }
    if (!cg_node_is(stmt, "short_var_declaration") && !cg_node_is(stmt, "assignment_statement")) return;
    if (!ts_node_eq(cg_node_field(stmt, "right"), parent)) return;
    if (cg_node_is(stmt, "assignment_statement") && !cg_node_text_eq(file, cg_node_field(stmt, "operator"), "="))
        return;
    TSNode left = cg_node_field(stmt, "left");
    uint32_t index = arg_index(parent, expr);
    if (ts_node_named_child_count(left) != ts_node_named_child_count(parent) || index == UINT32_MAX)
        return;
    TSNode ident = ts_node_named_child(left, index);
    if (!cg_node_is(ident, "identifier") || cg_node_text_eq(file, ident, "_")) return;
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
