/*
 * goexpr.c: the type of a Go expression, conversions and callees.
 *
 * Covers what boundary rules look at: identifiers (locals, parameters,
 * package variables), &x, *p, x.f, x[i], x[i:j], calls of package functions
 * and methods, builtins (new, make, append, ...), cgo's helpers (C.CString,
 * C.CBytes, C.GoString, C.malloc), unsafe's functions, conversions,
 * composite literals, literals. Anything else is CG_GT_UNKNOWN.
 */
#include <string.h>

#include "gopkg_internal.h"

cg_gotype *cg_tuple_member(cg_gopkg *pkg, cg_gotype *t, unsigned index) {
    if (t->kind == CG_GT_TUPLE) return index < t->item_count ? t->items[index] : cg_gotype_unknown(pkg);
    if (index == 0) return t;
    return cg_gotype_unknown(pkg);
}

static bool is_builtin_type_name(const char *name) {
    static const char *const names[] = {
        "bool",   "string",  "int",     "int8",    "int16",     "int32",      "int64",
        "uint",   "uint8",   "uint16",  "uint32",  "uint64",    "byte",       "rune",
        "uintptr", "float32", "float64", "complex64", "complex128", "error",     "any"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

bool cg_gopkg_names_type(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    node = cg_node_unparen(node);
    if (ts_node_is_null(node)) return false;
    const char *kind = ts_node_type(node);
    if (strcmp(kind, "identifier") == 0 || strcmp(kind, "type_identifier") == 0) {
        if (cg_gopkg_binding(pkg, file, node)) return false; /* shadowed by a local */
        const char *name = cg_node_text(file, node);
        const cg_godecl *d = cg_gopkg_decl(pkg, name);
        if (d) return d->kind == CG_GODECL_TYPE;
        return is_builtin_type_name(name);
    }
    if (strcmp(kind, "selector_expression") == 0 || strcmp(kind, "qualified_type") == 0) {
        /* C.xxx is a type only in type position; as the callee of a call it is
         * a function unless the C model says otherwise: callers ask the model. */
        return cg_node_is_qualified(file, node, file->unsafe_name, "Pointer") ||
               cg_node_is_qualified(file, node, file->cgo_name, "Handle");
    }
    if (strcmp(kind, "unary_expression") == 0) { /* (*T) in a conversion */
        TSNode op = cg_node_field(node, "operator");
        if (!cg_node_text_eq(file, op, "*")) return false;
        TSNode inner = cg_node_unparen(cg_node_field(node, "operand"));
        return cg_gopkg_names_type(pkg, file, inner) || cg_node_is_qualified(file, inner, "C", NULL);
    }
    return strcmp(kind, "pointer_type") == 0 || strcmp(kind, "slice_type") == 0 ||
           strcmp(kind, "array_type") == 0 || strcmp(kind, "map_type") == 0 ||
           strcmp(kind, "channel_type") == 0 || strcmp(kind, "function_type") == 0 ||
           strcmp(kind, "interface_type") == 0 || strcmp(kind, "struct_type") == 0;
}

/* The type a conversion's type operand denotes; handles (*T) parsed as a
 * unary expression. */
static cg_gotype *conversion_target(cg_gopkg *pkg, cg_gofile *file, TSNode fn) {
    fn = cg_node_unparen(fn);
    if (cg_node_is(fn, "unary_expression")) {
        TSNode inner = cg_node_field(fn, "operand");
        return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gopkg_type_of_type(pkg, file, inner));
    }
    return cg_gopkg_type_of_type(pkg, file, fn);
}

cg_gotype *cg_gopkg_conversion(cg_gopkg *pkg, cg_gofile *file, TSNode expr, TSNode *operand) {
    expr = cg_node_unparen(expr);
    if (cg_node_is(expr, "type_conversion_expression")) {
        *operand = cg_node_field(expr, "operand");
        return cg_gopkg_type_of_type(pkg, file, cg_node_field(expr, "type"));
    }
    if (!cg_node_is(expr, "call_expression")) return NULL;
    TSNode fn = cg_node_field(expr, "function");
    TSNode args = cg_node_field(expr, "arguments");
    if (ts_node_named_child_count(args) != 1) return NULL;
    TSNode bare = cg_node_unparen(fn);
    bool is_type = cg_gopkg_names_type(pkg, file, fn);
    /* (*C.char)(p): a pointer to a C type is always a conversion. */
    if (!is_type && cg_node_is(bare, "unary_expression")) {
        TSNode inner = cg_node_unparen(cg_node_field(bare, "operand"));
        is_type = cg_node_text_eq(file, cg_node_field(bare, "operator"), "*") &&
                  cg_node_is_qualified(file, inner, "C", NULL);
    }
    if (!is_type) return NULL;
    *operand = ts_node_named_child(args, 0);
    return conversion_target(pkg, file, fn);
}

static cg_gotype *results_of(cg_gopkg *pkg, cg_gotype *fn_type) {
    fn_type = cg_gotype_underlying(pkg, fn_type);
    if (!fn_type || fn_type->kind != CG_GT_FUNC) return cg_gotype_unknown(pkg);
    if (fn_type->item_count == 1) return fn_type->items[0];
    if (fn_type->item_count == 0) return cg_gotype_unknown(pkg);
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_TUPLE);
    t->items = fn_type->items;
    t->item_count = fn_type->item_count;
    return t;
}

static cg_gotype *decl_type(cg_gopkg *pkg, cg_godecl *d) {
    if (d->type) return d->type;
    if (d->resolving) return cg_gotype_unknown(pkg);
    d->resolving = true;
    cg_gotype *t;
    if (d->kind == CG_GODECL_FUNC || d->kind == CG_GODECL_METHOD) {
        t = cg_func_type(pkg, d->file, cg_node_field(d->node, "result"));
    } else if (!ts_node_is_null(d->type_node)) {
        t = cg_gopkg_type_of_type(pkg, d->file, d->type_node);
    } else if (!ts_node_is_null(d->value)) {
        t = cg_tuple_member(pkg, cg_gopkg_type_of_expr(pkg, d->file, d->value), d->value_index);
    } else {
        t = cg_gotype_unknown(pkg);
    }
    d->type = t;
    d->resolving = false;
    return t;
}

const cg_godecl *cg_gopkg_callee(cg_gopkg *pkg, cg_gofile *file, TSNode call) {
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (cg_node_is(fn, "identifier")) {
        if (cg_gopkg_binding(pkg, file, fn)) return NULL;
        const cg_godecl *d = cg_gopkg_decl(pkg, cg_node_text(file, fn));
        return d && d->kind == CG_GODECL_FUNC ? d : NULL;
    }
    if (cg_node_is(fn, "selector_expression")) {
        TSNode operand = cg_node_field(fn, "operand");
        cg_gotype *recv = cg_gopkg_type_of_expr(pkg, file, operand);
        if (recv->kind == CG_GT_POINTER) recv = recv->elem;
        if (recv->kind != CG_GT_NAMED) return NULL;
        const char *name = cg_arena_printf(&pkg->arena, "%s.%s", recv->name,
                                           cg_node_text(file, cg_node_field(fn, "field")));
        const cg_godecl *d = cg_gopkg_decl(pkg, name);
        return d && d->kind == CG_GODECL_METHOD ? d : NULL;
    }
    return NULL;
}

static cg_gotype *c_named(cg_gopkg *pkg, const char *name, bool call) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_C);
    t->name = cg_arena_strdup(&pkg->arena, name);
    t->c_call = call;
    return t;
}

static cg_gotype *call_type(cg_gopkg *pkg, cg_gofile *file, TSNode call) {
    TSNode operand;
    cg_gotype *conv = cg_gopkg_conversion(pkg, file, call, &operand);
    if (conv) return conv;
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    TSNode args = cg_node_field(call, "arguments");
    TSNode arg0 = ts_node_named_child(args, 0);
    if (cg_node_is_qualified(file, fn, "C", NULL)) {
        const char *name = cg_node_text(file, cg_node_field(fn, "field"));
        if (strcmp(name, "CString") == 0) return cg_gotype_wrap(pkg, CG_GT_POINTER, c_named(pkg, "char", false));
        if (strcmp(name, "CBytes") == 0 || strcmp(name, "malloc") == 0)
            return cg_gotype_new(pkg, CG_GT_UNSAFE_POINTER);
        if (strcmp(name, "GoString") == 0 || strcmp(name, "GoStringN") == 0)
            return cg_gotype_builtin(pkg, "string");
        if (strcmp(name, "GoBytes") == 0)
            return cg_gotype_wrap(pkg, CG_GT_SLICE, cg_gotype_builtin(pkg, "byte"));
        return c_named(pkg, name, true);
    }
    if (file->unsafe_name && cg_node_is_qualified(file, fn, file->unsafe_name, NULL)) {
        const char *name = cg_node_text(file, cg_node_field(fn, "field"));
        if (strcmp(name, "Slice") == 0) {
            cg_gotype *p = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, arg0));
            return cg_gotype_wrap(pkg, CG_GT_SLICE, p->kind == CG_GT_POINTER ? p->elem : cg_gotype_unknown(pkg));
        }
        if (strcmp(name, "String") == 0) return cg_gotype_builtin(pkg, "string");
        if (strcmp(name, "StringData") == 0)
            return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gotype_builtin(pkg, "byte"));
        if (strcmp(name, "SliceData") == 0) {
            cg_gotype *s = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, arg0));
            return cg_gotype_wrap(pkg, CG_GT_POINTER, s->kind == CG_GT_SLICE ? s->elem : cg_gotype_unknown(pkg));
        }
        if (strcmp(name, "Add") == 0) return cg_gotype_new(pkg, CG_GT_UNSAFE_POINTER);
        if (strcmp(name, "Sizeof") == 0 || strcmp(name, "Alignof") == 0 || strcmp(name, "Offsetof") == 0)
            return cg_gotype_builtin(pkg, "uintptr");
        return cg_gotype_unknown(pkg);
    }
    if (file->cgo_name && cg_node_is_qualified(file, fn, file->cgo_name, "NewHandle")) {
        cg_gotype *t = cg_gotype_new(pkg, CG_GT_UINTPTR);
        t->name = "cgo.Handle";
        return t;
    }
    if (cg_node_is(fn, "identifier") && !cg_gopkg_binding(pkg, file, fn) &&
        !cg_gopkg_decl(pkg, cg_node_text(file, fn))) {
        const char *name = cg_node_text(file, fn);
        if (strcmp(name, "new") == 0)
            return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gopkg_type_of_type(pkg, file, arg0));
        if (strcmp(name, "make") == 0) return cg_gopkg_type_of_type(pkg, file, arg0);
        if (strcmp(name, "append") == 0 || strcmp(name, "min") == 0 || strcmp(name, "max") == 0)
            return cg_gopkg_type_of_expr(pkg, file, arg0);
        if (strcmp(name, "len") == 0 || strcmp(name, "cap") == 0 || strcmp(name, "copy") == 0)
            return cg_gotype_builtin(pkg, "int");
        if (strcmp(name, "real") == 0 || strcmp(name, "imag") == 0) return cg_gotype_builtin(pkg, "float64");
        if (strcmp(name, "complex") == 0) return cg_gotype_builtin(pkg, "complex128");
        if (strcmp(name, "recover") == 0) return cg_gotype_new(pkg, CG_GT_INTERFACE);
    }
    const cg_godecl *callee = cg_gopkg_callee(pkg, file, call);
    if (callee) return results_of(pkg, decl_type(pkg, (cg_godecl *)callee));
    /* A call through a variable of func type. */
    return results_of(pkg, cg_gopkg_type_of_expr(pkg, file, fn));
}

static cg_gotype *selector_type(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    TSNode operand = cg_node_field(node, "operand");
    const char *field = cg_node_text(file, cg_node_field(node, "field"));
    if (cg_node_is_qualified(file, node, "C", NULL)) return c_named(pkg, field, false);
    if (cg_node_is(operand, "identifier") && !cg_gopkg_binding(pkg, file, operand) &&
        !cg_gopkg_decl(pkg, cg_node_text(file, operand)))
        return cg_gotype_unknown(pkg); /* another package's member */
    cg_gotype *base = cg_gopkg_type_of_expr(pkg, file, operand);
    const cg_gofield *f = cg_gotype_field(pkg, base, field);
    if (f) return f->type;
    /* A C struct field: the model stage resolves it from the C layout. */
    cg_gotype *u = cg_gotype_underlying(pkg, base);
    if (u && u->kind == CG_GT_POINTER) u = cg_gotype_underlying(pkg, u->elem);
    if (u && u->kind == CG_GT_C) {
        /* "struct_s.f", or for the result of a call "new_table.slots": the
         * model stage resolves the path against the C declarations. */
        cg_gotype *t = cg_gotype_new(pkg, CG_GT_C);
        t->name = cg_arena_printf(&pkg->arena, "%s.%s", u->name, field);
        t->c_call = u->c_call;
        return t;
    }
    /* A method value. */
    if (base->kind == CG_GT_NAMED || (base->kind == CG_GT_POINTER && base->elem->kind == CG_GT_NAMED)) {
        const char *tname = base->kind == CG_GT_NAMED ? base->name : base->elem->name;
        const cg_godecl *m = cg_gopkg_decl(pkg, cg_arena_printf(&pkg->arena, "%s.%s", tname, field));
        if (m) return decl_type(pkg, (cg_godecl *)m);
    }
    return cg_gotype_unknown(pkg);
}

cg_gotype *cg_gopkg_type_of_expr(cg_gopkg *pkg, cg_gofile *file, TSNode expr) {
    expr = cg_node_unparen(expr);
    if (ts_node_is_null(expr)) return cg_gotype_unknown(pkg);
    const char *kind = ts_node_type(expr);

    if (strcmp(kind, "identifier") == 0) {
        cg_gobinding *b = cg_gopkg_binding(pkg, file, expr);
        if (b) return cg_binding_type(pkg, file, b);
        cg_godecl *d = (cg_godecl *)cg_gopkg_decl(pkg, cg_node_text(file, expr));
        if (d && d->kind != CG_GODECL_TYPE) return decl_type(pkg, d);
        return cg_gotype_unknown(pkg);
    }
    if (strcmp(kind, "nil") == 0) return cg_gotype_new(pkg, CG_GT_NIL);
    if (strcmp(kind, "true") == 0 || strcmp(kind, "false") == 0) return cg_gotype_builtin(pkg, "bool");
    if (strcmp(kind, "int_literal") == 0 || strcmp(kind, "rune_literal") == 0)
        return cg_gotype_builtin(pkg, "int");
    if (strcmp(kind, "float_literal") == 0) return cg_gotype_builtin(pkg, "float64");
    if (strcmp(kind, "imaginary_literal") == 0) return cg_gotype_builtin(pkg, "complex128");
    if (strcmp(kind, "interpreted_string_literal") == 0 || strcmp(kind, "raw_string_literal") == 0)
        return cg_gotype_builtin(pkg, "string");
    if (strcmp(kind, "unary_expression") == 0) {
        TSNode op = cg_node_field(expr, "operator");
        cg_gotype *inner = cg_gopkg_type_of_expr(pkg, file, cg_node_field(expr, "operand"));
        if (cg_node_text_eq(file, op, "&")) return cg_gotype_wrap(pkg, CG_GT_POINTER, inner);
        cg_gotype *u = cg_gotype_underlying(pkg, inner);
        if (cg_node_text_eq(file, op, "*")) return u->kind == CG_GT_POINTER ? u->elem : cg_gotype_unknown(pkg);
        if (cg_node_text_eq(file, op, "<-")) return u->kind == CG_GT_CHAN ? u->elem : cg_gotype_unknown(pkg);
        if (cg_node_text_eq(file, op, "!")) return cg_gotype_builtin(pkg, "bool");
        return inner;
    }
    if (strcmp(kind, "binary_expression") == 0) {
        TSNode op = cg_node_field(expr, "operator");
        static const char *const bool_ops[] = {"==", "!=", "<", "<=", ">", ">=", "&&", "||"};
        for (size_t i = 0; i < sizeof(bool_ops) / sizeof(bool_ops[0]); i++)
            if (cg_node_text_eq(file, op, bool_ops[i])) return cg_gotype_builtin(pkg, "bool");
        cg_gotype *left = cg_gopkg_type_of_expr(pkg, file, cg_node_field(expr, "left"));
        if (left->kind != CG_GT_UNKNOWN) return left;
        return cg_gopkg_type_of_expr(pkg, file, cg_node_field(expr, "right"));
    }
    if (strcmp(kind, "selector_expression") == 0) return selector_type(pkg, file, expr);
    if (strcmp(kind, "index_expression") == 0) {
        cg_gotype *base = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, cg_node_field(expr, "operand")));
        if (base->kind == CG_GT_POINTER) base = cg_gotype_underlying(pkg, base->elem);
        if (base->kind == CG_GT_SLICE || base->kind == CG_GT_ARRAY || base->kind == CG_GT_MAP)
            return base->elem;
        if (base->kind == CG_GT_STRING) return cg_gotype_builtin(pkg, "byte");
        return cg_gotype_unknown(pkg);
    }
    if (strcmp(kind, "slice_expression") == 0) {
        cg_gotype *orig = cg_gopkg_type_of_expr(pkg, file, cg_node_field(expr, "operand"));
        cg_gotype *base = cg_gotype_underlying(pkg, orig);
        if (base->kind == CG_GT_POINTER) base = cg_gotype_underlying(pkg, base->elem);
        if (base->kind == CG_GT_ARRAY) return cg_gotype_wrap(pkg, CG_GT_SLICE, base->elem);
        if (base->kind == CG_GT_SLICE || base->kind == CG_GT_STRING) return orig;
        return cg_gotype_unknown(pkg);
    }
    if (strcmp(kind, "call_expression") == 0) return call_type(pkg, file, expr);
    if (strcmp(kind, "type_conversion_expression") == 0)
        return cg_gopkg_type_of_type(pkg, file, cg_node_field(expr, "type"));
    if (strcmp(kind, "composite_literal") == 0)
        return cg_gopkg_type_of_type(pkg, file, cg_node_field(expr, "type"));
    if (strcmp(kind, "func_literal") == 0) return cg_func_type(pkg, file, cg_node_field(expr, "result"));
    if (strcmp(kind, "type_assertion_expression") == 0)
        return cg_gopkg_type_of_type(pkg, file, cg_node_field(expr, "type"));
    return cg_gotype_unknown(pkg);
}

cg_gotype *cg_gopkg_func_type(cg_gopkg *pkg, cg_gofile *file, TSNode func) {
    return cg_func_type(pkg, file, cg_node_field(func, "result"));
}
