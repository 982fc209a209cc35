/*
 * CG022 address-outside-call: the address of a slice/array element or of a
 * field is taken in one statement (`p := &v[0]`, `ptr = unsafe.Pointer(&x.f)`)
 * and passed to C in a later call.
 *
 * cgo rewrites a pointer argument into a call of runtime.cgoCheckPointer.
 * When the address expression is written in the call, cgo passes the
 * operand along: for &v[i] the runtime checks the elements of v only, for
 * &x.f only the field. For a plain variable it has nothing but the pointer
 * and checks the whole heap object it points into (cgoCheckUnknownPointer).
 * When v is part of a larger allocation that holds pointers (an array field
 * of a struct, a sub-slice of a caller's data), the call panics whenever
 * those pointers are non-nil. The check only exists when the C parameter
 * needs one (void *, or a pointer to memory that may hold pointers): `char *`
 * parameters are never checked, so the rule stays silent for them.
 * What the difference can trip over is a Go pointer in the allocation
 * around the slice or field, outside it (pointers inside it fail either
 * way: CG001). The rule reports when the function shows that allocation:
 * &x.f or &x.arr[i] of a struct x whose type holds Go pointers, or a slice
 * of such an array field (v := x.arr[:]). A caller's slice or a fresh
 * allocation gives no such evidence: silent.
 *
 * unsafe.SliceData(v) is the same case even inside the call: cmd/cgo's
 * checkIndex/checkSlice (cmd/cgo/gcc.go) look through SliceData to find
 * `&v[i]` or a slice expression `v[a:b]`, but a plain v is neither, so the
 * argument is checked as an unknown pointer. unsafe.SliceData(v[:]) in the
 * call is checked as the slice v[:] and stays silent.
 */
#include <string.h>

#include "../model/finalizer.h"
#include "check.h"

/* Does cgo insert a pointer check for this C parameter type? Mirrors
 * cmd/cgo's hasPointer(top=true): void * (unsafe.Pointer) and pointers to
 * records holding pointers; a pointer to char/int/... is never checked. */
static bool param_is_checked(cg_package *pkg, const cg_ctype *t) {
    if (t->kind != CG_CTYPE_POINTER || !t->spelling) return false;
    const char *s = t->spelling;
    if (strncmp(s, "const ", 6) == 0) s += 6;
    if (strcmp(s, "void *") == 0) return true;
    if (!t->record_tag) return false;
    const cg_crecord *r = cg_cmodel_record(pkg->c, t->record_tag, t->record_is_union);
    return r && r->contains_pointer;
}

static bool is_builtin_call(cg_package *pkg, cg_gofile *file, cg_gn expr, const char *name) {
    if (!cg_gn_is(expr, CG_GK_CALL_EXPRESSION)) return false;
    cg_gn fn = cg_gn_unparen(cg_gn_field(expr, CG_GF_FUNCTION));
    return cg_gn_is(fn, CG_GK_IDENTIFIER) && cg_node_text_eq(file, fn, name) &&
           !cg_gopkg_binding(pkg->go, file, fn) && !cg_gopkg_decl(pkg->go, name);
}

/* Is the memory behind the root a fresh pointer-free allocation made here? */
static bool fresh_pointer_free(cg_package *pkg, cg_gofile *file, cg_gn target) {
    cg_gn root = cg_lvalue_root(target);
    if (!cg_gn_is(root, CG_GK_IDENTIFIER)) return false;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, root);
    if (!b || (b->kind != CG_BIND_VAR && b->kind != CG_BIND_SHORT) || b->defs.len) return false;
    cg_gotype *t = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, root));
    if (!t) return false;
    cg_gn v = cg_gn_unparen(b->value);
    bool fresh;
    if (!v) fresh = t->kind != CG_GT_POINTER && t->kind != CG_GT_SLICE; /* var buf [N]T */
    else fresh = cg_gn_is(v, CG_GK_COMPOSITE_LITERAL) || is_builtin_call(pkg, file, v, "make") ||
                 is_builtin_call(pkg, file, v, "new");
    if (!fresh) return false;
    cg_gotype *alloc = (t->kind == CG_GT_SLICE || t->kind == CG_GT_POINTER) ? t->elem : t;
    return cg_x_type_holds_pointers(pkg, alloc) == CG_NO;
}

static void note_checked_param(cg_check_ctx *ctx, cg_diag *d, const cg_cfunc *fn, uint32_t index) {
    cg_check_note(ctx, d, fn->params[index].loc, "C parameter '%s' (%s) is checked by cgoCheckPointer",
                  cg_check_param_name(ctx, fn, index), fn->params[index].type.spelling);
}

/* The operand x of unsafe.SliceData(x) (under conversions), or a null node. */
static cg_gn slice_data_operand(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn call = cg_x_strip_conversions(pkg, file, expr);
    cg_gn args = cg_go_call_args(call);
    if (!cg_gopkg_calls(pkg->go, file, call, "unsafe", "SliceData") || cg_gn_count(args) != 1) return NULL;
    return cg_gn_unparen(cg_gn_child(args, 0));
}

/* The struct around an element or field the pointer designates, when the
 * code shows one: x in &x.f, &x.arr[i], x.arr[:], through a local that
 * holds such a slice (v := x.arr[:]), and one call level up through a
 * parameter of an unexported function (what its callers pass). */
typedef struct place {
    cg_gofile *file;
    cg_gn node;
    const char *why; /* for messages: "f (*frame) holds Go pointers (next)" */
} place;

typedef struct caller_search {
    cg_check_ctx *ctx;
    int depth;
    place *found;
} caller_search;

static bool around_go_pointers(cg_check_ctx *ctx, cg_gofile *file, cg_gn expr, int depth, place *out);

static bool visit_caller(cg_gofile *file, cg_gn call, cg_gn arg, void *arg_ctx) {
    caller_search *c = arg_ctx;
    (void)call;
    return !(arg && around_go_pointers(c->ctx, file, arg, c->depth + 1, c->found));
}

/* Is the struct x (in file) Go memory whose type holds Go pointers? */
static bool struct_holds_go_pointers(cg_check_ctx *ctx, cg_gofile *file, cg_gn x, place *out) {
    cg_package *pkg = ctx->pkg;
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, x);
    cg_gotype *u = cg_gotype_underlying(pkg->go, t);
    if (u && u->kind == CG_GT_POINTER) t = u->elem;
    u = cg_gotype_underlying(pkg->go, t);
    if (!u || u->kind != CG_GT_STRUCT || cg_x_origin(pkg, file, x) == CG_ORIGIN_C) return false;
    if (cg_x_type_holds_pointers(pkg, t) != CG_YES) return false;
    out->file = file;
    out->node = x;
    out->why = cg_arena_printf(&pkg->arena, "%s (%s) holds Go pointers (%s)", cg_node_text(file, x),
                               cg_gotype_string(pkg->go, t), cg_x_pointer_fields(pkg, t));
    return true;
}

static bool around_go_pointers(cg_check_ctx *ctx, cg_gofile *file, cg_gn expr, int depth, place *out) {
    cg_package *pkg = ctx->pkg;
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (depth > 4 || !expr) return false;
    if (cg_gn_is(expr, CG_GK_SELECTOR_EXPRESSION))
        return struct_holds_go_pointers(ctx, file, cg_gn_unparen(cg_go_sel_operand(expr)), out);
    if (cg_gn_is(expr, CG_GK_INDEX_EXPRESSION) || cg_gn_is(expr, CG_GK_SLICE_EXPRESSION)) {
        /* An array inside the struct; a slice's elements are its own array,
         * unless the slice itself comes from such an array. */
        cg_gn v = cg_gn_unparen(cg_go_index_operand(expr));
        cg_gotype *t = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, v));
        if (t && (t->kind == CG_GT_ARRAY || t->kind == CG_GT_SLICE)) return around_go_pointers(ctx, file, v, depth + 1, out);
        return false;
    }
    if (!cg_gn_is(expr, CG_GK_IDENTIFIER)) return false;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
    if (!b) return false;
    cg_gotype *t = cg_gotype_underlying(pkg->go, cg_gopkg_binding_type(pkg->go, file, b));
    if (t && t->kind == CG_GT_ARRAY) return false; /* a local array is its own allocation */
    cg_gn value = cg_binding_single_value(b);
    if (cg_gn_is(cg_gn_unparen(value), CG_GK_SLICE_EXPRESSION)) return around_go_pointers(ctx, file, value, depth + 1, out);
    caller_search c = {ctx, depth, out};
    if (cg_check_each_caller(ctx, file, b, visit_caller, &c)) return out->node != NULL;
    return false;
}

/* Go memory that holds pointers around the slice: what the whole-object
 * check can trip over. */
static bool slice_may_share_allocation(cg_check_ctx *ctx, cg_gofile *file, cg_gn slice, place *around) {
    return cg_x_origin(ctx->pkg, file, slice) == CG_ORIGIN_GO && !fresh_pointer_free(ctx->pkg, file, slice) &&
           around_go_pointers(ctx, file, slice, 0, around);
}

static void report_slice_data(cg_check_ctx *ctx, const cg_ccall *call, uint32_t index, cg_gn arg,
                              cg_gn slice, cg_gn outside, const place *around) {
    cg_gofile *file = call->file;
    const cg_cfunc *fn = call->cfunc;
    const char *v = cg_node_text(file, slice);
    cg_diag *d;
    if (!outside) {
        d = cg_check_report(ctx, file, arg,
                            "unsafe.SliceData(%s) hides the slice from cgo: it recognises only &%s[i] and "
                            "slice expressions, so it checks the whole Go allocation the pointer points into, "
                            "not just %s's elements, and panics (\"Go pointer to unpinned Go pointer\") "
                            "whenever that allocation holds a Go pointer",
                            v, v, v);
    } else {
        d = cg_check_report(ctx, file, arg,
                            "%s holds unsafe.SliceData(%s), taken outside the call to C.%s: cgo then checks "
                            "the whole Go allocation it points into, not just %s's elements, and panics "
                            "(\"Go pointer to unpinned Go pointer\") whenever that allocation holds a Go pointer",
                            cg_node_text(file, cg_x_strip_conversions(ctx->pkg, file, arg)), v, call->name, v);
        cg_check_note(ctx, d, cg_check_loc(file, outside), "the pointer is taken here");
    }
    cg_check_note(ctx, d, cg_check_loc(around->file, around->node), "%s", around->why);
    note_checked_param(ctx, d, fn, index);
    cg_check_fix(ctx, d,
                 "write C.%s(unsafe.Pointer(unsafe.SliceData(%s[:]))) or C.%s(unsafe.Pointer(&%s[0])) "
                 "(non-empty %s) in the call: cgo then checks only the slice's elements",
                 call->name, v, call->name, v, v);
}

static void check_argument(cg_check_ctx *ctx, const cg_ccall *call, uint32_t index, cg_gn arg) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    const cg_cfunc *fn = call->cfunc;
    if (!fn || index >= fn->param_count || !param_is_checked(pkg, &fn->params[index].type)) return;
    place around = {0};
    cg_gn in_call = slice_data_operand(pkg, file, arg);
    if (in_call) {
        if (!cg_gn_is(in_call, CG_GK_SLICE_EXPRESSION) && slice_may_share_allocation(ctx, file, in_call, &around))
            report_slice_data(ctx, call, index, arg, in_call, NULL, &around);
        return;
    }
    cg_gn id = cg_x_strip_conversions(pkg, file, arg);
    if (!cg_gn_is(id, CG_GK_IDENTIFIER)) return;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, id);
    if (!b) return;
    cg_gn value = cg_binding_single_value(b);
    if (!value) return;
    cg_gn outside = slice_data_operand(pkg, file, value);
    if (outside) {
        if (slice_may_share_allocation(ctx, file, outside, &around))
            report_slice_data(ctx, call, index, arg, outside, value, &around);
        return;
    }
    char kind = 0;
    cg_gn target = cg_x_address_of(pkg, file, value, &kind);
    if (!target || (kind != 'e' && kind != 'f')) return;
    if (cg_x_origin(pkg, file, value) != CG_ORIGIN_GO) return;
    if (fresh_pointer_free(pkg, file, target)) return;
    if (!around_go_pointers(ctx, file, target, 0, &around)) return;

    const char *what = cg_node_text(file, target);
    const char *name = cg_node_text(file, id);
    cg_diag *d = cg_check_report(
        ctx, file, arg,
        "%s holds &%s, taken outside the call to C.%s: cgo then checks the whole Go allocation %s "
        "points into, not just %s, and panics (\"Go pointer to unpinned Go pointer\") whenever that "
        "allocation holds a Go pointer",
        name, what, call->name, name,
        kind == 'e' ? cg_node_text(file, cg_gn_field(target, CG_GF_OPERAND)) : what);
    cg_check_note(ctx, d, cg_check_loc(file, value), "the address is taken here");
    cg_check_note(ctx, d, cg_check_loc(around.file, around.node), "%s", around.why);
    note_checked_param(ctx, d, fn, index);
    cg_check_fix(ctx, d,
                 "take the address inside the call expression, e.g. C.%s(unsafe.Pointer(&%s)): cgo "
                 "then checks only %s",
                 call->name, what, kind == 'e' ? "the elements of the slice or array" : "the field");
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        for (uint32_t a = 0; a < call->arg_count; a++)
            check_argument(ctx, call, a, cg_gn_child(call->args, a));
    }
}

const cg_rule cg_rule_CG022 = {
    .id = "CG022",
    .name = "address-outside-call",
    .severity = CG_SEV_WARNING,
    .summary = "address of element or field taken outside the C call",
    .check = check,
};
