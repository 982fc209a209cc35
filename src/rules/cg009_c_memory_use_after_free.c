/*
 * CG009 c-memory-use-after-free: Go keeps a view of C memory (a slice made
 * with unsafe.Slice or by slicing a (*[N]T) conversion, a string made with
 * unsafe.String, an array pointer) and uses, returns or stores it after the
 * memory was freed: by C.free(p), or by a C function whose summary
 * (csummary.h) frees that parameter.
 *
 * A view shares the C bytes; it is not a copy (C.GoBytes, C.GoString,
 * string(b), copy(...) are, and stay silent). For a plain C.free the
 * statements that may run after it are followed with flow.h (a use on some
 * path is reported, a reassignment of the view ends that path). For
 * `defer C.free(p)` the memory dies when the function returns, so what is
 * wrong is to let the view outlive the function: returning it (or a value
 * built from it), storing it in a named result, a package variable, a
 * field reached through a parameter, sending it on a channel or using it in
 * a goroutine; and deferred calls registered before the free (they run
 * after it). len/cap of a view do not touch the memory.
 */
#include <string.h>

#include "../cfront/csummary.h"
#include "../model/finalizer.h"
#include "../model/flow.h"
#include "check.h"
#include "cside.h"

enum { MAX_GROUP = 8, MAX_VIEWS = 16 };

typedef struct uaf {
    cg_check_ctx *ctx;
    cg_package *pkg;
    cg_gofile *file;
    TSNode free_call; /* C.free(p) or C.f(p) whose summary frees p */
    TSNode freed_arg;
    const char *cname;
    const cg_cparam_summary *ps; /* NULL for C.free */
    bool deferred;
    TSNode defer_stmt; /* the defer statement when deferred */
    /* Locals that hold the freed pointer (p, unsafe.Pointer(p) copies). */
    cg_gobinding *group[MAX_GROUP];
    size_t group_len;
    /* The freed pointer as written when it is a field (buf.data), else NULL. */
    const char *freed_path;
    /* Locals that hold a view of it, with the expression that made each. */
    cg_gobinding *views[MAX_VIEWS];
    TSNode view_src[MAX_VIEWS];
    size_t view_len;
    /* The walk in progress: which view (NULL: the pointer group itself). */
    cg_gobinding *tracked;
    TSNode found; /* the use that was reported */
} uaf;

/* Binding lookups copy the name and search the function's locals, so every
 * identifier is first compared by name with the few locals tracked here. */
static bool named_in_group(const uaf *u, TSNode id) {
    for (size_t i = 0; i < u->group_len; i++)
        if (cg_node_text_eq(u->file, id, u->group[i]->name)) return true;
    return false;
}

static bool in_group(const uaf *u, cg_gobinding *b) {
    for (size_t i = 0; b && i < u->group_len; i++)
        if (u->group[i] == b) return true;
    return false;
}

static cg_gobinding *binding_of(const uaf *u, TSNode expr);

/* Does the text of node name the freed pointer (or, with views, a view)?
 * A filter before the costlier structural questions. */
static bool names_tracked(const uaf *u, TSNode node, bool views) {
    uint32_t from = ts_node_start_byte(node), to = ts_node_end_byte(node);
    for (size_t i = 0; i < u->group_len; i++)
        if (cg_flow_mentions(u->file, from, to, u->group[i]->name)) return true;
    for (size_t i = 0; views && i < u->view_len; i++)
        if (cg_flow_mentions(u->file, from, to, u->views[i]->name)) return true;
    return u->freed_path && cg_flow_mentions(u->file, from, to, u->freed_path);
}

/* Is expr (through conversions) the freed pointer? */
static bool is_freed_ptr(const uaf *u, TSNode expr) {
    if (!names_tracked(u, expr, false)) return false;
    TSNode e = cg_x_strip_conversions(u->pkg, u->file, expr);
    if (cg_node_is(e, "identifier"))
        return named_in_group(u, e) && in_group(u, cg_gopkg_binding(u->pkg->go, u->file, e));
    return u->freed_path && cg_node_is(e, "selector_expression") && cg_node_text_eq(u->file, e, u->freed_path);
}

static cg_gobinding *binding_of(const uaf *u, TSNode expr) {
    TSNode id = cg_x_strip_conversions(u->pkg, u->file, expr);
    return cg_node_is(id, "identifier") ? cg_gopkg_binding(u->pkg->go, u->file, id) : NULL;
}

static bool is_view(const uaf *u, cg_gobinding *b) {
    for (size_t i = 0; b && i < u->view_len; i++)
        if (u->views[i] == b) return true;
    return false;
}

static bool named_view(const uaf *u, TSNode id) {
    for (size_t i = 0; i < u->view_len; i++)
        if (cg_node_text_eq(u->file, id, u->views[i]->name)) return true;
    return false;
}

static bool is_unsafe_call(const uaf *u, TSNode call, const char *name) {
    if (!cg_node_is(call, "call_expression") || !u->file->unsafe_name) return false;
    return cg_node_is_qualified(u->file, cg_node_unparen(cg_node_field(call, "function")), u->file->unsafe_name,
                                name);
}

/* Does expr make a view of the freed memory: unsafe.Slice(p', n),
 * unsafe.String(p', n), (*[N]T)(p'), (*[N]T)(p')[:n], where p' is the freed
 * pointer through conversions; or re-slice an existing view? Copies
 * (C.GoBytes, string(v)) are not views. */
static bool makes_view(const uaf *u, TSNode expr) {
    if (!names_tracked(u, expr, true)) return false;
    TSNode e = cg_node_unparen(expr);
    if (is_unsafe_call(u, e, "Slice") || is_unsafe_call(u, e, "String")) {
        TSNode args = cg_node_field(e, "arguments");
        return ts_node_named_child_count(args) == 2 && is_freed_ptr(u, ts_node_named_child(args, 0));
    }
    if (cg_node_is(e, "slice_expression")) {
        TSNode op = cg_node_unparen(cg_node_field(e, "operand"));
        if (cg_node_is(op, "identifier"))
            return named_view(u, op) && is_view(u, cg_gopkg_binding(u->pkg->go, u->file, op));
        return makes_view(u, op);
    }
    TSNode operand;
    cg_gotype *to = cg_gopkg_conversion(u->pkg->go, u->file, e, &operand);
    if (to) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, to);
        if (t && t->kind == CG_GT_POINTER) {
            cg_gotype *elem = cg_gotype_underlying(u->pkg->go, t->elem);
            if (elem && elem->kind == CG_GT_ARRAY) return is_freed_ptr(u, operand);
        }
    }
    return false;
}

/* ---- the freed pointer's locals and the views of it ---- */

static void add_group(uaf *u, cg_gobinding *b) {
    if (b && !in_group(u, b) && u->group_len < MAX_GROUP) u->group[u->group_len++] = b;
}

static void collect(uaf *u, cg_gofunc *fn) {
    add_group(u, binding_of(u, u->freed_arg));
    TSNode stripped = cg_x_strip_conversions(u->pkg, u->file, u->freed_arg);
    /* A field path is matched by its text; its root must not change. */
    if (!u->group_len && cg_node_is(stripped, "selector_expression")) {
        TSNode root = cg_lvalue_root(stripped);
        cg_gobinding *rb = cg_node_is(root, "identifier") ? cg_gopkg_binding(u->pkg->go, u->file, root) : NULL;
        if (!rb || rb->assigned.len) return;
        u->freed_path = cg_node_text(u->file, stripped);
    }
    if (!u->group_len && !u->freed_path) return;
    /* Copies of the pointer in either direction: q := unsafe.Pointer(p). */
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < fn->bindings.len; i++) {
            cg_gobinding *b = fn->bindings.items[i];
            TSNode v = cg_binding_single_value(b);
            if (ts_node_is_null(v)) continue;
            if (is_freed_ptr(u, v)) add_group(u, b);
            if (in_group(u, b)) add_group(u, binding_of(u, v)); /* few: the group's own values */
        }
    }
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < fn->bindings.len; i++) {
            cg_gobinding *b = fn->bindings.items[i];
            if (is_view(u, b) || u->view_len >= MAX_VIEWS) continue;
            TSNode src = {0};
            if (!ts_node_is_null(b->value) && b->value_index == 0 && makes_view(u, b->value)) src = b->value;
            for (size_t j = 0; ts_node_is_null(src) && j < b->assigned.len; j++)
                if (makes_view(u, b->assigned.items[j])) src = b->assigned.items[j];
            if (ts_node_is_null(src)) continue;
            u->views[u->view_len] = b;
            u->view_src[u->view_len++] = src;
        }
    }
}

/* ---- uses ---- */

static bool refers_node(uaf *u, TSNode n) {
    if (u->tracked)
        return cg_node_is(n, "identifier") && cg_node_text_eq(u->file, n, u->tracked->name) &&
               cg_gopkg_binding(u->pkg->go, u->file, n) == u->tracked;
    return (cg_node_is(n, "call_expression") || cg_node_is(n, "slice_expression")) && makes_view(u, n);
}

static cg_walk_action visit_use(TSNode n, void *arg) {
    uaf *u = arg;
    if (cg_node_is(n, "call_expression")) {
        TSNode fn = cg_node_field(n, "function");
        /* len and cap read the slice header, not the freed bytes. */
        if (cg_node_is(fn, "identifier") && (cg_node_text_eq(u->file, fn, "len") || cg_node_text_eq(u->file, fn, "cap")))
            return CG_WALK_SKIP_CHILDREN;
    }
    if (refers_node(u, n)) {
        u->found = n;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static bool find_use(uaf *u, TSNode n) {
    u->found = (TSNode){0};
    return !cg_walk(n, visit_use, u);
}

/* A whole left-hand identifier naming the tracked local (or a group member
 * when tracking the pointer): the old value is gone on this path. */
static bool kills(uaf *u, TSNode stmt) {
    if (!cg_node_is(stmt, "assignment_statement") && !cg_node_is(stmt, "short_var_declaration")) return false;
    if (cg_node_is(stmt, "assignment_statement") && !cg_node_text_eq(u->file, cg_node_field(stmt, "operator"), "="))
        return false;
    TSNode left = cg_node_field(stmt, "left");
    uint32_t n = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < n; i++) {
        TSNode id = ts_node_named_child(left, i);
        if (!cg_node_is(id, "identifier")) continue;
        if (u->tracked ? !cg_node_text_eq(u->file, id, u->tracked->name) : !named_in_group(u, id)) continue;
        cg_gobinding *b = cg_flow_binding(u->pkg->go, u->file, id);
        if (u->tracked ? b == u->tracked : in_group(u, b)) return true;
    }
    return false;
}

static const char *view_name(uaf *u) {
    return u->tracked ? cg_arena_printf(&u->pkg->arena, "'%s'", u->tracked->name) : "a Go view";
}

static const char *free_text(uaf *u) {
    if (!u->ps) return u->deferred ? "defer C.free" : "C.free";
    return cg_arena_printf(&u->pkg->arena, "C.%s", u->cname);
}

static void add_trace(uaf *u, cg_diag *d) {
    cg_check_ctx *ctx = u->ctx;
    for (size_t i = 0; i < u->view_len; i++)
        if (u->views[i] == u->tracked)
            cg_check_note(ctx, d, cg_check_loc(u->file, u->view_src[i]),
                          "'%s' is made here; it shares the C bytes (not a copy)", u->tracked->name);
    cg_check_note(ctx, d, cg_check_loc(u->file, u->free_call), "the C memory is freed here%s",
                  u->deferred ? " (when the function returns)" : "");
    /* The C side: each call down to the line that frees. */
    if (u->ps && u->ps->freed.len) cg_cside_note_trace(ctx, d, &u->ps->freed, NULL, 4);
    cg_check_fix(ctx, d,
                 "copy the data into Go memory before the C memory is freed (C.GoBytes, C.GoStringN, or "
                 "copy into a make'd slice), or free it only after the last use of the view");
}

static void report_use(uaf *u, TSNode stmt, TSNode at) {
    const char *what = cg_node_is(stmt, "defer_statement") ? "used by a deferred call that runs after it"
                                                            : "used afterwards on some path";
    cg_diag *d;
    if (u->tracked)
        d = cg_check_report(u->ctx, u->file, at,
                            "%s is a view of C memory that %s(%s) freed, and it is %s: "
                            "this reads or writes freed C memory (heap use-after-free)",
                            view_name(u), free_text(u), cg_node_text(u->file, u->freed_arg), what);
    else
        d = cg_check_report(u->ctx, u->file, at,
                            "a Go view of C memory is made after %s(%s) freed it: every access through it "
                            "reads or writes freed C memory (heap use-after-free)",
                            free_text(u), cg_node_text(u->file, u->freed_arg));
    add_trace(u, d);
}

static cg_flow_action visit_after_free(TSNode stmt, void *arg) {
    uaf *u = arg;
    TSNode scan = stmt;
    if (cg_node_is(stmt, "assignment_statement") || cg_node_is(stmt, "short_var_declaration"))
        scan = cg_node_field(stmt, "right");
    if (find_use(u, scan)) {
        report_use(u, stmt, u->found);
        return CG_FLOW_STOP;
    }
    return kills(u, stmt) ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

/* Deferred calls registered before a plain C.free run after it. */
static void check_earlier_defers(uaf *u) {
    const cg_nodevec *defers = &u->ctx->facts->defers;
    TSNode fn_node = cg_gopkg_func_at(u->pkg->go, u->file, u->free_call)->node;
    for (size_t i = 0; i < defers->len; i++) {
        const cg_noderef *r = &defers->items[i];
        if (r->file != u->file || ts_node_start_byte(r->node) >= ts_node_start_byte(u->free_call) ||
            ts_node_start_byte(r->node) < ts_node_start_byte(fn_node) ||
            ts_node_end_byte(r->node) > ts_node_end_byte(fn_node))
            continue;
        if (find_use(u, r->node)) {
            report_use(u, r->node, u->found);
            return;
        }
    }
}

/* ---- defer C.free: what outlives the function ---- */

static bool carries(uaf *u, TSNode e) {
    e = cg_node_unparen(e);
    if (ts_node_is_null(e)) return false;
    if (!u->tracked && makes_view(u, e)) return true;
    if (cg_node_is(e, "identifier"))
        return u->tracked && cg_node_text_eq(u->file, e, u->tracked->name) &&
               cg_gopkg_binding(u->pkg->go, u->file, e) == u->tracked;
    if (cg_node_is(e, "slice_expression") || cg_node_is(e, "index_expression") || cg_node_is(e, "selector_expression"))
        return carries(u, cg_node_field(e, "operand"));
    if (cg_node_is(e, "unary_expression") && cg_node_text_eq(u->file, cg_node_field(e, "operator"), "&"))
        return carries(u, cg_node_field(e, "operand"));
    if (cg_node_is(e, "composite_literal")) {
        TSNode body = cg_node_field(e, "body");
        uint32_t n = ts_node_named_child_count(body);
        for (uint32_t i = 0; i < n; i++) {
            TSNode el = ts_node_named_child(body, i);
            if (cg_node_is(el, "keyed_element")) el = ts_node_named_child(el, ts_node_named_child_count(el) - 1);
            if (cg_node_is(el, "literal_element")) el = ts_node_named_child(el, 0);
            if (carries(u, el)) return true;
        }
        return false;
    }
    if (is_unsafe_call(u, e, "Slice") || is_unsafe_call(u, e, "String"))
        return carries(u, ts_node_named_child(cg_node_field(e, "arguments"), 0));
    TSNode operand;
    cg_gotype *to = cg_gopkg_conversion(u->pkg->go, u->file, e, &operand);
    if (to) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, to);
        /* string(b) and []byte(s) copy; other conversions keep the pointer. */
        if (!t || t->kind == CG_GT_STRING || t->kind == CG_GT_SLICE) return false;
        return carries(u, operand);
    }
    return false; /* other calls: unknown whether they copy */
}

/* Where an assignment's target outlives the function: a named result, a
 * package variable, or memory reached through a parameter or receiver. */
static const char *outliving_target(uaf *u, TSNode target) {
    TSNode root = cg_lvalue_root(target);
    if (!cg_node_is(root, "identifier")) return NULL;
    cg_gobinding *b = cg_gopkg_binding(u->pkg->go, u->file, root);
    bool whole = ts_node_eq(cg_node_unparen(target), root);
    if (!b) {
        const cg_godecl *d = cg_gopkg_decl(u->pkg->go, cg_node_text(u->file, root));
        return d && d->kind == CG_GODECL_VAR ? "a package-level variable" : NULL;
    }
    if (whole) return b->kind == CG_BIND_RESULT ? "the named result" : NULL;
    if (b->kind == CG_BIND_PARAM || b->kind == CG_BIND_RECEIVER) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, b->type ? b->type : cg_gopkg_type_of_expr(u->pkg->go, u->file, root));
        if (t && (t->kind == CG_GT_POINTER || t->kind == CG_GT_SLICE || t->kind == CG_GT_MAP))
            return b->kind == CG_BIND_RECEIVER ? "the receiver" : "memory the caller passed in";
    }
    return NULL;
}

typedef struct escape_walk {
    uaf *u;
    TSNode func;
    bool done;
} escape_walk;

static void report_escape(uaf *u, TSNode at, const char *how) {
    cg_diag *d = cg_check_report(
        u->ctx, u->file, at,
        "%s, a view of C memory that %s(%s) frees when the function returns, %s: it is used after the "
        "memory is freed (heap use-after-free)",
        u->tracked ? view_name(u) : "this slice or string", free_text(u),
        cg_node_text(u->file, u->freed_arg), how);
    add_trace(u, d);
}

static cg_walk_action visit_escape(TSNode n, void *arg) {
    escape_walk *w = arg;
    uaf *u = w->u;
    if (w->done) return CG_WALK_STOP;
    if (cg_node_is(n, "func_literal")) return CG_WALK_SKIP_CHILDREN;
    if (ts_node_start_byte(n) < ts_node_end_byte(u->defer_stmt) && ts_node_end_byte(n) <= ts_node_end_byte(u->defer_stmt))
        return cg_node_is(n, "defer_statement") ? CG_WALK_SKIP_CHILDREN : CG_WALK_CONTINUE;
    if (cg_node_is(n, "return_statement")) {
        uint32_t c = ts_node_named_child_count(n);
        TSNode list = c ? ts_node_named_child(n, 0) : (TSNode){0};
        uint32_t k = ts_node_is_null(list) ? 0 : ts_node_named_child_count(list);
        for (uint32_t i = 0; i < k; i++)
            if (carries(u, ts_node_named_child(list, i))) {
                report_escape(u, ts_node_named_child(list, i), "is returned to the caller");
                w->done = true;
                return CG_WALK_STOP;
            }
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_node_is(n, "assignment_statement")) {
        TSNode left = cg_node_field(n, "left"), right = cg_node_field(n, "right");
        uint32_t k = ts_node_named_child_count(left);
        if (k != ts_node_named_child_count(right)) return CG_WALK_SKIP_CHILDREN;
        for (uint32_t i = 0; i < k; i++) {
            const char *where;
            if (carries(u, ts_node_named_child(right, i)) &&
                (where = outliving_target(u, ts_node_named_child(left, i))) != NULL) {
                report_escape(u, ts_node_named_child(right, i),
                              cg_arena_printf(&u->pkg->arena, "is stored in %s", where));
                w->done = true;
                return CG_WALK_STOP;
            }
        }
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_node_is(n, "send_statement") && carries(u, cg_node_field(n, "value"))) {
        report_escape(u, cg_node_field(n, "value"), "is sent on a channel");
        w->done = true;
        return CG_WALK_STOP;
    }
    if (cg_node_is(n, "go_statement") && find_use(u, n)) {
        report_escape(u, u->found, "is used by a goroutine that may run after the function returned");
        w->done = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

/* ---- driver ---- */

static TSNode defer_of(TSNode n) {
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
        if (cg_node_is(p, "defer_statement")) return p;
        if (cg_node_is(p, "function_declaration") || cg_node_is(p, "method_declaration")) break;
    }
    return (TSNode){0};
}

static TSNode innermost_func(TSNode n) {
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p))
        if (cg_node_is(p, "function_declaration") || cg_node_is(p, "method_declaration") || cg_node_is(p, "func_literal"))
            return p;
    return (TSNode){0};
}

static void check_free(uaf *u) {
    cg_gofunc *fn = cg_gopkg_func_at(u->pkg->go, u->file, u->free_call);
    if (!fn) return;
    collect(u, fn);
    if (!u->group_len && !u->freed_path) return;
    u->defer_stmt = defer_of(u->free_call);
    u->deferred = !ts_node_is_null(u->defer_stmt);
    size_t rounds = u->view_len + 1;
    TSNode anchor = u->deferred ? u->defer_stmt : cg_flow_statement(u->free_call);
    if (ts_node_is_null(anchor)) return;
    uint32_t from = cg_flow_after_start(anchor), to = ts_node_end_byte(fn->node);
    for (size_t i = 0; i < rounds; i++) {
        u->tracked = i < u->view_len ? u->views[i] : NULL;
        /* Nothing after the free names the view (or the pointer): no walk. */
        bool named = false;
        if (u->tracked) named = cg_flow_mentions(u->file, from, to, u->tracked->name);
        for (size_t g = 0; !u->tracked && !named && g < u->group_len; g++)
            named = cg_flow_mentions(u->file, from, to, u->group[g]->name);
        if (!u->tracked && u->freed_path) named = true;
        if (!named) {
            /* Deferred calls registered before a plain free still run after it. */
            if (!u->deferred && u->tracked && ts_node_eq(innermost_func(u->free_call), fn->node))
                check_earlier_defers(u);
            continue;
        }
        if (u->deferred) {
            TSNode func = innermost_func(u->defer_stmt);
            escape_walk w = {u, func, false};
            cg_walk(cg_node_field(func, "body"), visit_escape, &w);
            continue;
        }
        /* A free inside a func literal runs whenever the literal is called. */
        if (!ts_node_eq(innermost_func(u->free_call), fn->node)) continue;
        TSNode stmt = cg_flow_statement(u->free_call);
        if (ts_node_is_null(stmt)) continue;
        if (cg_flow_after(u->file, stmt, visit_after_free, u) && u->tracked) check_earlier_defers(u);
    }
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        uaf base = {.ctx = ctx, .pkg = ctx->pkg, .file = call->file, .free_call = call->call, .cname = call->name};
        if (strcmp(call->name, "free") == 0) {
            if (call->arg_count != 1) continue;
            uaf u = base;
            u.freed_arg = ts_node_named_child(call->args, 0);
            check_free(&u);
            continue;
        }
        const cg_csummary *sum = cg_cmodel_summary(ctx->pkg->c, call->name);
        for (uint32_t a = 0; sum && a < call->arg_count && a < sum->param_count; a++) {
            if (!sum->params[a].freed.len) continue;
            uaf u = base;
            u.freed_arg = ts_node_named_child(call->args, a);
            u.ps = &sum->params[a];
            check_free(&u);
        }
    }
}

const cg_rule cg_rule_CG009 = {
    .id = "CG009",
    .name = "c-memory-use-after-free",
    .severity = CG_SEV_ERROR,
    .summary = "slice or string view of C memory used after it is freed",
    .check = check,
};
