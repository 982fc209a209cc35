/*
 * CG004 export-stores-go-pointer: an //export function stores a Go pointer
 * through a pointer its C caller passed in (cmd/cgo, "Passing pointers": a
 * Go function called by C "may not store a Go pointer to unpinned memory in
 * memory pointed to by a C pointer").
 *
 * For each exported function, the pointer parameters (Go pointer types,
 * unsafe.Pointer, C pointer typedefs) are what C passed: their memory is
 * taken as C memory. Every assignment in the body that writes through such
 * a parameter (*p = v, p.f = v, p[i] = v, also through conversions such as
 * *(*unsafe.Pointer)(p) = v) with a value that carries a Go pointer
 * (cmemory.h) is reported, unless the stored object is pinned in the
 * function. With GOEXPERIMENT=cgocheck2 the write barrier calls
 * runtime.cgoCheckPtrWrite, which throws "unpinned Go pointer stored into
 * non-Go memory"; without it nothing is checked and the collector, which
 * never scans C memory, frees the object while C holds it.
 *
 * The trace crosses into C: the C function (from the summaries) that calls
 * the export and the line of that call. Stores whose target CG002 already
 * knows to be C memory (C.malloc'd, ...) are left to CG002.
 */
#include <string.h>

#include "../model/cmemory.h"
#include "cside.h"

typedef struct export_store {
    cg_check_ctx *ctx;
    cg_cmem *cm;
    cg_gofile *file;
    const cg_go_export *export;
    cg_gn func;
} export_store;

/* Is this parameter type a pointer the C caller provides? */
static bool is_pointer_param(cg_package *pkg, cg_gotype *t) {
    cg_gotype *u = cg_gotype_underlying(pkg->go, t);
    if (!u) return false;
    if (u->kind == CG_GT_POINTER || u->kind == CG_GT_UNSAFE_POINTER) return true;
    cg_ctype ct;
    return u->kind == CG_GT_C && cg_x_ctype(pkg, u, &ct) && ct.kind == CG_CTYPE_POINTER;
}

/* The identifier the written memory is reached through: p for *p, p.f,
 * p[i], (*T)(p).f, *(*unsafe.Pointer)(unsafe.Pointer(p)). Null when the
 * target does not write through a pointer (a plain local `p = v`). */
static cg_gn written_through(cg_package *pkg, cg_gofile *file, cg_gn target) {
    bool deref = false;
    for (int depth = 0; depth < 16; depth++) {
        target = cg_gn_unparen(target);
        bool star = cg_gn_is(target, CG_GK_UNARY_EXPRESSION) &&
                    cg_gn_op(target) == CG_GOP_STAR;
        cg_gn operand = NULL;
        if (star || cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION) || cg_gn_is(target, CG_GK_INDEX_EXPRESSION)) {
            operand = cg_gn_field(target, CG_GF_OPERAND);
            deref = true;
        } else if (!deref || !cg_gopkg_conversion(pkg->go, file, target, &operand)) {
            /* Conversions count only below a dereference: (*T)(p).f. */
            return deref && cg_gn_is(target, CG_GK_IDENTIFIER) ? target : NULL;
        }
        target = operand;
    }
    return NULL;
}

/* The C function whose summary says it calls this export, for the trace. */
static const cg_csummary *c_caller(cg_check_ctx *ctx, const char *export_name) {
    const cg_cmodel *c = ctx->pkg->c;
    for (size_t i = 0; i < cg_cmodel_func_count(c); i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(c, i);
        if (!fn->has_body) continue;
        const cg_csummary *s = cg_cmodel_summary(c, fn->name);
        if (s && s->calls_export.len && s->export_name && strcmp(s->export_name, export_name) == 0)
            return s;
    }
    return NULL;
}

static void check_store(export_store *e, cg_gn stmt, cg_gn target, cg_gn value) {
    cg_check_ctx *ctx = e->ctx;
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = e->file;
    cg_gn base = written_through(pkg, file, target);
    if (!base) return;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, base);
    if (!b || b->kind != CG_BIND_PARAM || b->defs.len != 0) return; /* reassigned: no longer C's */
    if (cg_gn_start(b->ident) < cg_gn_start(e->func) ||
        cg_gn_start(b->ident) >= cg_gn_start(cg_gn_field(e->func, CG_GF_BODY)))
        return; /* a parameter of a nested func literal, not of the export */
    if (!is_pointer_param(pkg, cg_gopkg_type_of_expr(pkg->go, file, base))) return;
    if ((cg_cmem_lvalue_base(e->cm, file, target))) return; /* CG002's finding */
    const char *why;
    cg_gn culprit;
    cg_gotype *type = cg_gopkg_type_of_expr(pkg->go, file, target);
    if (cg_cmem_value_go_pointer(e->cm, file, value, type, &why, &culprit) != CG_YES) return;
    if (cg_x_is_pinned(pkg, file, stmt, culprit)) return;
    const char *param = cg_node_text(file, base);
    /* Go 1.21 moved the full check from GODEBUG=cgocheck=2 to a build-time
     * GOEXPERIMENT and added pinning (and the word "unpinned"). */
    bool old_go = ctx->opts->go_minor != 0 && ctx->opts->go_minor < 21;
    cg_diag *d = cg_check_report(
        ctx, file, target,
        "exported %s stores a Go pointer through '%s', a pointer its C caller passed: %s; C memory is "
        "not scanned by the collector, and %s",
        e->export->name, param, why,
        old_go ? "GODEBUG=cgocheck=2 throws \"Go pointer stored into non-Go memory\" here"
               : "a GOEXPERIMENT=cgocheck2 build throws \"unpinned Go pointer stored into non-Go memory\" here");
    cg_check_note(ctx, d, cg_check_loc(file, b->ident), "'%s' is a parameter of //export %s (line %u): C provides it",
                  param, e->export->name, e->export->line);
    const cg_csummary *caller = c_caller(ctx, e->export->name);
    if (caller) cg_cside_note_trace(ctx, d, &caller->calls_export, NULL, 8);
    cg_gn src = cg_cmem_source(pkg, file, culprit);
    if (cg_gn_line(src) != cg_gn_line(stmt))
        cg_check_note(ctx, d, cg_check_loc(file, src), "the Go pointer comes from here");
    cg_check_fix(ctx, d,
                 "store C memory (C.malloc and copy) or a cgo.Handle value instead%s",
                 !old_go ? ", or pin the object with runtime.Pinner and keep it pinned while C holds it" : "");
}

static cg_walk_action visit(cg_gn n, void *arg) {
    export_store *e = arg;
    if (!cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT)) return CG_WALK_CONTINUE;
    if (cg_gn_op(n) != CG_GOP_ASSIGN) return CG_WALK_CONTINUE;
    cg_gn left = cg_gn_field(n, CG_GF_LEFT), right = cg_gn_field(n, CG_GF_RIGHT);
    uint32_t count = cg_gn_count(left);
    if (count != cg_gn_count(right)) return CG_WALK_CONTINUE; /* a, b = f() */
    for (uint32_t i = 0; i < count; i++)
        check_store(e, n, cg_gn_child(left, i), cg_gn_child(right, i));
    return CG_WALK_CONTINUE;
}

static void check(cg_check_ctx *ctx) {
    cg_gopkg *go = ctx->pkg->go;
    cg_cmem *cm = NULL;
    for (size_t f = 0; f < go->files.len; f++) {
        cg_gofile *file = go->files.items[f];
        for (size_t i = 0; i < file->exports.len; i++) {
            const cg_go_export *x = &file->exports.items[i];
            if (!x->func || !cg_gn_is(x->func, CG_GK_FUNCTION_DECLARATION)) continue;
            if (!cm) cm = cg_cmem_new(ctx->pkg);
            export_store e = {ctx, cm, file, x, x->func};
            cg_walk(cg_gn_field(x->func, CG_GF_BODY), visit, &e);
        }
    }
    cg_cmem_free(cm);
}

const cg_rule cg_rule_CG004 = {
    .id = "CG004",
    .name = "export-stores-go-pointer",
    .severity = CG_SEV_ERROR,
    .summary = "exported Go function stores a Go pointer in C memory",
    .check = check,
};
