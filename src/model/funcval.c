/*
 * funcval.c: Go func values behind pointer expressions (see funcval.h).
 *
 * A Go func value is a pointer to a closure record whose first word is the
 * code pointer of a function compiled for Go's internal ABI. cgo gives C no
 * way to call one, so every route by which a func value's address or code
 * pointer becomes a C pointer goes through unsafe: &f, a dereference of
 * *unsafe.Pointer, or reflect's Pointer(). This file recognises those routes.
 */
#include "funcval.h"

#include <string.h>

enum { MAX_HOPS = 4, MAX_DEPTH = 8 };

bool cg_x_is_func_type(cg_package *pkg, cg_gotype *type) {
    cg_gotype *u = cg_gotype_underlying(pkg->go, type);
    return u && u->kind == CG_GT_FUNC;
}

/* x.M where x has a named type of this package with a method M (its own or promoted). */
static bool is_method_value(cg_package *pkg, cg_gofile *file, cg_gn sel) {
    if (!cg_gn_is(sel, CG_GK_SELECTOR_EXPRESSION)) return false;
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, cg_gn_field(sel, CG_GF_OPERAND));
    return cg_gopkg_method(pkg->go, t, cg_node_text(file, cg_gn_field(sel, CG_GF_FIELD))) != NULL;
}

bool cg_x_is_func_value(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    expr = cg_gn_unparen(expr);
    if (!expr) return false;
    if (cg_gn_is(expr, CG_GK_FUNC_LITERAL)) return true;
    if (cg_gn_is(expr, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg->go, file, expr)) {
        const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, expr));
        if (d && d->kind == CG_GODECL_FUNC) return true;
    }
    if (is_method_value(pkg, file, expr)) return true;
    return cg_x_is_func_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, expr));
}

/* reflect.ValueOf(f).Pointer() or .UnsafePointer(): returns f. */
static cg_gn reflect_code_pointer(cg_gofile *file, cg_gn call) {
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_gn_is(fn, CG_GK_SELECTOR_EXPRESSION)) return NULL;
    cg_gn field = cg_gn_field(fn, CG_GF_FIELD);
    if (!cg_node_text_eq(file, field, "Pointer") && !cg_node_text_eq(file, field, "UnsafePointer"))
        return NULL;
    cg_gn inner = cg_gn_unparen(cg_gn_field(fn, CG_GF_OPERAND));
    if (!cg_gn_is(inner, CG_GK_CALL_EXPRESSION) ||
        !cg_node_is_qualified(file, cg_gn_unparen(cg_gn_field(inner, CG_GF_FUNCTION)), "reflect",
                              "ValueOf"))
        return NULL;
    cg_gn args = cg_gn_field(inner, CG_GF_ARGUMENTS);
    if (cg_gn_count(args) != 1) return NULL;
    return cg_gn_child(args, 0);
}

static cg_gn source_rec(cg_package *pkg, cg_gofile *file, cg_gn expr, const char **how, bool *code,
                         int depth) {
    if (depth > MAX_DEPTH) return NULL;
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (!expr) return expr;
    if (cg_gn_is(expr, CG_GK_UNARY_EXPRESSION)) {
        cg_gop op = cg_gn_op(expr);
        cg_gn operand = cg_gn_unparen(cg_gn_field(expr, CG_GF_OPERAND));
        if (op == CG_GOP_AMP) {
            if (!cg_x_is_func_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, operand))) return NULL;
            *how = cg_arena_printf(&pkg->arena, "the address of the Go func value %s",
                                   cg_node_text(file, operand));
            *code = false;
            return operand;
        }
        if (op == CG_GOP_STAR) {
            /* *(*unsafe.Pointer)(unsafe.Pointer(&f)) reads the closure pointer out of f. */
            cg_gn inner = source_rec(pkg, file, operand, how, code, depth + 1);
            if (inner) {
                *how = cg_arena_printf(&pkg->arena, "the closure pointer read out of the Go func value %s",
                                       cg_node_text(file, inner));
                *code = true;
            }
            return inner;
        }
        return NULL;
    }
    cg_gn f = reflect_code_pointer(file, expr);
    if (f) {
        if (!cg_x_is_func_value(pkg, file, f)) return NULL;
        *how = cg_arena_printf(&pkg->arena, "the code pointer of the Go func %s (reflect.Value.Pointer)",
                               cg_node_text(file, f));
        *code = true;
        return f;
    }
    if (cg_gn_is(expr, CG_GK_IDENTIFIER)) {
        /* p := unsafe.Pointer(&f): follow a single, never reassigned initializer. */
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
        if (!b || !b->value || b->defs.len || b->value_index || b->visiting)
            return NULL;
        b->visiting = true;
        cg_gn r = depth < MAX_HOPS ? source_rec(pkg, file, b->value, how, code, depth + 1) : NULL;
        b->visiting = false;
        return r;
    }
    return NULL;
}

cg_gn cg_x_go_func_source(cg_package *pkg, cg_gofile *file, cg_gn expr, const char **how, bool *code) {
    bool ignored;
    *how = "";
    if (!code) code = &ignored;
    *code = false;
    return source_rec(pkg, file, expr, how, code, 0);
}
