/*
 * CG003 export-returns-go-pointer: an //export function hands C a result
 * that is or holds an unpinned Go pointer (cmd/cgo, "Passing pointers": a
 * Go function called by C "may return a Go pointer to pinned memory (which
 * implies that it may not return a string, slice, channel, and so forth)").
 *
 * cgo wraps every exported function whose result type may hold pointers in
 * a call to runtime.cgoCheckResult, which panics at run time. Two cases:
 * - results whose type cgo cannot export at all (Go structs and arrays, and
 *   pointers to them: cmd/cgo/out.go, "Go type not supported in export") are
 *   reported at the result type, since the build fails;
 * - otherwise every return statement whose value carries a Go pointer
 *   (cmemory.h: Go memory by provenance, or a string/slice/map/chan/
 *   interface the Go runtime made) is reported at that value. nil, string
 *   literals, constants and C memory (C.CString, C.malloc) stay silent, as do
 *   pointers pinned with runtime.Pinner in the function. A bare return
 *   stands for every value assigned to the named results; `return f()` for
 *   each of f's return statements (f in this package, one level deep).
 */
#include "check.h"

#include "../model/cmemory.h"

typedef struct export_ctx {
    cg_check_ctx *ctx;
    cg_cmem *cm;
    cg_gofile *file;
    const cg_go_export *export;
    size_t result_count;
    cg_gn result_types[16]; /* type node per result position */
    cg_gn result_names[16]; /* its name, or a null node */
} export_ctx;

/* cgo's doCgoType accepts pointers to anything it accepts, and rejects Go
 * struct and array types (named ones are followed to their definition). */
static bool rejected_by_cgo(cg_package *pkg, cg_gotype *type) {
    for (int i = 0; i < 8; i++) {
        cg_gotype *u = cg_gotype_underlying(pkg->go, type);
        if (!u) return false;
        if (u->kind == CG_GT_STRUCT || u->kind == CG_GT_ARRAY) return true;
        if (u->kind != CG_GT_POINTER) return false;
        type = u->elem;
    }
    return false;
}

static void collect_results(export_ctx *e) {
    cg_gn result = cg_gn_field(e->export->func, CG_GF_RESULT);
    if (!result) return;
    if (!cg_gn_is(result, CG_GK_PARAMETER_LIST)) {
        e->result_types[e->result_count++] = result;
        return;
    }
    uint32_t n = cg_gn_count(result);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn decl = cg_gn_child(result, i);
        if (!cg_gn_is(decl, CG_GK_PARAMETER_DECLARATION)) continue;
        cg_gn type = cg_gn_field(decl, CG_GF_TYPE);
        size_t max = sizeof(e->result_types) / sizeof(e->result_types[0]);
        cg_gn name;
        for (uint32_t c = 0; (name = cg_gn_field_at(decl, CG_GF_NAME, c)) != NULL && e->result_count < max; c++) {
            e->result_names[e->result_count] = name;
            e->result_types[e->result_count++] = type;
        }
        if (!cg_gn_field(decl, CG_GF_NAME) && e->result_count < max) e->result_types[e->result_count++] = type;
    }
}

/* Where a returned value comes from: the export's own return statement,
 * or (for `return f()`) a return statement of the function f it forwards. */
typedef struct returned_value {
    cg_gofile *file; /* file of ret and value */
    cg_gn ret;      /* the return statement that hands the value back */
    cg_gn value;
    const char *forwarded_from; /* f for `return f()`, else NULL */
} returned_value;

/* Reports value v returned as result `index`; `at` (in the export's file)
 * is where the finding goes: the value, a bare return, or `return f()`.
 * True when it reported. */
static bool check_value(export_ctx *e, size_t index, cg_gotype *type, returned_value v, cg_gn at) {
    cg_check_ctx *ctx = e->ctx;
    cg_package *pkg = ctx->pkg;
    const char *why;
    cg_gn culprit;
    if (cg_cmem_value_go_pointer(e->cm, v.file, v.value, type, &why, &culprit) != CG_YES) return false;
    if (cg_x_is_pinned(pkg, v.file, v.ret, culprit)) return false;
    /* Go 1.26 names the function and the kind; 1.21-1.25 print a fixed text. */
    unsigned minor = ctx->opts->go_minor;
    const char *panic_text =
        minor == 0 || minor >= 26
            ? cg_arena_printf(&pkg->arena, "result of Go function %s called from cgo is unpinned Go ...",
                              cg_node_text(e->file, cg_gn_field(e->export->func, CG_GF_NAME)))
            : "cgo result is unpinned Go pointer or points to unpinned Go pointer";
    cg_diag *d = cg_check_report(ctx, e->file, at,
                                 "exported %s returns a Go pointer to its C caller: %s; "
                                 "runtime.cgoCheckResult panics (\"%s\")",
                                 e->export->name, why, panic_text);
    cg_check_note(ctx, d, cg_check_loc(e->file, e->result_types[index]),
                  "result %zu has type %s, exported to C by //export %s at line %u", index + 1,
                  cg_node_text(e->file, e->result_types[index]), e->export->name, e->export->line);
    if (v.forwarded_from)
        cg_check_note(ctx, d, cg_check_loc(v.file, v.value), "%s returns %s here as its result %zu",
                      v.forwarded_from, cg_node_text(v.file, v.value), index + 1);
    else if (at != v.value)
        cg_check_note(ctx, d, cg_check_loc(v.file, v.value), "result %s is set to %s here",
                      cg_node_text(e->file, e->result_names[index]), cg_node_text(v.file, v.value));
    cg_gn src = cg_cmem_source(pkg, v.file, culprit);
    if (src != culprit && (src) != (cg_gn_unparen(culprit)))
        cg_check_note(ctx, d, cg_check_loc(v.file, src), "the Go pointer comes from here");
    bool has_pinner = ctx->opts->go_minor == 0 || ctx->opts->go_minor >= 21;
    cg_check_fix(ctx, d,
                 "return C memory that the caller frees (C.CString, C.CBytes, C.malloc and copy) "
                 "or a cgo.Handle for Go values%s",
                 has_pinner ? "; a plain Go pointer may be returned only while it is pinned with "
                              "runtime.Pinner"
                            : "");
    return true;
}

/* The binding a named result's declaring identifier introduces. */
static cg_gobinding *result_binding(export_ctx *e, cg_gn ret, cg_gn name) {
    cg_gofunc *fn = cg_gopkg_func_at(e->ctx->pkg->go, e->file, ret);
    for (size_t i = 0; fn && i < fn->bindings.len; i++) {
        cg_gobinding *b = fn->bindings.items[i];
        if (b->kind == CG_BIND_RESULT && b->ident == name) return b;
    }
    return NULL;
}

/* A bare return hands C whatever the named results hold: every value
 * assigned to them in the function. One finding per result. */
static void check_bare_return(export_ctx *e, cg_gn ret) {
    cg_package *pkg = e->ctx->pkg;
    for (size_t i = 0; i < e->result_count; i++) {
        if (!e->result_names[i]) continue;
        cg_gotype *t = cg_gopkg_type_of_type(pkg->go, e->file, e->result_types[i]);
        if (cg_x_type_holds_pointers(pkg, t) == CG_NO) continue;
        cg_gobinding *b = result_binding(e, ret, e->result_names[i]);
        if (!b) continue;
        for (size_t k = 0; k < b->defs.len; k++) {
            if (!cg_def_value(&b->defs.items[k])) continue;
            returned_value v = {.file = e->file, .ret = ret, .value = cg_def_value(&b->defs.items[k])};
            if (check_value(e, i, t, v, ret)) break;
        }
    }
}

/* `return f()` where f is a function of this package with as many results:
 * each of f's return statements stands for the export's. One finding per
 * result, at the forwarding return. f's own `return g()` is not followed. */
typedef struct forward_ctx {
    export_ctx *e;
    cg_gn at;           /* the export's `return f()` */
    const cg_godecl *callee;
    bool reported[16];   /* per result position */
} forward_ctx;

static cg_walk_action visit_forwarded_return(cg_gn n, void *arg) {
    forward_ctx *f = arg;
    export_ctx *e = f->e;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_RETURN_STATEMENT)) return CG_WALK_CONTINUE;
    cg_gn list = cg_gn_child(n, 0);
    if (!cg_gn_is(list, CG_GK_EXPRESSION_LIST) || cg_gn_count(list) != e->result_count)
        return CG_WALK_SKIP_CHILDREN;
    for (uint32_t i = 0; i < e->result_count; i++) {
        if (f->reported[i]) continue;
        cg_gotype *t = cg_gopkg_type_of_type(e->ctx->pkg->go, e->file, e->result_types[i]);
        if (cg_x_type_holds_pointers(e->ctx->pkg, t) == CG_NO) continue;
        returned_value v = {.file = f->callee->file, .ret = n, .value = cg_gn_child(list, i),
                            .forwarded_from = f->callee->name};
        f->reported[i] = check_value(e, i, t, v, f->at);
    }
    return CG_WALK_SKIP_CHILDREN;
}

static void check_forwarded_call(export_ctx *e, cg_gn ret, cg_gn call) {
    call = cg_gn_unparen(call);
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return;
    const cg_godecl *callee = cg_gopkg_callee(e->ctx->pkg->go, e->file, call);
    if (!callee || (callee->kind != CG_GODECL_FUNC && callee->kind != CG_GODECL_METHOD)) return;
    forward_ctx f = {.e = e, .at = ret, .callee = callee};
    cg_walk(cg_gn_field(callee->node, CG_GF_BODY), visit_forwarded_return, &f);
}

static cg_walk_action visit_return(cg_gn n, void *arg) {
    export_ctx *e = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_RETURN_STATEMENT)) return CG_WALK_CONTINUE;
    cg_gn list = cg_gn_child(n, 0);
    if (!cg_gn_is(list, CG_GK_EXPRESSION_LIST)) {
        check_bare_return(e, n);
        return CG_WALK_SKIP_CHILDREN;
    }
    uint32_t count = cg_gn_count(list);
    if (count != e->result_count) {
        if (count == 1 && e->result_count > 1) check_forwarded_call(e, n, cg_gn_child(list, 0));
        return CG_WALK_SKIP_CHILDREN;
    }
    for (uint32_t i = 0; i < count; i++) {
        cg_gotype *t = cg_gopkg_type_of_type(e->ctx->pkg->go, e->file, e->result_types[i]);
        if (cg_x_type_holds_pointers(e->ctx->pkg, t) == CG_NO) continue;
        cg_gn value = cg_gn_child(list, i);
        returned_value v = {.file = e->file, .ret = n, .value = value};
        check_value(e, i, t, v, value);
    }
    return CG_WALK_SKIP_CHILDREN;
}

static void check_export(cg_check_ctx *ctx, cg_cmem *cm, cg_gofile *file, const cg_go_export *export) {
    if (!export->func || !cg_gn_is(export->func, CG_GK_FUNCTION_DECLARATION)) return;
    export_ctx e = {.ctx = ctx, .cm = cm, .file = file, .export = export};
    collect_results(&e);
    bool rejected = false;
    for (size_t i = 0; i < e.result_count; i++) {
        cg_gotype *t = cg_gopkg_type_of_type(ctx->pkg->go, file, e.result_types[i]);
        if (!rejected_by_cgo(ctx->pkg, t) || cg_x_type_holds_pointers(ctx->pkg, t) != CG_YES) continue;
        rejected = true;
        cg_diag *d = cg_check_report(
            ctx, file, e.result_types[i],
            "exported %s returns %s, which holds Go pointers; cgo cannot export this type and the "
            "build fails (\"Go type not supported in export\")",
            export->name, cg_gotype_string(ctx->pkg->go, t));
        cg_check_fix(ctx, d,
                     "return a C struct (C.struct_x) whose pointer fields hold C memory, or a "
                     "cgo.Handle that C passes back to Go");
    }
    if (rejected) return; /* the program does not build: the returns never run */
    cg_walk(cg_gn_field(export->func, CG_GF_BODY), visit_return, &e);
}

static void check(cg_check_ctx *ctx) {
    cg_gopkg *go = ctx->pkg->go;
    cg_cmem *cm = cg_check_cmem(ctx);
    for (size_t f = 0; f < go->files.len; f++) {
        cg_gofile *file = go->files.items[f];
        for (size_t i = 0; i < file->exports.len; i++) check_export(ctx, cm, file, &file->exports.items[i]);
    }
}

const cg_rule cg_rule_CG003 = {
    .id = "CG003",
    .name = "export-returns-go-pointer",
    .severity = CG_SEV_ERROR,
    .summary = "exported Go function returns a Go pointer to C",
    .check = check,
};
