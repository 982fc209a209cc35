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
 *
 * A call argument is the deliberate form of this (gozstd passes buffers as
 * C.uintptr_t to skip cgocheck): it stays silent when nothing can go wrong
 * during or after the call, that is when the function keeps the object
 * alive past the call (a later use, runtime.KeepAlive), the memory holds no
 * Go pointers (so cgocheck has nothing to find), and the C function,
 * defined in the package, does not keep the integer (an external function
 * it hands it to is assumed not to, as in every C summary).
 */
#include "check.h"

#include "../cfront/csummary.h"
#include "../gofront/gocfg.h"
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
static cg_gn conversion_operand(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn operand = NULL;
    if (cg_gopkg_conversion(pkg->go, file, expr, &operand)) return operand;
    if (!cg_gn_is(expr, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(expr, CG_GF_FUNCTION));
    cg_gn args = cg_gn_field(expr, CG_GF_ARGUMENTS);
    if (cg_node_is_qualified(file, fn, "C", NULL) && cg_gn_count(args) == 1 &&
        cg_x_c_name_is_type(pkg, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD))))
        return cg_gn_child(args, 0);
    return NULL;
}

/* reflect.ValueOf(x).Pointer() and reflect.ValueOf(x).Elem().UnsafeAddr()
 * (any number of .Elem()) return the address behind x as a uintptr: the
 * operand x, or a null node. */
static cg_gn reflect_address_operand(const cg_gofile *file, cg_gn expr) {
    cg_gn none = NULL;
    if (!file->reflect_name || !cg_gn_is(expr, CG_GK_CALL_EXPRESSION) ||
        cg_gn_count(cg_gn_field(expr, CG_GF_ARGUMENTS)) != 0)
        return none;
    cg_gn sel = cg_gn_unparen(cg_gn_field(expr, CG_GF_FUNCTION));
    if (!cg_gn_is(sel, CG_GK_SELECTOR_EXPRESSION)) return none;
    cg_gn method = cg_gn_field(sel, CG_GF_FIELD);
    if (!cg_node_text_eq(file, method, "Pointer") && !cg_node_text_eq(file, method, "UnsafeAddr")) return none;
    cg_gn recv = cg_gn_unparen(cg_gn_field(sel, CG_GF_OPERAND));
    for (int i = 0; i < MAX_DEPTH && cg_gn_is(recv, CG_GK_CALL_EXPRESSION); i++) {
        cg_gn fn = cg_gn_unparen(cg_gn_field(recv, CG_GF_FUNCTION));
        cg_gn args = cg_gn_field(recv, CG_GF_ARGUMENTS);
        if (cg_node_is_qualified(file, fn, file->reflect_name, "ValueOf"))
            return cg_gn_count(args) == 1 ? cg_gn_child(args, 0) : none;
        if (!cg_gn_is(fn, CG_GK_SELECTOR_EXPRESSION) || !cg_node_text_eq(file, cg_gn_field(fn, CG_GF_FIELD), "Elem") ||
            cg_gn_count(args) != 0)
            return none;
        recv = cg_gn_unparen(cg_gn_field(fn, CG_GF_OPERAND));
    }
    return none;
}

/* Finds, inside an integer-valued expression, the conversion of a Go pointer
 * to an integer. Returns the conversion node and sets *pointer to the
 * converted pointer expression; a null node when there is none. */
static cg_gn laundered(cg_package *pkg, cg_cmem *cm, cg_gofile *file, cg_gn expr, cg_gn *pointer, int depth) {
    cg_gn none = NULL;
    cg_gn e = cg_gn_unparen(expr);
    if (!e || depth > MAX_DEPTH) return none;
    cg_gn reflected = reflect_address_operand(file, e);
    if (reflected) {
        if (cg_cmem_pointer_origin(cm, file, reflected) != CG_ORIGIN_GO) return none;
        *pointer = reflected;
        return e;
    }
    if (!integer_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, e))) return none;
    cg_gn operand = conversion_operand(pkg, file, e);
    if (operand) {
        if (pointer_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, operand))) {
            if (cg_cmem_pointer_origin(cm, file, operand) != CG_ORIGIN_GO) return none;
            *pointer = operand;
            return e;
        }
        return laundered(pkg, cm, file, operand, pointer, depth + 1);
    }
    if (cg_gn_is(e, CG_GK_BINARY_EXPRESSION)) { /* uintptr arithmetic keeps the address */
        cg_gn r = laundered(pkg, cm, file, cg_gn_field(e, CG_GF_LEFT), pointer, depth + 1);
        if (r) return r;
        return laundered(pkg, cm, file, cg_gn_field(e, CG_GF_RIGHT), pointer, depth + 1);
    }
    if (cg_gn_is(e, CG_GK_IDENTIFIER)) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, e);
        if (!b || (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR) || b->value_index) return none;
        if (b->value) {
            cg_gn r = laundered(pkg, cm, file, b->value, pointer, depth + 1);
            if (r) return r;
        }
        for (size_t i = 0; i < b->defs.len; i++) {
            cg_gn v = cg_def_value(&b->defs.items[i]);
            cg_gn r = v ? laundered(pkg, cm, file, v, pointer, depth + 1) : NULL;
            if (r) return r;
        }
    }
    return none;
}

/* Like laundered, and also inside the fields of a composite literal that C
 * receives whole (C.f(C.struct_job{ctx: ...}), &C.struct_job{...}, a store
 * of a literal into C memory). */
static cg_gn laundered_value(cg_package *pkg, cg_cmem *cm, cg_gofile *file, cg_gn expr,
                              cg_gn *pointer, int depth) {
    cg_gn e = cg_x_strip_conversions(pkg, file, expr);
    if (cg_gn_is(e, CG_GK_UNARY_EXPRESSION) && cg_gn_op(e) == CG_GOP_AMP)
        e = cg_gn_unparen(cg_gn_field(e, CG_GF_OPERAND));
    if (!cg_gn_is(e, CG_GK_COMPOSITE_LITERAL) || depth > MAX_DEPTH)
        return laundered(pkg, cm, file, expr, pointer, 0);
    cg_gn body = cg_gn_field(e, CG_GF_BODY);
    uint32_t n = cg_gn_count(body);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn el = cg_gn_child(body, i);
        cg_gn value = cg_gn_is(el, CG_GK_KEYED_ELEMENT) ? cg_gn_field(el, CG_GF_VALUE) : el;
        if (cg_gn_is(value, CG_GK_LITERAL_ELEMENT)) value = cg_gn_child(value, 0);
        if (cg_gn_is(value, CG_GK_COMMENT) || cg_gn_is(value, CG_GK_LITERAL_VALUE)) continue;
        cg_gn r = laundered_value(pkg, cm, file, value, pointer, depth + 1);
        if (r) return r;
    }
    return NULL;
}

static cg_diag *report(cg_check_ctx *ctx, cg_gofile *file, cg_gn at, cg_gn conv, cg_gn pointer,
                       const char *where) {
    cg_package *pkg = ctx->pkg;
    const char *target = (reflect_address_operand(file, cg_gn_unparen(conv)))
                             ? "uintptr, from reflect"
                             : cg_gotype_string(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, conv));
    cg_diag *d = cg_check_report(
        ctx, file, at,
        "Go pointer %s crosses into C as an integer (%s) %s: the garbage collector does not keep "
        "the object alive for C and cgocheck does not check it",
        cg_node_text(file, pointer), target, where);
    if ((conv) != (cg_gn_unparen(at)))
        cg_check_note(ctx, d, cg_check_loc(file, conv), "the pointer becomes an integer here");
    cg_gn src = cg_cmem_source(pkg, file, pointer);
    if (src != pointer && (src) != (cg_gn_unparen(pointer)))
        cg_check_note(ctx, d, cg_check_loc(file, src), "the Go memory comes from here");
    cg_check_fix(ctx, d,
                 "pass a pointer (unsafe.Pointer or *C.T) so that cgocheck sees it and pin it with "
                 "runtime.Pinner while C keeps it, or pass a cgo.Handle (cgo.NewHandle) that C hands "
                 "back to Go");
    return d;
}

/* Does another argument of the call hand C a real pointer into the object
 * b holds (C.f(&b.prog, C.uintptr_t(uintptr(unsafe.Pointer(&b.hdr))))? cgo
 * keeps pointer arguments alive for the duration of the call. */
static bool passed_as_pointer(cg_check_ctx *ctx, const cg_ccall *call, cg_gobinding *b) {
    for (uint32_t i = 0; i < call->arg_count; i++) {
        cg_gn arg = cg_gn_child(call->args, i);
        if (!pointer_type(ctx->pkg, cg_gopkg_type_of_expr(ctx->pkg->go, call->file, arg))) continue;
        cg_gn e = cg_x_strip_conversions(ctx->pkg, call->file, arg);
        cg_gn root = cg_lvalue_root(cg_go_addr_operand(e) ? cg_go_addr_operand(e) : e);
        if (cg_gn_is(root, CG_GK_IDENTIFIER) && cg_gopkg_binding(ctx->pkg->go, call->file, root) == b) return true;
    }
    return false;
}

/* The deliberate, harmless form of a laundered call argument (see the top). */
static bool harmless_argument(cg_check_ctx *ctx, const cg_ccall *call, uint32_t index, cg_gn pointer) {
    cg_package *pkg = ctx->pkg;
    const cg_csummary *sum = cg_cmodel_summary(pkg->c, call->name);
    if (!sum || index >= sum->param_count) return false; /* C we cannot see may keep it */
    const cg_cparam_summary *ps = &sum->params[index];
    /* An external callee it flows into (libzstd's ZSTD_compressCCtx) is
     * assumed not to keep it, as everywhere in the C summaries. */
    if (ps->kept_kind != CG_KEEP_NONE || ps->stored_into.len || ps->returned.len || ps->registers_roles) return false;
    /* The variable whose object the pointer points into: through pointer
     * locals (hdr := (*C.T)(&b.hdr) points into b). */
    cg_gobinding *b = NULL;
    cg_gn object = pointer;
    for (int hop = 0; hop < MAX_DEPTH; hop++) {
        object = cg_x_strip_conversions(pkg, call->file, object);
        cg_gn root = cg_lvalue_root(cg_go_addr_operand(object) ? cg_go_addr_operand(object) : object);
        b = cg_gn_is(root, CG_GK_IDENTIFIER) ? cg_gopkg_binding(pkg->go, call->file, root) : NULL;
        cg_gn value = b && !cg_go_addr_operand(object) ? cg_binding_single_value(b) : NULL;
        if (!value) break;
        object = value;
    }
    if (!b || !(cg_cfg_read_after(pkg->go, call->file, b, call->call) || passed_as_pointer(ctx, call, b)))
        return false;
    const char *why;
    cg_gn stored;
    return cg_x_pointee_holds_go_pointers(pkg, call->file, pointer, &why, &stored) != CG_YES;
}

static void check_calls(cg_check_ctx *ctx, cg_cmem *cm) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        for (uint32_t a = 0; a < call->arg_count; a++) {
            cg_gn arg = cg_gn_child(call->args, a);
            cg_gn pointer = NULL;
            cg_gn conv = laundered_value(ctx->pkg, cm, call->file, arg, &pointer, 0);
            if (!conv || harmless_argument(ctx, call, a, pointer)) continue;
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
        cg_gn stmt = ctx->facts->assignments.items[i].node;
        if (cg_gn_op(stmt) != CG_GOP_ASSIGN) continue;
        cg_gn left = cg_gn_field(stmt, CG_GF_LEFT), right = cg_gn_field(stmt, CG_GF_RIGHT);
        uint32_t n = cg_gn_count(left);
        if (n != cg_gn_count(right)) continue;
        for (uint32_t k = 0; k < n; k++) {
            cg_gn target = cg_gn_child(left, k);
            cg_gn pointer = NULL;
            cg_gn conv = laundered_value(ctx->pkg, cm, file, cg_gn_child(right, k), &pointer, 0);
            if (!conv) continue; /* cheaper than the C-memory question: first */
            if (!(cg_cmem_lvalue_base(cm, file, target))) continue;
            const char *where = cg_arena_printf(&ctx->pkg->arena, "stored into C memory (%s)",
                                                cg_node_text(file, target));
            report(ctx, file, cg_gn_child(right, k), conv, pointer, where);
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

static cg_walk_action visit_return(cg_gn n, void *arg) {
    return_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_RETURN_STATEMENT)) return CG_WALK_CONTINUE;
    cg_gn list = cg_gn_child(n, 0);
    uint32_t count = cg_gn_is(list, CG_GK_EXPRESSION_LIST) ? cg_gn_count(list) : 0;
    for (uint32_t i = 0; i < count; i++) {
        cg_gn value = cg_gn_child(list, i);
        cg_gn pointer = NULL;
        cg_gn conv = laundered_value(w->ctx->pkg, w->cm, w->file, value, &pointer, 0);
        if (!conv) continue;
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
            cg_walk(cg_gn_field(w.export->func, CG_GF_BODY), visit_return, &w);
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
