/*
 * CG020 finalizer-use-race: a Go object whose finalizer or cleanup releases
 * a C resource held in one of its fields is dead while C still uses that
 * resource.
 *
 * The registrations (runtime.SetFinalizer, runtime.AddCleanup) say which
 * fields of which type are released: the finalizer passes param.f to a C
 * function, or the cleanup gets obj.f as its argument and passes it to C.
 * Every C call whose argument is (derived from) obj.f, where obj is a local
 * of type *T (or reached through a local's fields, h.obj.f), must keep
 * obj alive past the call: a later use of obj
 * (runtime.KeepAlive(obj), a field access, a return), a use in a deferred
 * call, or a use in the loop that encloses the call. Otherwise obj is dead
 * during the C call; the collector may free it and queue the finalizer,
 * which the finalizer goroutine runs while C is still inside the call.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/finalizer.h"
#include "check.h"

enum { MAX_HOPS = 8 };

typedef struct released {
    const char *owner; /* Go type T */
    const char *field; /* the field of T holding the C resource */
    cg_finalizer fin;
    TSNode release; /* the C call in the finalizer/cleanup that releases it */
} released;

typedef CG_VEC(released) released_vec;

/* The selector param.f (through conversions, &, indexing and deeper
 * selectors) at the root of expr, or a null node. */
static TSNode field_of(cg_package *pkg, cg_gofile *file, TSNode expr, const char *param) {
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        expr = cg_x_strip_conversions(pkg, file, expr);
        if (cg_node_is(expr, "unary_expression")) {
            expr = cg_node_field(expr, "operand");
        } else if (cg_node_is(expr, "index_expression") || cg_node_is(expr, "slice_expression")) {
            expr = cg_node_field(expr, "operand");
        } else if (cg_node_is(expr, "selector_expression")) {
            TSNode base = cg_node_unparen(cg_node_field(expr, "operand"));
            if (cg_node_is(base, "identifier") && (!param || cg_node_text_eq(file, base, param)))
                return expr;
            expr = base;
        } else {
            break;
        }
    }
    return (TSNode){0};
}

typedef struct release_walk {
    cg_check_ctx *ctx;
    const cg_finalizer *fin;
    released_vec *out; /* SetFinalizer: every param.f passed to C is released */
    TSNode hit_call;   /* AddCleanup: the C call that receives the parameter */
} release_walk;

static void add_released(released_vec *out, const cg_finalizer *fin, const char *field, TSNode call) {
    released r = {fin->owner, field, *fin, call};
    cg_vec_push(out, r);
}

static cg_walk_action visit_release(TSNode n, void *arg) {
    release_walk *w = arg;
    cg_gofile *file = w->fin->func_file;
    if (!cg_c_callee(w->ctx->pkg, file, n)) return CG_WALK_CONTINUE;
    TSNode args = cg_node_field(n, "arguments");
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode a = ts_node_named_child(args, i);
        if (w->fin->is_cleanup) {
            TSNode s = cg_x_strip_conversions(w->ctx->pkg, file, a);
            if (cg_node_is(s, "identifier") && cg_node_text_eq(file, s, w->fin->param)) {
                w->hit_call = n;
                return CG_WALK_STOP;
            }
            continue;
        }
        TSNode sel = field_of(w->ctx->pkg, file, a, w->fin->param);
        if (!ts_node_is_null(sel))
            add_released(w->out, w->fin, cg_node_text(file, cg_node_field(sel, "field")), n);
    }
    return CG_WALK_CONTINUE;
}

/* Every field each finalizer/cleanup of the package releases. */
static void collect(cg_check_ctx *ctx, released_vec *out) {
    for (size_t i = 0; i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        cg_finalizer fin;
        if (!cg_finalizer_at(ctx->pkg, ref->file, ref->node, &fin)) continue;
        if (!fin.owner || ts_node_is_null(fin.func) || !fin.param) continue;
        release_walk w = {.ctx = ctx, .fin = &fin, .out = out};
        TSNode body = cg_node_field(fin.func, "body");
        if (!fin.is_cleanup) {
            cg_walk(body, visit_release, &w);
            continue;
        }
        /* AddCleanup(obj, f, obj.field): f receives the field's value. */
        TSNode sel = field_of(ctx->pkg, ref->file, fin.arg, NULL);
        if (ts_node_is_null(sel)) continue;
        if (cg_walk(body, visit_release, &w)) continue; /* the cleanup does not hand it to C */
        add_released(out, &fin, cg_node_text(ref->file, cg_node_field(sel, "field")), w.hit_call);
    }
}

/* The byte range of a finalizer body, for "is this C call inside one?". */
typedef struct body_range {
    const cg_gofile *file;
    uint32_t start, end;
} body_range;

typedef CG_VEC(body_range) range_vec;

static int range_cmp(const void *a, const void *b) {
    const body_range *x = a, *y = b;
    if (x->file != y->file) return (uintptr_t)x->file < (uintptr_t)y->file ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Is the C call inside the body of one of the finalizers (or of a func
 * literal nested in one)? Binary search for the last body starting before
 * the call; a few predecessors cover bodies nested in other bodies. */
static bool in_finalizer(const range_vec *bodies, const cg_ccall *call) {
    uint32_t at = ts_node_start_byte(call->call);
    size_t lo = 0, hi = bodies->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const body_range *r = &bodies->items[mid];
        bool before = (uintptr_t)r->file < (uintptr_t)call->file || (r->file == call->file && r->start <= at);
        if (before) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = 0; k < 8 && k < lo; k++) {
        const body_range *r = &bodies->items[lo - 1 - k];
        if (r->file != call->file) break;
        if (at >= r->start && at < r->end) return true;
    }
    return false;
}

/* "Owner.field" -> the first released entry for it. */
static void released_key(char *buf, size_t size, const char *owner, const char *field) {
    snprintf(buf, size, "%s.%s", owner, field);
}

static const released *find_released(cg_check_ctx *ctx, const cg_strmap *by_field, cg_gofile *file,
                                     TSNode sel) {
    TSNode obj = cg_node_unparen(cg_node_field(sel, "operand"));
    cg_gotype *t = cg_gopkg_type_of_expr(ctx->pkg->go, file, obj);
    if (!t || t->kind != CG_GT_POINTER || !t->elem || t->elem->kind != CG_GT_NAMED) return NULL;
    char key[512];
    released_key(key, sizeof key, t->elem->name, cg_node_text(file, cg_node_field(sel, "field")));
    return cg_strmap_get(by_field, key);
}

/* The selector obj.f inside arg (through conversions, &, indexing, deeper
 * selectors and a local's single initializer: `p := w.p`) whose field f a
 * finalizer or cleanup of obj's type releases; the outermost such selector
 * (h.thing.p: thing.p). Sets *out to the entry. */
static TSNode released_selector(cg_check_ctx *ctx, const cg_strmap *by_field, cg_gofile *file, TSNode arg,
                                const released **out) {
    cg_package *pkg = ctx->pkg;
    TSNode expr = arg;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        expr = cg_x_strip_conversions(pkg, file, expr);
        if (cg_node_is(expr, "unary_expression") || cg_node_is(expr, "index_expression") ||
            cg_node_is(expr, "slice_expression")) {
            expr = cg_node_field(expr, "operand");
        } else if (cg_node_is(expr, "selector_expression")) {
            if ((*out = find_released(ctx, by_field, file, expr)) != NULL) return expr;
            expr = cg_node_unparen(cg_node_field(expr, "operand"));
        } else if (cg_node_is(expr, "identifier")) {
            cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
            TSNode value = b ? cg_binding_single_value(b) : (TSNode){0};
            if (ts_node_is_null(value)) break;
            expr = value;
        } else {
            break;
        }
    }
    return (TSNode){0};
}

/* Is the object stored where it outlives the statement (a package variable,
 * a field, a map or slice element: `registry[id] = t`, `all = append(all,
 * t)`) before the call? Then something else keeps it reachable. */
typedef struct stored_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *binding;
    uint32_t before;
    bool found;
} stored_walk;

static cg_walk_action visit_value_use(TSNode n, void *arg) {
    stored_walk *w = arg;
    if (cg_node_is(n, "selector_expression")) {
        /* t.p reads a field; only the operand's own operands matter. */
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_node_is(n, "identifier") && cg_gopkg_binding(w->pkg->go, w->file, n) == w->binding) {
        w->found = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static cg_walk_action visit_store(TSNode n, void *arg) {
    stored_walk *w = arg;
    if (ts_node_start_byte(n) >= w->before) return CG_WALK_STOP;
    if (!cg_node_is(n, "assignment_statement")) return CG_WALK_CONTINUE;
    TSNode left = cg_node_field(n, "left");
    bool outliving = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(left); i++) {
        TSNode l = cg_node_unparen(ts_node_named_child(left, i));
        /* A plain local is not a place that outlives the function. */
        if (!cg_node_is(l, "identifier") || !cg_gopkg_binding(w->pkg->go, w->file, l)) outliving = true;
    }
    if (outliving) cg_walk(cg_node_field(n, "right"), visit_value_use, w);
    return w->found ? CG_WALK_STOP : CG_WALK_SKIP_CHILDREN;
}

static bool stored_before(cg_package *pkg, cg_gofile *file, TSNode obj, TSNode call) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, obj);
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, call);
    if (!b || !fn) return false;
    stored_walk w = {pkg, file, b, ts_node_start_byte(call), false};
    cg_walk(cg_node_field(fn->node, "body"), visit_store, &w);
    return w.found;
}

/* ---- The machine-applicable fix: runtime.KeepAlive after the call ---- */

static bool is_statement_list(TSNode n) {
    return cg_node_is(n, "block") || cg_node_is(n, "expression_case") || cg_node_is(n, "default_case") ||
           cg_node_is(n, "type_case") || cg_node_is(n, "communication_case");
}

/* runtime.KeepAlive(owner) on the line after the statement that holds the
 * call (any point after the call on some path keeps the owner live during
 * it); before a return statement, `defer runtime.KeepAlive(owner)` (nothing
 * runs after a return). Not offered inside go and defer statements, whose
 * call runs later, nor when the statement shares its line with other code. */
static void offer_keepalive(cg_check_ctx *ctx, cg_diag *d, cg_gofile *file, TSNode call, const char *owner) {
    TSNode stmt = call;
    while (!ts_node_is_null(stmt) && !is_statement_list(ts_node_parent(stmt))) {
        if (cg_node_is(stmt, "go_statement") || cg_node_is(stmt, "defer_statement") ||
            cg_node_is(stmt, "func_literal"))
            return;
        stmt = ts_node_parent(stmt);
    }
    if (ts_node_is_null(stmt) || !cg_check_owns_line(file, stmt)) return;
    const char *runtime_name = cg_check_need_import(ctx, d, file, "runtime");
    if (!runtime_name) {
        cg_check_drop_edits(d);
        return;
    }
    const char *indent = cg_check_indent(ctx, file, ts_node_start_byte(stmt));
    bool ret = cg_node_is(stmt, "return_statement");
    uint32_t at = ret ? cg_check_line_start(file, ts_node_start_byte(stmt))
                      : cg_check_line_end(file, ts_node_end_byte(stmt));
    const char *line = cg_arena_printf(&ctx->pkg->arena, "%s%s%s%s.KeepAlive(%s)\n",
                                       at == file->source_len ? "\n" : "", indent, ret ? "defer " : "",
                                       runtime_name, owner);
    if (!cg_check_edit(ctx, d, file, at, at, line)) {
        cg_check_drop_edits(d);
        return;
    }
    cg_check_fix_title(ctx, d, "keep %s reachable until the C call returns: %s%s.KeepAlive(%s)%s", owner,
                       ret ? "defer " : "", runtime_name, owner, ret ? " before the return" : " after the call");
}

static void check_call(cg_check_ctx *ctx, const cg_strmap *by_field, const cg_ccall *call) {
    cg_gofile *file = call->file;
    for (uint32_t a = 0; a < call->arg_count; a++) {
        TSNode arg = ts_node_named_child(call->args, a);
        const released *r = NULL;
        TSNode sel = released_selector(ctx, by_field, file, arg, &r);
        if (ts_node_is_null(sel)) continue;
        TSNode obj = cg_node_unparen(cg_node_field(sel, "operand"));
        /* The owner itself, or reached through fields of a local
         * (h.thing.p): then the local keeps it reachable, while it lives. */
        TSNode root = cg_node_is(obj, "selector_expression") ? cg_lvalue_root(obj) : obj;
        if (!cg_node_is(root, "identifier") || !cg_gopkg_binding(ctx->pkg->go, file, root))
            continue; /* a package variable stays reachable */
        if (cg_local_used_after(ctx->pkg, file, root, call->call)) continue;
        if (stored_before(ctx->pkg, file, root, call->call)) continue;
        const char *o = cg_node_text(file, obj);
        const char *kind = r->fin.is_cleanup ? "cleanup" : "finalizer";
        cg_diag *d = cg_check_report(
            ctx, file, arg,
            "C.%s uses %s.%s, a C resource that the %s of *%s releases, but %s is not used after the "
            "call: the collector may free %s and run the %s while C.%s is still running",
            call->name, o, r->field, kind, r->owner, o, o, kind, call->name);
        cg_check_note(ctx, d, cg_check_loc(r->fin.file, r->fin.call), "runtime.%s registers %s here",
                      r->fin.is_cleanup ? "AddCleanup" : "SetFinalizer", r->fin.func_name);
        cg_check_note(ctx, d, cg_check_loc(r->fin.func_file, r->release),
                      "the %s releases the resource here, %s", kind,
                      r->fin.is_cleanup ? "on a runtime cleanup goroutine" : "on the runtime's finalizer goroutine");
        if (call->cfunc && call->cfunc->has_body)
            cg_check_note(ctx, d, call->cfunc->body_loc,
                          "%s keeps using its argument until it returns", call->cfunc->name);
        cg_check_fix(ctx, d,
                     "keep %s reachable until C is done: add runtime.KeepAlive(%s) after the call "
                     "(or `defer runtime.KeepAlive(%s)`)",
                     o, o, o);
        offer_keepalive(ctx, d, file, call->call, o);
    }
}

static void check(cg_check_ctx *ctx) {
    released_vec rel = {0};
    collect(ctx, &rel);
    range_vec bodies = {0};
    for (size_t i = 0; i < rel.len; i++) {
        TSNode f = rel.items[i].fin.func;
        body_range r = {rel.items[i].fin.func_file, ts_node_start_byte(f), ts_node_end_byte(f)};
        cg_vec_push(&bodies, r);
    }
    if (bodies.len) qsort(bodies.items, bodies.len, sizeof bodies.items[0], range_cmp);
    cg_strmap by_field;
    cg_strmap_init(&by_field);
    char key[512];
    for (size_t i = 0; i < rel.len; i++) {
        released_key(key, sizeof key, rel.items[i].owner, rel.items[i].field);
        if (!cg_strmap_get(&by_field, key)) cg_strmap_put(&by_field, key, &rel.items[i]);
    }
    for (size_t i = 0; rel.len && i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if (!in_finalizer(&bodies, call)) check_call(ctx, &by_field, call);
    }
    cg_strmap_free(&by_field);
    cg_vec_free(&bodies);
    cg_vec_free(&rel);
}

const cg_rule cg_rule_CG020 = {
    .id = "CG020",
    .name = "finalizer-use-race",
    .severity = CG_SEV_ERROR,
    .summary = "object with a C-freeing finalizer dies during a C call",
    .check = check,
};
