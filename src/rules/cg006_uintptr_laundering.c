/*
 * CG006 uintptr-laundering: a Go pointer is converted to an integer
 * (uintptr, C.uintptr_t, C.size_t, C.long, ...) and that integer crosses
 * into C, as a C call argument, by a store into C memory or as a result of
 * an //export function, directly or through local integer variables,
 * integer arithmetic and the fields of a composite literal.
 *
 * An integer is not a pointer to the garbage collector: nothing keeps the
 * object alive for C, and cgocheck (which inspects pointer arguments and,
 * with cgocheck2, pointer stores) does not see it either. Conversions back
 * to unsafe.Pointer inside the argument (unsafe.Pointer rule 3) give C a
 * pointer, not an integer, and stay silent; so do cgo.Handle values,
 * integers made from C pointers, and plain numbers.
 */
#include "check.h"

#include "../model/cmemory.h"

enum { MAX_DEPTH = 8 };

static bool integer_type(cg_package *pkg, cg_gotype *type) {
    type = cg_gotype_underlying(pkg->go, type);
    if (!type) return false;
    if (type->kind == CG_GT_INT || type->kind == CG_GT_UINTPTR) return true;
    cg_ctype ct;
    return type->kind == CG_GT_C && cg_x_ctype(pkg, type, &ct) && ct.kind == CG_CTYPE_INTEGER;
}

static bool pointer_type(cg_package *pkg, cg_gotype *type) {
    type = cg_gotype_underlying(pkg->go, type);
    if (!type) return false;
    if (type->kind == CG_GT_POINTER || type->kind == CG_GT_UNSAFE_POINTER) return true;
    cg_ctype ct;
    return type->kind == CG_GT_C && cg_x_ctype(pkg, type, &ct) && ct.kind == CG_CTYPE_POINTER;
}

/* The operand of a conversion T(x), including cgo's C.T(x); null otherwise. */
static TSNode conversion_operand(cg_package *pkg, cg_gofile *file, TSNode expr) {
    TSNode operand = {0};
    if (cg_gopkg_conversion(pkg->go, file, expr, &operand)) return operand;
    if (!cg_node_is(expr, "call_expression")) return (TSNode){0};
    TSNode fn = cg_node_unparen(cg_node_field(expr, "function"));
    TSNode args = cg_node_field(expr, "arguments");
    if (cg_node_is_qualified(file, fn, "C", NULL) && ts_node_named_child_count(args) == 1 &&
        cg_x_c_name_is_type(pkg, cg_node_text(file, cg_node_field(fn, "field"))))
        return ts_node_named_child(args, 0);
    return (TSNode){0};
}

/* reflect.ValueOf(x).Pointer() and reflect.ValueOf(x).Elem().UnsafeAddr()
 * (any number of .Elem()) return the address behind x as a uintptr: the
 * operand x, or a null node. */
static TSNode reflect_address_operand(const cg_gofile *file, TSNode expr) {
    TSNode none = {0};
    if (!file->reflect_name || !cg_node_is(expr, "call_expression") ||
        ts_node_named_child_count(cg_node_field(expr, "arguments")) != 0)
        return none;
    TSNode sel = cg_node_unparen(cg_node_field(expr, "function"));
    if (!cg_node_is(sel, "selector_expression")) return none;
    TSNode method = cg_node_field(sel, "field");
    if (!cg_node_text_eq(file, method, "Pointer") && !cg_node_text_eq(file, method, "UnsafeAddr")) return none;
    TSNode recv = cg_node_unparen(cg_node_field(sel, "operand"));
    for (int i = 0; i < MAX_DEPTH && cg_node_is(recv, "call_expression"); i++) {
        TSNode fn = cg_node_unparen(cg_node_field(recv, "function"));
        TSNode args = cg_node_field(recv, "arguments");
        if (cg_node_is_qualified(file, fn, file->reflect_name, "ValueOf"))
            return ts_node_named_child_count(args) == 1 ? ts_node_named_child(args, 0) : none;
        if (!cg_node_is(fn, "selector_expression") || !cg_node_text_eq(file, cg_node_field(fn, "field"), "Elem") ||
            ts_node_named_child_count(args) != 0)
            return none;
        recv = cg_node_unparen(cg_node_field(fn, "operand"));
    }
    return none;
}

/* Finds, inside an integer-valued expression, the conversion of a Go pointer
 * to an integer. Returns the conversion node and sets *pointer to the
 * converted pointer expression; a null node when there is none. */
static TSNode laundered(cg_package *pkg, cg_cmem *cm, cg_gofile *file, TSNode expr, TSNode *pointer, int depth) {
    TSNode none = {0};
    TSNode e = cg_node_unparen(expr);
    if (ts_node_is_null(e) || depth > MAX_DEPTH) return none;
    TSNode reflected = reflect_address_operand(file, e);
    if (!ts_node_is_null(reflected)) {
        if (cg_cmem_pointer_origin(cm, file, reflected) != CG_ORIGIN_GO) return none;
        *pointer = reflected;
        return e;
    }
    if (!integer_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, e))) return none;
    TSNode operand = conversion_operand(pkg, file, e);
    if (!ts_node_is_null(operand)) {
        if (pointer_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, operand))) {
            if (cg_cmem_pointer_origin(cm, file, operand) != CG_ORIGIN_GO) return none;
            *pointer = operand;
            return e;
        }
        return laundered(pkg, cm, file, operand, pointer, depth + 1);
    }
    if (cg_node_is(e, "binary_expression")) { /* uintptr arithmetic keeps the address */
        TSNode r = laundered(pkg, cm, file, cg_node_field(e, "left"), pointer, depth + 1);
        if (!ts_node_is_null(r)) return r;
        return laundered(pkg, cm, file, cg_node_field(e, "right"), pointer, depth + 1);
    }
    if (cg_node_is(e, "identifier")) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, e);
        if (!b || (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR) || b->value_index) return none;
        if (!ts_node_is_null(b->value)) {
            TSNode r = laundered(pkg, cm, file, b->value, pointer, depth + 1);
            if (!ts_node_is_null(r)) return r;
        }
        for (size_t i = 0; i < b->assigned.len; i++) {
            TSNode r = laundered(pkg, cm, file, b->assigned.items[i], pointer, depth + 1);
            if (!ts_node_is_null(r)) return r;
        }
    }
    return none;
}

/* Like laundered, and also inside the fields of a composite literal that C
 * receives whole (C.f(C.struct_job{ctx: ...}), &C.struct_job{...}, a store
 * of a literal into C memory). */
static TSNode laundered_value(cg_package *pkg, cg_cmem *cm, cg_gofile *file, TSNode expr,
                              TSNode *pointer, int depth) {
    TSNode e = cg_x_strip_conversions(pkg, file, expr);
    if (cg_node_is(e, "unary_expression") && cg_node_text_eq(file, cg_node_field(e, "operator"), "&"))
        e = cg_node_unparen(cg_node_field(e, "operand"));
    if (!cg_node_is(e, "composite_literal") || depth > MAX_DEPTH)
        return laundered(pkg, cm, file, expr, pointer, 0);
    TSNode body = cg_node_field(e, "body");
    uint32_t n = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < n; i++) {
        TSNode el = ts_node_named_child(body, i);
        TSNode value = cg_node_is(el, "keyed_element") ? cg_node_field(el, "value") : el;
        if (cg_node_is(value, "literal_element")) value = ts_node_named_child(value, 0);
        if (cg_node_is(value, "comment") || cg_node_is(value, "literal_value")) continue;
        TSNode r = laundered_value(pkg, cm, file, value, pointer, depth + 1);
        if (!ts_node_is_null(r)) return r;
    }
    return (TSNode){0};
}

static cg_diag *report(cg_check_ctx *ctx, cg_gofile *file, TSNode at, TSNode conv, TSNode pointer,
                       const char *where) {
    cg_package *pkg = ctx->pkg;
    const char *target = !ts_node_is_null(reflect_address_operand(file, cg_node_unparen(conv)))
                             ? "uintptr, from reflect"
                             : cg_gotype_string(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, conv));
    cg_diag *d = cg_check_report(
        ctx, file, at,
        "Go pointer %s crosses into C as an integer (%s) %s: the garbage collector does not keep "
        "the object alive for C and cgocheck does not check it",
        cg_node_text(file, pointer), target, where);
    if (!ts_node_eq(conv, cg_node_unparen(at)))
        cg_check_note(ctx, d, cg_check_loc(file, conv), "the pointer becomes an integer here");
    TSNode src = cg_cmem_source(pkg, file, pointer);
    if (!ts_node_eq(src, pointer) && !ts_node_eq(src, cg_node_unparen(pointer)))
        cg_check_note(ctx, d, cg_check_loc(file, src), "the Go memory comes from here");
    cg_check_fix(ctx, d,
                 "pass a pointer (unsafe.Pointer or *C.T) so that cgocheck sees it and pin it with "
                 "runtime.Pinner while C keeps it, or pass a cgo.Handle (cgo.NewHandle) that C hands "
                 "back to Go");
    return d;
}

static void check_calls(cg_check_ctx *ctx, cg_cmem *cm) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        for (uint32_t a = 0; a < call->arg_count; a++) {
            TSNode arg = ts_node_named_child(call->args, a);
            TSNode pointer = {0};
            TSNode conv = laundered_value(ctx->pkg, cm, call->file, arg, &pointer, 0);
            if (ts_node_is_null(conv)) continue;
            const char *where = cg_arena_printf(&ctx->pkg->arena, "through argument %u of C.%s", a + 1,
                                                call->name);
            cg_diag *d = report(ctx, call->file, arg, conv, pointer, where);
            const cg_cfunc *fn = call->cfunc;
            if (fn && a < fn->param_count)
                cg_check_note(ctx, d, fn->params[a].loc, "C parameter '%s' (%s) of %s receives it",
                              cg_check_param_name(ctx, fn, a), fn->params[a].type.spelling, fn->name);
        }
    }
}

static void check_stores(cg_check_ctx *ctx, cg_cmem *cm) {
    for (size_t i = 0; i < ctx->facts->assignments.len; i++) {
        cg_gofile *file = ctx->facts->assignments.items[i].file;
        TSNode stmt = ctx->facts->assignments.items[i].node;
        if (!cg_node_text_eq(file, cg_node_field(stmt, "operator"), "=")) continue;
        TSNode left = cg_node_field(stmt, "left"), right = cg_node_field(stmt, "right");
        uint32_t n = ts_node_named_child_count(left);
        if (n != ts_node_named_child_count(right)) continue;
        for (uint32_t k = 0; k < n; k++) {
            TSNode target = ts_node_named_child(left, k);
            TSNode pointer = {0};
            TSNode conv = laundered_value(ctx->pkg, cm, file, ts_node_named_child(right, k), &pointer, 0);
            if (ts_node_is_null(conv)) continue; /* cheaper than the C-memory question: first */
            if (ts_node_is_null(cg_cmem_lvalue_base(cm, file, target))) continue;
            const char *where = cg_arena_printf(&ctx->pkg->arena, "stored into C memory (%s)",
                                                cg_node_text(file, target));
            report(ctx, file, ts_node_named_child(right, k), conv, pointer, where);
        }
    }
}

/* Results of //export functions go to the C caller. */
typedef struct return_walk {
    cg_check_ctx *ctx;
    cg_cmem *cm;
    cg_gofile *file;
    const cg_go_export *export;
} return_walk;

static cg_walk_action visit_return(TSNode n, void *arg) {
    return_walk *w = arg;
    if (cg_node_is(n, "func_literal")) return CG_WALK_SKIP_CHILDREN;
    if (!cg_node_is(n, "return_statement")) return CG_WALK_CONTINUE;
    TSNode list = ts_node_named_child(n, 0);
    uint32_t count = cg_node_is(list, "expression_list") ? ts_node_named_child_count(list) : 0;
    for (uint32_t i = 0; i < count; i++) {
        TSNode value = ts_node_named_child(list, i);
        TSNode pointer = {0};
        TSNode conv = laundered_value(w->ctx->pkg, w->cm, w->file, value, &pointer, 0);
        if (ts_node_is_null(conv)) continue;
        const char *where = cg_arena_printf(&w->ctx->pkg->arena, "as a result of //export %s",
                                            w->export->name);
        report(w->ctx, w->file, value, conv, pointer, where);
    }
    return CG_WALK_SKIP_CHILDREN;
}

static void check_exports(cg_check_ctx *ctx, cg_cmem *cm) {
    cg_gopkg *go = ctx->pkg->go;
    for (size_t f = 0; f < go->files.len; f++) {
        cg_gofile *file = go->files.items[f];
        for (size_t i = 0; i < file->exports.len; i++) {
            return_walk w = {ctx, cm, file, &file->exports.items[i]};
            cg_walk(cg_node_field(w.export->func, "body"), visit_return, &w);
        }
    }
}

static void check(cg_check_ctx *ctx) {
    cg_cmem *cm = cg_check_cmem(ctx);
    check_calls(ctx, cm);
    check_stores(ctx, cm);
    check_exports(ctx, cm);
}

const cg_rule cg_rule_CG006 = {
    .id = "CG006",
    .name = "uintptr-laundering",
    .severity = CG_SEV_WARNING,
    .summary = "pointer to Go memory handed to C as an integer",
    .check = check,
};
