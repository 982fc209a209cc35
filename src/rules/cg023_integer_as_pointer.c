/*
 * CG023 integer-as-pointer: an integer that is not an address (a counter, an
 * id, a file descriptor, a cgo.Handle, a constant) is converted to
 * unsafe.Pointer or to a C pointer type to cross into C, e.g.
 * unsafe.Pointer(uintptr(h)) or (*C.void)(unsafe.Pointer(uintptr(id))).
 *
 * The unsafe.Pointer rules allow uintptr -> unsafe.Pointer only for values
 * that came from a pointer. A small integer in a pointer-typed slot is seen
 * by the runtime: stack copying throws "invalid pointer found on stack"
 * (runtime/stack.go adjustpointers, for values below minLegalPointer), the
 * collector may throw on a value that points into a span ("found bad
 * pointer in Go heap"), and checkptr (-race, -d=checkptr) throws "pointer
 * arithmetic computed bad pointer value". The conversion is reported when it
 * is part of a C call argument, converts to a C pointer type, or initializes
 * a local that is passed to C. Address arithmetic (uintptr(p)+off), integers
 * of unknown origin (a uintptr parameter) and 0 stay silent.
 */
#include <string.h>

#include "../model/finalizer.h"
#include "check.h"

enum { MAX_HOPS = 8 };

/* Target of a conversion: unsafe.Pointer, *C.T, or a C typedef of a pointer. */
static bool pointer_target(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (!t) return false;
    if (t->kind == CG_GT_UNSAFE_POINTER) return true;
    if (t->kind == CG_GT_POINTER) {
        cg_gotype *e = cg_gotype_underlying(pkg->go, t->elem);
        return e && e->kind == CG_GT_C;
    }
    cg_ctype ct;
    return t->kind == CG_GT_C && cg_x_ctype(pkg, t, &ct) && ct.kind == CG_CTYPE_POINTER;
}

static bool integer_kind(cg_package *pkg, cg_gotype *t, bool *is_uintptr) {
    t = cg_gotype_underlying(pkg->go, t);
    *is_uintptr = false;
    if (!t) return false;
    if (t->kind == CG_GT_INT) return true;
    if (t->kind == CG_GT_UINTPTR) {
        *is_uintptr = true;
        return true;
    }
    cg_ctype ct;
    if (t->kind == CG_GT_C && cg_x_ctype(pkg, t, &ct) && ct.kind == CG_CTYPE_INTEGER) {
        *is_uintptr = ct.is_uintptr;
        return true;
    }
    return false;
}

static bool is_handle(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, expr);
    return t && t->name && strcmp(t->name, "cgo.Handle") == 0;
}

/* C integer types too narrow to hold an address on a 64-bit target; wider
 * ones (long, intptr_t, size_t, int64_t) may carry one (JNI's jlong handles,
 * addresses returned as integers) and stay unknown. */
static bool narrow_c_integer(const cg_ctype *ct) {
    static const char *const narrow[] = {"int", "unsigned int", "short", "unsigned short", "char",
                                         "signed char", "unsigned char", "_Bool", "int32_t", "uint32_t",
                                         "int16_t", "uint16_t", "int8_t", "uint8_t"};
    if (!ct->spelling) return false;
    for (size_t i = 0; i < sizeof narrow / sizeof narrow[0]; i++)
        if (strcmp(ct->spelling, narrow[i]) == 0) return true;
    return false;
}

/* An integer value that ends the search: a number by its type, or unknown. */
static const char *number_by_type(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, expr);
    cg_gotype *u = cg_gotype_underlying(pkg->go, t);
    cg_ctype ct;
    bool number = (u && u->kind == CG_GT_INT) ||
                  (u && u->kind == CG_GT_C && cg_x_ctype(pkg, u, &ct) && ct.kind == CG_CTYPE_INTEGER &&
                   narrow_c_integer(&ct));
    if (!number) return NULL;
    return cg_arena_printf(&pkg->arena, "%s has type %s: a number, not an address", cg_node_text(file, expr),
                           cg_gotype_string(pkg->go, t));
}

/* Describes why `expr` (an integer) is not an address, or returns NULL when
 * it may be one. Follows integer conversions and locals with one value;
 * arithmetic may be address arithmetic and stays unknown. */
static const char *not_an_address(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        expr = cg_gn_unparen(expr);
        if (cg_gn_is(expr, CG_GK_INT_LITERAL))
            return cg_node_text_eq(file, expr, "0")
                       ? NULL
                       : cg_arena_printf(&pkg->arena, "the constant %s", cg_node_text(file, expr));
        if (is_handle(pkg, file, expr))
            return cg_arena_printf(&pkg->arena, "%s is a cgo.Handle, a small table index",
                                   cg_node_text(file, expr));
        bool uptr = false;
        if (!integer_kind(pkg, cg_gopkg_type_of_expr(pkg->go, file, expr), &uptr)) return NULL;
        cg_gn inner = cg_x_strip_conversions(pkg, file, expr);
        if (inner != expr) {
            bool inner_uptr = false;
            if (!integer_kind(pkg, cg_gopkg_type_of_expr(pkg->go, file, inner), &inner_uptr) &&
                !is_handle(pkg, file, inner))
                return NULL; /* uintptr(unsafe.Pointer(p)): an address */
            expr = inner;
            continue;
        }
        if (cg_gn_is(expr, CG_GK_IDENTIFIER)) {
            cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
            cg_gn value = b ? cg_binding_single_value(b) : NULL;
            if (value) {
                expr = value;
                continue;
            }
            return uptr ? NULL : number_by_type(pkg, file, expr);
        }
        if (cg_gn_is(expr, CG_GK_BINARY_EXPRESSION) || cg_gn_is(expr, CG_GK_UNARY_EXPRESSION)) return NULL;
        return uptr ? NULL : number_by_type(pkg, file, expr);
    }
    return NULL;
}

/* A C call that receives the converted value. */
typedef struct c_target {
    const char *name; /* NULL when the value does not reach C */
    const cg_cfunc *cfunc;
} c_target;

static c_target c_call_target(cg_package *pkg, cg_gofile *file, cg_gn call) {
    c_target t = {cg_c_callee(pkg, file, call), NULL};
    if (t.name) t.cfunc = cg_cmodel_func(pkg->c, t.name);
    return t;
}

typedef struct arg_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gn left; /* the declared identifier */
    c_target found;
} arg_walk;

static cg_walk_action visit_arg(cg_gn n, void *arg) {
    arg_walk *w = arg;
    c_target t = c_call_target(w->pkg, w->file, n);
    if (!t.name) return CG_WALK_CONTINUE;
    cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS);
    for (uint32_t a = 0; a < cg_gn_count(args); a++) {
        cg_gn id = cg_x_strip_conversions(w->pkg, w->file, cg_gn_child(args, a));
        if (!cg_gn_is(id, CG_GK_IDENTIFIER)) continue;
        cg_gobinding *b = cg_gopkg_binding(w->pkg->go, w->file, id);
        if (b && b->ident == w->left) {
            w->found = t;
            return CG_WALK_STOP;
        }
    }
    return CG_WALK_CONTINUE;
}

/* Does the conversion reach C: inside a C call's arguments (an enclosing
 * call in the same statement), or as the initializer of a local that a C
 * call of the same function receives? path holds conv's ancestors. */
static c_target reaching_call(cg_check_ctx *ctx, cg_gofile *file, cg_gn conv, const cg_node_path *path) {
    c_target none = {NULL, NULL};
    for (size_t i = path->len; i-- > 0;) {
        cg_gn p = path->nodes[i];
        if (cg_gn_is(p, CG_GK_FUNC_LITERAL) || cg_gn_is(p, CG_GK_BLOCK)) break;
        if (cg_gn_is(p, CG_GK_CALL_EXPRESSION)) {
            c_target t = c_call_target(ctx->pkg, file, p);
            if (t.name) return t;
        }
    }
    if (path->len < 2) return none;
    cg_gn list = path->nodes[path->len - 1], decl = path->nodes[path->len - 2];
    if (!cg_gn_is(list, CG_GK_EXPRESSION_LIST) || !cg_gn_is(decl, CG_GK_SHORT_VAR_DECLARATION)) return none;
    /* Only a single-name declaration: the conversion is that name's value. */
    if (cg_gn_count(cg_gn_field(decl, CG_GF_LEFT)) != 1) return none;
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, file, conv);
    if (!fn) return none;
    arg_walk w = {ctx->pkg, file, cg_gn_child(cg_gn_field(decl, CG_GF_LEFT), 0), {NULL, NULL}};
    cg_walk(fn->node, visit_arg, &w);
    return w.found;
}

/* A conversion T(x), including C.T(x) for C type names; returns T. */
static cg_gotype *conversion_of(cg_package *pkg, cg_gofile *file, cg_gn call, cg_gn *operand) {
    cg_gotype *t = cg_gopkg_conversion(pkg->go, file, call, operand);
    if (t) return t;
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    if (!cg_node_is_qualified(file, fn, "C", NULL) || cg_gn_count(args) != 1 ||
        !cg_x_c_name_is_type(pkg, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD))))
        return NULL;
    *operand = cg_gn_child(args, 0);
    return cg_gopkg_type_of_expr(pkg->go, file, call);
}

static bool is_c_pointer_type(cg_package *pkg, cg_gotype *target) {
    cg_gotype *t = cg_gotype_underlying(pkg->go, target);
    return t && t->kind != CG_GT_UNSAFE_POINTER;
}

static void check_conversion(cg_check_ctx *ctx, cg_gofile *file, cg_gn call) {
    cg_package *pkg = ctx->pkg;
    cg_gn operand;
    cg_gotype *target = conversion_of(pkg, file, call, &operand);
    if (!target || !pointer_target(pkg, target)) return;
    bool uptr;
    if (!integer_kind(pkg, cg_gopkg_type_of_expr(pkg->go, file, operand), &uptr) &&
        !is_handle(pkg, file, operand))
        return;
    const char *why = not_an_address(pkg, file, operand);
    if (!why) return;
    /* Climb the enclosing pointer conversions: (*C.void)(unsafe.Pointer(id))
     * is one finding, reported on the whole expression. */
    cg_gn top = call;
    cg_gotype *top_type = target;
    bool to_c_type = is_c_pointer_type(pkg, target);
    cg_node_path path;
    cg_node_path_of(pkg, file, call, &path);
    size_t depth = path.len; /* path.nodes[0 .. depth) are top's ancestors */
    while (depth > 0) {
        size_t up = depth;
        while (up > 0 && cg_gn_is(path.nodes[up - 1], CG_GK_PARENTHESIZED_EXPRESSION)) up--;
        if (up < 2 || !cg_gn_is(path.nodes[up - 1], CG_GK_ARGUMENT_LIST)) break;
        cg_gn outer = path.nodes[up - 2];
        cg_gn op;
        cg_gotype *t = conversion_of(pkg, file, outer, &op);
        if (!t || !pointer_target(pkg, t)) break;
        top = outer;
        top_type = t;
        to_c_type = to_c_type || is_c_pointer_type(pkg, t);
        depth = up - 2;
    }
    path.len = depth;
    c_target c = reaching_call(ctx, file, top, &path);
    if (!c.name && !to_c_type) return;
    cg_diag *d = cg_check_report(
        ctx, file, top,
        "%s is converted to %s to cross into C, but it is not an address (%s): the runtime may treat "
        "it as a pointer and crash (\"invalid pointer found on stack\", checkptr's \"bad pointer value\")",
        cg_node_text(file, operand), cg_gotype_string(pkg->go, top_type), why);
    if (c.cfunc) cg_check_note(ctx, d, c.cfunc->decl_loc, "C.%s receives it as a pointer", c.name);
    cg_check_fix(ctx, d,
                 "pass it as an integer (C.uintptr_t(%s) with a uintptr_t parameter), or give C a "
                 "pointer it owns: a one-byte C.malloc token mapped to the value",
                 cg_node_text(file, operand));
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        check_conversion(ctx, ref->file, ref->node);
    }
}

const cg_rule cg_rule_CG023 = {
    .id = "CG023",
    .name = "integer-as-pointer",
    .severity = CG_SEV_ERROR,
    .summary = "integer that is not an address converted to a pointer",
    .check = check,
};
