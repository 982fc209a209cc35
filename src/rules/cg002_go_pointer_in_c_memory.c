/*
 * CG002 go-pointer-in-c-memory: Go code stores a Go pointer, or a value that
 * holds one, into C memory (cmd/cgo, "Passing pointers": Go "may not store a
 * Go pointer to unpinned memory in memory pointed to by a C pointer").
 *
 * Two shapes of store:
 * - assignments `*p = v`, `p.f = v`, `p[i] = v`, `C.global = v` where the
 *   written memory is C memory (cmemory.h: p comes from C.malloc, a C
 *   function's pointer result, a pointer field of C memory, unsafe casts and
 *   unsafe.Slice over those) and v holds a Go pointer;
 * - copy(dst, src) where dst is a slice over C memory and the elements of
 *   src are Go pointers (strings, slices, maps, Go pointer types, ...).
 * A stored pointer pinned with runtime.Pinner in the same function stays
 * silent: runtime.cgoCheckPtrWrite skips pinned objects.
 */
#include "check.h"

#include "../model/cmemory.h"

/* How the analysed Go version turns on the write-barrier check. */
static const char *cgocheck2(const cg_check_ctx *ctx) {
    return ctx->opts->go_minor == 0 || ctx->opts->go_minor >= 21 ? "a GOEXPERIMENT=cgocheck2 build"
                                                                 : "GODEBUG=cgocheck=2";
}

/* Notes that show where the C memory comes from. */
static void note_c_memory(cg_check_ctx *ctx, cg_cmem *cm, cg_diag *d, cg_gofile *file, cg_gn base) {
    cg_package *pkg = ctx->pkg;
    cg_gn src = cg_cmem_source(pkg, file, base);
    const char *base_text = cg_node_text(file, base);
    cg_gofile *store_file;
    cg_gn store;
    if (cg_cmem_field_source(cm, file, src, &store_file, &store)) {
        cg_check_note(ctx, d, cg_check_loc(store_file, store),
                      "%s points to C memory: every value stored into that field is a C pointer, "
                      "like %s", base_text, cg_node_text(store_file, store));
        file = store_file;
        src = cg_cmem_source(pkg, store_file, store);
        base = store;
    }
    if (cg_node_is_qualified(file, src, "C", NULL)) {
        const cg_cvar *v = cg_cmodel_var(pkg->c, cg_node_text(file, cg_gn_field(src, CG_GF_FIELD)));
        if (v) cg_check_note(ctx, d, v->loc, "%s is a C global variable (%s)", v->name, v->type.spelling);
        return;
    }
    if (src != base && (src) != (cg_gn_unparen(base)))
        cg_check_note(ctx, d, cg_check_loc(file, src), "%s points to C memory: it comes from %s",
                      base_text, cg_node_text(file, src));
    if (!cg_gn_is(src, CG_GK_CALL_EXPRESSION)) return;
    cg_gn fn = cg_gn_unparen(cg_gn_field(src, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return;
    const cg_cfunc *cf = cg_cmodel_func(pkg->c, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD)));
    if (cf && cf->result.kind == CG_CTYPE_POINTER)
        cg_check_note(ctx, d, cf->has_body ? cf->body_loc : cf->decl_loc,
                      "C function %s returns %s, a pointer to C memory", cf->name, cf->result.spelling);
}

static void add_fix(cg_check_ctx *ctx, cg_diag *d) {
    bool has_pinner = ctx->opts->go_minor == 0 || ctx->opts->go_minor >= 21;
    cg_check_fix(ctx, d,
                 "keep the data itself in C memory (C.malloc and copy it in), store a cgo.Handle "
                 "(an integer) instead of the pointer, or %s",
                 has_pinner ? "pin the object with runtime.Pinner for as long as C memory holds it"
                            : "upgrade to Go 1.21+ for runtime.Pinner (the analysed Go version has none)");
}

static void check_store(cg_check_ctx *ctx, cg_cmem *cm, cg_gofile *file, cg_gn stmt, cg_gn target, cg_gn value) {
    cg_package *pkg = ctx->pkg;
    cg_gn base = cg_cmem_lvalue_base(cm, file, target);
    if (!base) return;
    const char *why;
    cg_gn culprit;
    cg_gotype *type = cg_gopkg_type_of_expr(pkg->go, file, target);
    if (cg_cmem_value_go_pointer(cm, file, value, type, &why, &culprit) != CG_YES) return;
    if (cg_x_is_pinned(pkg, file, stmt, culprit)) return;
    cg_diag *d = cg_check_report(
        ctx, file, target,
        "Go pointer stored into C memory: %s, and %s is C memory; the collector does not scan C "
        "memory and %s throws \"unpinned Go pointer stored into non-Go memory\" here",
        why, cg_node_text(file, target), cgocheck2(ctx));
    note_c_memory(ctx, cm, d, file, base);
    cg_gn src = cg_cmem_source(pkg, file, culprit);
    if (cg_gn_line(src) != cg_gn_line(stmt))
        cg_check_note(ctx, d, cg_check_loc(file, src), "the Go pointer comes from here");
    add_fix(ctx, d);
}

static void check_assignment(cg_check_ctx *ctx, cg_cmem *cm, cg_gofile *file, cg_gn stmt) {
    if (cg_gn_op(stmt) != CG_GOP_ASSIGN) return;
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT), right = cg_gn_field(stmt, CG_GF_RIGHT);
    uint32_t n = cg_gn_count(left);
    if (n != cg_gn_count(right)) return; /* a, b = f(): results are not traced */
    for (uint32_t i = 0; i < n; i++)
        check_store(ctx, cm, file, stmt, cg_gn_child(left, i), cg_gn_child(right, i));
}

/* copy(dst, src) with dst over C memory and Go pointers in src's elements:
 * runtime.cgoCheckSliceCopy throws for it in cgocheck2 builds. */
static void check_copy(cg_check_ctx *ctx, cg_cmem *cm, cg_gofile *file, cg_gn call) {
    cg_package *pkg = ctx->pkg;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_gn_is(fn, CG_GK_IDENTIFIER) || !cg_node_text_eq(file, fn, "copy") ||
        cg_gopkg_binding(pkg->go, file, fn) || cg_gopkg_decl(pkg->go, "copy"))
        return;
    cg_gn args[2];
    if (cg_call_args(call, args, 2) != 2) return;
    if (cg_cmem_pointer_origin(cm, file, args[0]) != CG_ORIGIN_C) return;
    cg_gotype *st = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, args[1]));
    if (!st || st->kind != CG_GT_SLICE) return; /* copy from a string copies bytes */
    if (cg_x_type_holds_pointers(pkg, st->elem) != CG_YES) return;
    cg_origin so = cg_cmem_pointer_origin(cm, file, args[1]);
    if (so == CG_ORIGIN_C || so == CG_ORIGIN_NONE) return;
    cg_diag *d = cg_check_report(
        ctx, file, call,
        "copy stores Go pointers into C memory: the elements of %s have type %s, and %s is C "
        "memory; %s throws \"unpinned Go pointer stored into non-Go memory\" here",
        cg_node_text(file, args[1]), cg_gotype_string(pkg->go, st->elem), cg_node_text(file, args[0]),
        cgocheck2(ctx));
    note_c_memory(ctx, cm, d, file, args[0]);
    add_fix(ctx, d);
}

static void check(cg_check_ctx *ctx) {
    const cg_facts *f = ctx->facts;
    cg_cmem *cm = cg_check_cmem(ctx);
    for (size_t i = 0; i < f->assignments.len; i++)
        check_assignment(ctx, cm, f->assignments.items[i].file, f->assignments.items[i].node);
    for (size_t i = 0; i < f->calls.len; i++)
        check_copy(ctx, cm, f->calls.items[i].file, f->calls.items[i].node);
}

const cg_rule cg_rule_CG002 = {
    .id = "CG002",
    .name = "go-pointer-in-c-memory",
    .severity = CG_SEV_ERROR,
    .summary = "unpinned Go pointer stored into C memory",
    .check = check,
};
