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
#include "../gofront/gocfg.h"
#include "check.h"
#include "cside.h"

static bool is_handle_type(cg_gotype *t) {
    return t && t->kind == CG_GT_UINTPTR && t->name && strcmp(t->name, "cgo.Handle") == 0;
}

/* When call is h.Delete() / h.Value() on a local handle (named `name`
 * when not NULL: binding lookups are costly, names are compared first),
 * returns its binding and sets *method. */
static cg_gobinding *handle_method(cg_package *pkg, cg_gofile *file, cg_gn call, const char *name,
                                   const char **method) {
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_gn_is(fn, CG_GK_SELECTOR_EXPRESSION)) return NULL;
    cg_gn op = cg_gn_unparen(cg_gn_field(fn, CG_GF_OPERAND));
    cg_gn field = cg_gn_field(fn, CG_GF_FIELD);
    if (!cg_gn_is(op, CG_GK_IDENTIFIER) || (name && !cg_node_text_eq(file, op, name))) return NULL;
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

static cg_walk_action visit_ref(cg_gn n, void *arg) {
    ref_walk *w = arg;
    /* Only the part of the function where the name is visible. */
    if (cg_gn_end(n) < w->b->scope_start || cg_gn_start(n) > w->b->scope_end)
        return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_IDENTIFIER) || !cg_node_text_eq(w->file, n, w->b->name) ||
        cg_gopkg_binding(w->pkg->go, w->file, n) != w->b ||
        n == w->b->ident)
        return CG_WALK_CONTINUE;
    cg_gn parent = cg_gn_parent(n);
    /* h.Value() reads the handle; it neither releases nor hands it on. */
    if (cg_gn_is(parent, CG_GK_SELECTOR_EXPRESSION) && (cg_gn_field(parent, CG_GF_OPERAND)) == (n)) {
        cg_gn field = cg_gn_field(parent, CG_GF_FIELD);
        if (cg_node_text_eq(w->file, field, "Value")) return CG_WALK_CONTINUE;
    }
    /* A plain reassignment target is not a use of the old value. */
    if (cg_gn_is(parent, CG_GK_EXPRESSION_LIST)) {
        cg_gn stmt = cg_gn_parent(parent);
        if ((cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION)) &&
            (cg_gn_field(stmt, CG_GF_LEFT)) == (parent))
            return CG_WALK_CONTINUE;
    }
    w->passed_on = true;
    return CG_WALK_STOP;
}

static void report_leak(cg_check_ctx *ctx, cg_gofile *file, cg_gn call, const char *how) {
    cg_diag *d = cg_check_report(ctx, file, call,
                                 "the cgo.Handle from cgo.NewHandle %s: the handle table keeps the value "
                                 "reachable until Delete, so it is never collected (a leak per call)",
                                 how);
    d->severity = CG_SEV_WARNING;
    cg_check_fix(ctx, d,
                 "pass the handle on (e.g. C.uintptr_t(h) to the C side that calls back) and call h.Delete() "
                 "once nothing can use it any more (in the callback that consumes it, or with defer)");
}

static void check_leak(cg_check_ctx *ctx, cg_gofile *file, cg_gn call) {
    cg_gn parent = cg_gn_parent(call);
    while (cg_gn_is(parent, CG_GK_PARENTHESIZED_EXPRESSION)) parent = cg_gn_parent(parent);
    if (cg_gn_is(parent, CG_GK_EXPRESSION_STATEMENT)) {
        report_leak(ctx, file, call, "is discarded");
        return;
    }
    /* h := cgo.NewHandle(v) (or var h = ..., or h = ...) with h a local. */
    if (!cg_gn_is(parent, CG_GK_EXPRESSION_LIST)) return;
    cg_gn stmt = cg_gn_parent(parent);
    if (!cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION) && !cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) &&
        !cg_gn_is(stmt, CG_GK_VAR_SPEC))
        return;
    cg_gn left = cg_gn_is(stmt, CG_GK_VAR_SPEC) ? cg_gn_field(stmt, CG_GF_NAME) : cg_gn_field(stmt, CG_GF_LEFT);
    cg_gn right = cg_gn_field(stmt, CG_GF_RIGHT);
    if (cg_gn_is(stmt, CG_GK_VAR_SPEC)) right = cg_gn_field(stmt, CG_GF_VALUE);
    if (right != parent || cg_gn_count(right) != 1) return;
    cg_gn target = cg_gn_is(left, CG_GK_EXPRESSION_LIST) ? cg_gn_child(left, 0) : left;
    if (!cg_gn_is(target, CG_GK_IDENTIFIER)) return;
    if (cg_node_text_eq(file, target, "_")) {
        report_leak(ctx, file, call, "is assigned to _");
        return;
    }
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, file, call);
    if (!fn) return;
    /* The binding a declaration creates (a plain assignment's target
     * resolves as a use). */
    cg_gobinding *b = cg_gopkg_binding(ctx->pkg->go, file, target);
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
    cg_gn delete_call;
    bool deferred;
    cg_gn found;
    const char *found_method;
} after_delete;

static cg_walk_action visit_handle_call(cg_gn n, void *arg) {
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

static cg_flow_action visit_after_delete(const cg_cfg *cfg, uint32_t step, void *arg) {
    after_delete *a = arg;
    cg_gn stmt = cfg->steps[step].node;
    if (!stmt) return CG_FLOW_CONTINUE;
    cg_gn scan = stmt;
    bool reassigns = false;
    if (cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION)) {
        scan = cg_gn_field(stmt, CG_GF_RIGHT);
        cg_gn left = cg_gn_field(stmt, CG_GF_LEFT);
        for (uint32_t i = 0; i < cg_gn_count(left); i++) {
            cg_gn id = cg_gn_child(left, i);
            if (cg_node_text_eq(a->file, id, a->b->name) && cg_gopkg_binding(a->ctx->pkg->go, a->file, id) == a->b)
                reassigns = true;
        }
    }
    if (!cg_walk(scan, visit_handle_call, a)) {
        report_invalid(a);
        return CG_FLOW_STOP;
    }
    return reassigns ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

static cg_gn defer_of(cg_gn n) {
    for (cg_gn p = cg_gn_parent(n); p; p = cg_gn_parent(p)) {
        if (cg_gn_is(p, CG_GK_DEFER_STATEMENT)) return p;
        if (cg_gn_is(p, CG_GK_FUNCTION_DECLARATION) || cg_gn_is(p, CG_GK_METHOD_DECLARATION) ||
            cg_gn_is(p, CG_GK_FUNC_LITERAL))
            break;
    }
    return NULL;
}

/* defer h.Delete() followed by a plain h.Delete() on a path after it. */
static cg_walk_action visit_later_delete(cg_gn n, void *arg) {
    after_delete *a = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    const char *method = NULL;
    if (handle_method(a->ctx->pkg, a->file, n, a->b->name, &method) == a->b && strcmp(method, "Delete") == 0) {
        a->found = n;
        a->found_method = method;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static cg_flow_action visit_after_deferred_delete(const cg_cfg *cfg, uint32_t step, void *arg) {
    after_delete *a = arg;
    const cg_step *s = &cfg->steps[step];
    if (!s->node || s->kind == CG_STEP_DEFER) return CG_FLOW_CONTINUE;
    if (!cg_walk(s->node, visit_later_delete, a)) {
        report_invalid(a);
        return CG_FLOW_STOP;
    }
    return CG_FLOW_CONTINUE;
}

static void check_delete(cg_check_ctx *ctx, cg_gofile *file, cg_gn call, cg_gobinding *b) {
    const cg_cfg *cfg = cg_cfg_around(ctx->pkg->go, file, call);
    uint32_t step = cg_cfg_step_of(cfg, call);
    if (step == CG_CFG_NONE) return;
    cg_gn func = cfg->func;
    after_delete a = {.ctx = ctx, .file = file, .b = b, .delete_call = call};
    cg_gn defer = defer_of(call);
    if (!cg_gofile_mentions(file, cg_cfg_later_code_start(cfg, step), cg_gn_end(func), b->name))
        return; /* the handle is not named again: nothing to walk */
    if (defer) {
        /* Only `defer h.Delete()` itself: inside a deferred literal the order is the literal's. */
        if ((cg_gn_child(defer, 0)) != (call)) return;
        a.deferred = true;
        cg_cfg_walk_after(cfg, step, visit_after_deferred_delete, &a);
        return;
    }
    cg_cfg_walk_after(cfg, step, visit_after_delete, &a);
}

/* ---- unsafe.Pointer(&h) given to C that keeps it ---- */

static void check_address(cg_check_ctx *ctx, const cg_ccall *call) {
    const cg_csummary *sum = cg_cmodel_summary(ctx->pkg->c, call->name);
    if (!sum) return; /* unknown C side: the documented pattern is fine when C does not keep it */
    for (uint32_t i = 0; i < call->arg_count && i < sum->param_count; i++) {
        cg_gn arg = cg_gn_child(call->args, i);
        char kind = 0;
        cg_gn target = cg_x_address_of(ctx->pkg, call->file, arg, &kind);
        if (!target || kind != 'v') continue;
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
        if (cg_gopkg_calls(pkg->go, file, ref->node, "runtime/cgo", "NewHandle")) {
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
