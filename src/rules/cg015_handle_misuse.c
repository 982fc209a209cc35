/*
 * CG015 handle-misuse: runtime/cgo.Handle used against its contract.
 *
 * A Handle is an index into a process-wide table (runtime/cgo/handle.go:
 * a sync.Map from the handle to the value). Three misuses:
 *  - leak (warning): the result of cgo.NewHandle is discarded, or kept only
 *    in a local that is never deleted, passed on, returned or stored: the
 *    table keeps the value reachable for the life of the process;
 *  - double Delete, or Value after Delete, on a path of one function
 *    (error): the entry is gone, and Handle.Value/Delete panic with
 *    "runtime/cgo: misuse of an invalid Handle"; a `defer h.Delete()`
 *    followed by an explicit h.Delete() deletes twice at return;
 *  - the address of a handle variable, unsafe.Pointer(&h), given to a C
 *    function whose summary keeps that parameter (error): &h is a Go
 *    pointer, which the runtime/cgo documentation allows only while C does
 *    not keep it; C must get the handle value, C.uintptr_t(h).
 * Severity is per finding: the rule's default is error, the leak lowers it.
 */
#include <string.h>

#include "../cfront/csummary.h"
#include "../model/finalizer.h"
#include "../model/flow.h"
#include "check.h"
#include "cside.h"

static bool is_handle_type(cg_gotype *t) {
    return t && t->kind == CG_GT_UINTPTR && t->name && strcmp(t->name, "cgo.Handle") == 0;
}

/* When call is h.Delete() / h.Value() on a local handle (named `name`
 * when not NULL: binding lookups are costly, names are compared first),
 * returns its binding and sets *method. */
static cg_gobinding *handle_method(cg_package *pkg, cg_gofile *file, TSNode call, const char *name,
                                   const char **method) {
    if (!cg_node_is(call, "call_expression")) return NULL;
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (!cg_node_is(fn, "selector_expression")) return NULL;
    TSNode op = cg_node_unparen(cg_node_field(fn, "operand"));
    TSNode field = cg_node_field(fn, "field");
    if (!cg_node_is(op, "identifier") || (name && !cg_node_text_eq(file, op, name))) return NULL;
    if (cg_node_text_eq(file, field, "Delete")) *method = "Delete";
    else if (cg_node_text_eq(file, field, "Value")) *method = "Value";
    else return NULL;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, op);
    if (!b || !is_handle_type(cg_gopkg_type_of_expr(pkg->go, file, op))) return NULL;
    return b;
}

/* ---- leaks ---- */

typedef struct ref_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *b;
    bool passed_on; /* deleted, passed, returned, stored, captured */
} ref_walk;

static cg_walk_action visit_ref(TSNode n, void *arg) {
    ref_walk *w = arg;
    /* Only the part of the function where the name is visible. */
    if (ts_node_end_byte(n) < w->b->scope_start || ts_node_start_byte(n) > w->b->scope_end)
        return CG_WALK_SKIP_CHILDREN;
    if (!cg_node_is(n, "identifier") || !cg_node_text_eq(w->file, n, w->b->name) ||
        cg_gopkg_binding(w->pkg->go, w->file, n) != w->b ||
        ts_node_eq(n, w->b->ident))
        return CG_WALK_CONTINUE;
    TSNode parent = ts_node_parent(n);
    /* h.Value() reads the handle; it neither releases nor hands it on. */
    if (cg_node_is(parent, "selector_expression") && ts_node_eq(cg_node_field(parent, "operand"), n)) {
        TSNode field = cg_node_field(parent, "field");
        if (cg_node_text_eq(w->file, field, "Value")) return CG_WALK_CONTINUE;
    }
    /* A plain reassignment target is not a use of the old value. */
    if (cg_node_is(parent, "expression_list")) {
        TSNode stmt = ts_node_parent(parent);
        if ((cg_node_is(stmt, "assignment_statement") || cg_node_is(stmt, "short_var_declaration")) &&
            ts_node_eq(cg_node_field(stmt, "left"), parent))
            return CG_WALK_CONTINUE;
    }
    w->passed_on = true;
    return CG_WALK_STOP;
}

static void report_leak(cg_check_ctx *ctx, cg_gofile *file, TSNode call, const char *how) {
    cg_diag *d = cg_check_report(ctx, file, call,
                                 "the cgo.Handle from cgo.NewHandle %s: the handle table keeps the value "
                                 "reachable until Delete, so it is never collected (a leak per call)",
                                 how);
    d->severity = CG_SEV_WARNING;
    cg_check_fix(ctx, d,
                 "pass the handle on (e.g. C.uintptr_t(h) to the C side that calls back) and call h.Delete() "
                 "once nothing can use it any more (in the callback that consumes it, or with defer)");
}

static void check_leak(cg_check_ctx *ctx, cg_gofile *file, TSNode call) {
    TSNode parent = ts_node_parent(call);
    while (cg_node_is(parent, "parenthesized_expression")) parent = ts_node_parent(parent);
    if (cg_node_is(parent, "expression_statement")) {
        report_leak(ctx, file, call, "is discarded");
        return;
    }
    /* h := cgo.NewHandle(v) (or var h = ..., or h = ...) with h a local. */
    if (!cg_node_is(parent, "expression_list")) return;
    TSNode stmt = ts_node_parent(parent);
    if (!cg_node_is(stmt, "short_var_declaration") && !cg_node_is(stmt, "assignment_statement") &&
        !cg_node_is(stmt, "var_spec"))
        return;
    TSNode left = cg_node_is(stmt, "var_spec") ? cg_node_field(stmt, "name") : cg_node_field(stmt, "left");
    TSNode right = cg_node_field(stmt, "right");
    if (cg_node_is(stmt, "var_spec")) right = cg_node_field(stmt, "value");
    if (!ts_node_eq(right, parent) || ts_node_named_child_count(right) != 1) return;
    TSNode target = cg_node_is(left, "expression_list") ? ts_node_named_child(left, 0) : left;
    if (!cg_node_is(target, "identifier")) return;
    if (cg_node_text_eq(file, target, "_")) {
        report_leak(ctx, file, call, "is assigned to _");
        return;
    }
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, file, call);
    if (!fn) return;
    /* The binding a declaration creates (a plain assignment's target
     * resolves as a use). */
    cg_gobinding *b = cg_flow_binding(ctx->pkg->go, file, target);
    if (!b || b->kind == CG_BIND_RESULT) return; /* package variable or named result: stored */
    ref_walk w = {ctx->pkg, file, b, false};
    /* Every use of the local, in the whole function (closures included). */
    cg_walk(fn->node, visit_ref, &w);
    if (!w.passed_on)
        report_leak(ctx, file, call,
                    cg_arena_printf(&ctx->pkg->arena, "is kept only in the local '%s', which is never deleted, "
                                                      "passed on, returned or stored", b->name));
}

/* ---- Delete then Delete/Value ---- */

typedef struct after_delete {
    cg_check_ctx *ctx;
    cg_gofile *file;
    cg_gobinding *b;
    TSNode delete_call;
    bool deferred;
    TSNode found;
    const char *found_method;
} after_delete;

static cg_walk_action visit_handle_call(TSNode n, void *arg) {
    after_delete *a = arg;
    const char *method = NULL;
    /* The Delete itself is seen again only on the next loop iteration. */
    if (handle_method(a->ctx->pkg, a->file, n, a->b->name, &method) == a->b) {
        a->found = n;
        a->found_method = method;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static void report_invalid(after_delete *a) {
    cg_diag *d;
    if (a->deferred)
        d = cg_check_report(a->ctx, a->file, a->found,
                            "%s.Delete() here and the deferred %s.Delete() both delete the handle: the deferred "
                            "one runs at return on a deleted handle and panics with \"runtime/cgo: misuse of an "
                            "invalid Handle\"",
                            a->b->name, a->b->name);
    else
        d = cg_check_report(a->ctx, a->file, a->found,
                            "%s.%s() on a handle that %s.Delete() already deleted on this path: the handle table "
                            "no longer has the entry, so this panics with \"runtime/cgo: misuse of an invalid "
                            "Handle\"",
                            a->b->name, a->found_method, a->b->name);
    cg_check_note(a->ctx, d, cg_check_loc(a->file, a->delete_call), "deleted here%s",
                  a->deferred ? " (the deferred Delete runs when the function returns)" : "");
    cg_check_fix(a->ctx, d,
                 "delete each handle exactly once, after its last Value: choose one owner of the Delete "
                 "(the Go caller with defer, or the callback that consumes the handle), not both");
}

static cg_flow_action visit_after_delete(TSNode stmt, void *arg) {
    after_delete *a = arg;
    TSNode scan = stmt;
    bool reassigns = false;
    if (cg_node_is(stmt, "assignment_statement") || cg_node_is(stmt, "short_var_declaration")) {
        scan = cg_node_field(stmt, "right");
        TSNode left = cg_node_field(stmt, "left");
        for (uint32_t i = 0; i < ts_node_named_child_count(left); i++) {
            TSNode id = ts_node_named_child(left, i);
            if (cg_node_text_eq(a->file, id, a->b->name) && cg_flow_binding(a->ctx->pkg->go, a->file, id) == a->b)
                reassigns = true;
        }
    }
    if (!cg_walk(scan, visit_handle_call, a)) {
        report_invalid(a);
        return CG_FLOW_STOP;
    }
    return reassigns ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

static TSNode defer_of(TSNode n) {
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
        if (cg_node_is(p, "defer_statement")) return p;
        if (cg_node_is(p, "function_declaration") || cg_node_is(p, "method_declaration") ||
            cg_node_is(p, "func_literal"))
            break;
    }
    return (TSNode){0};
}

/* defer h.Delete() followed by a plain h.Delete() in the same function. */
static cg_walk_action visit_later_delete(TSNode n, void *arg) {
    after_delete *a = arg;
    if (cg_node_is(n, "func_literal") || cg_node_is(n, "defer_statement")) return CG_WALK_SKIP_CHILDREN;
    const char *method = NULL;
    if (ts_node_start_byte(n) > ts_node_end_byte(a->delete_call) && handle_method(a->ctx->pkg, a->file, n, a->b->name, &method) == a->b &&
        strcmp(method, "Delete") == 0) {
        a->found = n;
        a->found_method = method;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static void check_delete(cg_check_ctx *ctx, cg_gofile *file, TSNode call, cg_gobinding *b) {
    TSNode func = cg_gopkg_enclosing_func(ctx->pkg->go, file, call);
    if (ts_node_is_null(func)) return;
    after_delete a = {.ctx = ctx, .file = file, .b = b, .delete_call = call};
    TSNode defer = defer_of(call);
    TSNode anchor = ts_node_is_null(defer) ? cg_flow_statement(call) : defer;
    if (ts_node_is_null(anchor) ||
        !cg_flow_mentions(file, cg_flow_after_start(anchor), ts_node_end_byte(func), b->name))
        return; /* the handle is not named again: nothing to walk */
    if (!ts_node_is_null(defer)) {
        /* Only `defer h.Delete()` itself: inside a deferred literal the order is the literal's. */
        if (!ts_node_eq(ts_node_named_child(defer, 0), call)) return;
        a.deferred = true;
        if (!cg_walk(cg_node_field(func, "body"), visit_later_delete, &a))
            report_invalid(&a);
        return;
    }
    TSNode stmt = cg_flow_statement(call);
    if (!ts_node_is_null(stmt)) cg_flow_after(file, stmt, visit_after_delete, &a);
}

/* ---- unsafe.Pointer(&h) given to C that keeps it ---- */

static void check_address(cg_check_ctx *ctx, const cg_ccall *call) {
    const cg_csummary *sum = cg_cmodel_summary(ctx->pkg->c, call->name);
    if (!sum) return; /* unknown C side: the documented pattern is fine when C does not keep it */
    for (uint32_t i = 0; i < call->arg_count && i < sum->param_count; i++) {
        TSNode arg = ts_node_named_child(call->args, i);
        char kind = 0;
        TSNode target = cg_x_address_of(ctx->pkg, call->file, arg, &kind);
        if (ts_node_is_null(target) || kind != 'v') continue;
        if (!is_handle_type(cg_gopkg_type_of_expr(ctx->pkg->go, call->file, target))) continue;
        const cg_cparam_summary *ps = &sum->params[i];
        if (ps->kept_kind == CG_KEEP_NONE || !ps->kept.len) continue;
        const char *name = cg_node_text(call->file, target);
        cg_diag *d = cg_check_report(
            ctx, call->file, arg,
            "C.%s keeps its parameter, but it gets &%s, the address of a Go variable that holds the handle, "
            "not the handle: C keeps a Go pointer (the variable may move or be freed once this call "
            "returns) and a later callback reads a stale handle",
            call->name, name);
        cg_cside_note_trace(ctx, d, &ps->kept, NULL, 4);
        cg_check_fix(ctx, d,
                     "pass the handle value: C.%s(C.uintptr_t(%s)) with a uintptr_t parameter (convert back "
                     "with cgo.Handle(arg) in the callback); &%s is only for C that uses it during the call",
                     call->name, name, name);
    }
}

static void check(cg_check_ctx *ctx) {
    cg_package *pkg = ctx->pkg;
    for (size_t i = 0; i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        cg_gofile *file = ref->file;
        if (!file->cgo_name) continue;
        TSNode fn = cg_node_unparen(cg_node_field(ref->node, "function"));
        if (cg_node_is_qualified(file, fn, file->cgo_name, "NewHandle")) {
            check_leak(ctx, file, ref->node);
            continue;
        }
        const char *method = NULL;
        cg_gobinding *b = handle_method(pkg, file, ref->node, NULL, &method);
        if (b && strcmp(method, "Delete") == 0) check_delete(ctx, file, ref->node, b);
    }
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) check_address(ctx, &ctx->facts->ccalls.items[i]);
}

const cg_rule cg_rule_CG015 = {
    .id = "CG015",
    .name = "handle-misuse",
    .severity = CG_SEV_ERROR,
    .summary = "cgo.Handle leaked, used after Delete, or kept by address",
    .check = check,
};
