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

/* x.M where x has a named type of this package with a method M. */
static bool is_method_value(cg_package *pkg, cg_gofile *file, TSNode sel) {
    if (!cg_node_is(sel, "selector_expression")) return false;
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, cg_node_field(sel, "operand"));
    if (t && t->kind == CG_GT_POINTER) t = t->elem;
    if (!t || t->kind != CG_GT_NAMED || !t->name) return false;
    const char *m = cg_arena_printf(&pkg->arena, "%s.%s", t->name,
                                    cg_node_text(file, cg_node_field(sel, "field")));
    const cg_godecl *d = cg_gopkg_decl(pkg->go, m);
    return d && d->kind == CG_GODECL_METHOD;
}

bool cg_x_is_func_value(cg_package *pkg, cg_gofile *file, TSNode expr) {
    expr = cg_node_unparen(expr);
    if (ts_node_is_null(expr)) return false;
    if (cg_node_is(expr, "func_literal")) return true;
    if (cg_node_is(expr, "identifier") && !cg_gopkg_binding(pkg->go, file, expr)) {
        const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, expr));
        if (d && d->kind == CG_GODECL_FUNC) return true;
    }
    if (is_method_value(pkg, file, expr)) return true;
    return cg_x_is_func_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, expr));
}

/* reflect.ValueOf(f).Pointer() or .UnsafePointer(): returns f. */
static TSNode reflect_code_pointer(cg_gofile *file, TSNode call) {
    if (!cg_node_is(call, "call_expression")) return (TSNode){0};
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (!cg_node_is(fn, "selector_expression")) return (TSNode){0};
    TSNode field = cg_node_field(fn, "field");
    if (!cg_node_text_eq(file, field, "Pointer") && !cg_node_text_eq(file, field, "UnsafePointer"))
        return (TSNode){0};
    TSNode inner = cg_node_unparen(cg_node_field(fn, "operand"));
    if (!cg_node_is(inner, "call_expression") ||
        !cg_node_is_qualified(file, cg_node_unparen(cg_node_field(inner, "function")), "reflect",
                              "ValueOf"))
        return (TSNode){0};
    TSNode args = cg_node_field(inner, "arguments");
    if (ts_node_named_child_count(args) != 1) return (TSNode){0};
    return ts_node_named_child(args, 0);
}

static TSNode source_rec(cg_package *pkg, cg_gofile *file, TSNode expr, const char **how, bool *code,
                         int depth) {
    if (depth > MAX_DEPTH) return (TSNode){0};
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (ts_node_is_null(expr)) return expr;
    if (cg_node_is(expr, "unary_expression")) {
        TSNode op = cg_node_field(expr, "operator");
        TSNode operand = cg_node_unparen(cg_node_field(expr, "operand"));
        if (cg_node_text_eq(file, op, "&")) {
            if (!cg_x_is_func_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, operand))) return (TSNode){0};
            *how = cg_arena_printf(&pkg->arena, "the address of the Go func value %s",
                                   cg_node_text(file, operand));
            *code = false;
            return operand;
        }
        if (cg_node_text_eq(file, op, "*")) {
            /* *(*unsafe.Pointer)(unsafe.Pointer(&f)) reads the closure pointer out of f. */
            TSNode inner = source_rec(pkg, file, operand, how, code, depth + 1);
            if (!ts_node_is_null(inner)) {
                *how = cg_arena_printf(&pkg->arena, "the closure pointer read out of the Go func value %s",
                                       cg_node_text(file, inner));
                *code = true;
            }
            return inner;
        }
        return (TSNode){0};
    }
    TSNode f = reflect_code_pointer(file, expr);
    if (!ts_node_is_null(f)) {
        if (!cg_x_is_func_value(pkg, file, f)) return (TSNode){0};
        *how = cg_arena_printf(&pkg->arena, "the code pointer of the Go func %s (reflect.Value.Pointer)",
                               cg_node_text(file, f));
        *code = true;
        return f;
    }
    if (cg_node_is(expr, "identifier")) {
        /* p := unsafe.Pointer(&f): follow a single, never reassigned initializer. */
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
        if (!b || ts_node_is_null(b->value) || b->assigned.len || b->value_index || b->resolving)
            return (TSNode){0};
        b->resolving = true;
        TSNode r = depth < MAX_HOPS ? source_rec(pkg, file, b->value, how, code, depth + 1) : (TSNode){0};
        b->resolving = false;
        return r;
    }
    return (TSNode){0};
}

TSNode cg_x_go_func_source(cg_package *pkg, cg_gofile *file, TSNode expr, const char **how, bool *code) {
    bool ignored;
    *how = "";
    if (!code) code = &ignored;
    *code = false;
    return source_rec(pkg, file, expr, how, code, 0);
}
