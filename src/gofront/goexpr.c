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

/* The type of the index-th value of a right-hand side: the index-th result
 * of a call, and the comma-ok forms v, ok := m[k], x.(T), <-c. */
cg_gotype *cg_value_type(cg_gopkg *pkg, cg_gofile *file, cg_gn value, unsigned index) {
    cg_gn v = cg_gn_unparen(value);
    bool comma_ok = cg_gn_is(v, CG_GK_TYPE_ASSERTION_EXPRESSION) ||
                    (cg_gn_is(v, CG_GK_UNARY_EXPRESSION) && cg_gn_op(v) == CG_GOP_ARROW);
    if (cg_gn_is(v, CG_GK_INDEX_EXPRESSION)) {
        cg_gotype *base = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, cg_go_index_operand(v)));
        comma_ok = base && base->kind == CG_GT_MAP;
    }
    if (comma_ok && index == 1) return cg_gotype_builtin(pkg, "bool");
    if (comma_ok) return cg_gopkg_type_of_expr(pkg, file, v);
    return cg_tuple_member(pkg, cg_gopkg_type_of_expr(pkg, file, v), index);
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

bool cg_gopkg_names_type(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    node = cg_gn_unparen(node);
    if (!node) return false;
    cg_gk kind = cg_gn_kind(node);
    if (kind == CG_GK_IDENTIFIER || kind == CG_GK_TYPE_IDENTIFIER) {
        if (cg_gopkg_binding(pkg, file, node)) return false; /* shadowed by a local */
        const char *name = cg_node_text(file, node);
        const cg_godecl *d = cg_gopkg_decl(pkg, name);
        if (d) return d->kind == CG_GODECL_TYPE;
        return is_builtin_type_name(name);
    }
    if (kind == CG_GK_SELECTOR_EXPRESSION || kind == CG_GK_QUALIFIED_TYPE) {
        /* C.xxx is a type only in type position; as the callee of a call it is
         * a function unless the C model says otherwise: callers ask the model. */
        return cg_node_is_qualified(file, node, file->unsafe_name, "Pointer") ||
               cg_node_is_qualified(file, node, file->cgo_name, "Handle");
    }
    if (kind == CG_GK_UNARY_EXPRESSION) { /* (*T) in a conversion */
        cg_gop op = cg_gn_op(node);
        if (op != CG_GOP_STAR) return false;
        cg_gn inner = cg_gn_unparen(cg_gn_field(node, CG_GF_OPERAND));
        return cg_gopkg_names_type(pkg, file, inner) || cg_node_is_qualified(file, inner, "C", NULL);
    }
    return kind == CG_GK_POINTER_TYPE || kind == CG_GK_SLICE_TYPE ||
           kind == CG_GK_ARRAY_TYPE || kind == CG_GK_MAP_TYPE ||
           kind == CG_GK_CHANNEL_TYPE || kind == CG_GK_FUNCTION_TYPE ||
           kind == CG_GK_INTERFACE_TYPE || kind == CG_GK_STRUCT_TYPE;
}

/* The type a conversion's type operand denotes; handles (*T) parsed as a
 * unary expression. */
static cg_gotype *conversion_target(cg_gopkg *pkg, cg_gofile *file, cg_gn fn) {
    fn = cg_gn_unparen(fn);
    if (cg_gn_is(fn, CG_GK_UNARY_EXPRESSION)) {
        cg_gn inner = cg_gn_field(fn, CG_GF_OPERAND);
        return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gopkg_type_of_type(pkg, file, inner));
    }
    return cg_gopkg_type_of_type(pkg, file, fn);
}

cg_gotype *cg_gopkg_conversion(cg_gopkg *pkg, cg_gofile *file, cg_gn expr, cg_gn *operand) {
    expr = cg_gn_unparen(expr);
    if (cg_gn_is(expr, CG_GK_TYPE_CONVERSION_EXPRESSION)) {
        *operand = cg_gn_field(expr, CG_GF_OPERAND);
        return cg_gopkg_type_of_type(pkg, file, cg_gn_field(expr, CG_GF_TYPE));
    }
    if (!cg_gn_is(expr, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_field(expr, CG_GF_FUNCTION);
    cg_gn args = cg_gn_field(expr, CG_GF_ARGUMENTS);
    if (cg_gn_count(args) != 1) return NULL;
    cg_gn bare = cg_gn_unparen(fn);
    bool is_type = cg_gopkg_names_type(pkg, file, fn);
    /* (*C.char)(p): a pointer to a C type is always a conversion. */
    if (!is_type && cg_gn_is(bare, CG_GK_UNARY_EXPRESSION)) {
        cg_gn inner = cg_gn_unparen(cg_gn_field(bare, CG_GF_OPERAND));
        is_type = cg_gn_op(bare) == CG_GOP_STAR &&
                  cg_node_is_qualified(file, inner, "C", NULL);
    }
    if (!is_type) return NULL;
    *operand = cg_gn_child(args, 0);
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
        t = cg_func_type(pkg, d->file, cg_gn_field(d->node, CG_GF_RESULT));
    } else if (d->type_node) {
        t = cg_gopkg_type_of_type(pkg, d->file, d->type_node);
    } else if (d->value) {
        t = cg_value_type(pkg, d->file, d->value, d->value_index);
    } else {
        t = cg_gotype_unknown(pkg);
    }
    d->type = t;
    d->resolving = false;
    return t;
}

const cg_godecl *cg_gopkg_callee(cg_gopkg *pkg, cg_gofile *file, cg_gn call) {
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (cg_gn_is(fn, CG_GK_IDENTIFIER)) {
        if (cg_gopkg_binding(pkg, file, fn)) return NULL;
        const cg_godecl *d = cg_gopkg_decl(pkg, cg_node_text(file, fn));
        return d && d->kind == CG_GODECL_FUNC ? d : NULL;
    }
    if (cg_gn_is(fn, CG_GK_SELECTOR_EXPRESSION)) {
        cg_gn operand = cg_gn_field(fn, CG_GF_OPERAND);
        cg_gotype *recv = cg_gopkg_type_of_expr(pkg, file, operand);
        return cg_gopkg_method(pkg, recv, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD)));
    }
    return NULL;
}

cg_gn cg_gopkg_call_argument(cg_gn call, const cg_gobinding *param, cg_gn decl) {
    if (param->kind == CG_BIND_RECEIVER) {
        cg_gn fn = cg_gn_unparen(cg_go_call_func(call));
        return cg_gn_is(fn, CG_GK_SELECTOR_EXPRESSION) ? cg_go_sel_operand(fn) : NULL;
    }
    cg_gn params = cg_go_func_params(decl);
    uint32_t index = 0;
    for (uint32_t i = 0; i < cg_gn_count(params); i++) {
        cg_gn pd = cg_gn_child(params, i);
        cg_gn name;
        for (uint32_t j = 0; (name = cg_gn_field_at(pd, CG_GF_NAME, j)) != NULL; j++, index++)
            if (name == param->ident)
                return cg_gn_is(pd, CG_GK_VARIADIC_PARAMETER_DECLARATION) ? NULL : cg_go_call_arg(call, index);
    }
    return NULL;
}

/* The file's local name of one of the imports the model tracks. */
static const char *import_name(const cg_gofile *file, const char *import_path) {
    if (strcmp(import_path, "runtime/cgo") == 0) return file->cgo_name;
    if (strcmp(import_path, "runtime") == 0) return file->runtime_name;
    if (strcmp(import_path, "unsafe") == 0) return file->unsafe_name;
    if (strcmp(import_path, "reflect") == 0) return file->reflect_name;
    return NULL;
}

/* Is fn (a function value expression) the member of the import, directly
 * or through a variable that holds only it? */
static bool names_imported(cg_gopkg *pkg, cg_gofile *file, cg_gn fn, const char *import_path, const char *member,
                           int depth) {
    fn = cg_gn_unparen(fn);
    const char *local = import_name(file, import_path);
    if (local && cg_node_is_qualified(file, fn, local, member)) return true;
    if (!cg_gn_is(fn, CG_GK_IDENTIFIER) || depth > 4) return false;
    cg_gobinding *b = cg_gopkg_binding(pkg, file, fn);
    if (b) {
        cg_gn v = cg_binding_single_value(b);
        return v && names_imported(pkg, file, v, import_path, member, depth + 1);
    }
    cg_godecl *d = (cg_godecl *)cg_gopkg_decl(pkg, cg_node_text(file, fn));
    return d && d->kind == CG_GODECL_VAR && d->value && d->value_index == 0 && !d->type_node &&
           names_imported(pkg, d->file, d->value, import_path, member, depth + 1);
}

bool cg_gopkg_calls(cg_gopkg *pkg, cg_gofile *file, cg_gn call, const char *import_path, const char *member) {
    return cg_gn_is(call, CG_GK_CALL_EXPRESSION) &&
           names_imported(pkg, file, cg_go_call_func(call), import_path, member, 0);
}

static cg_gotype *c_named(cg_gopkg *pkg, const char *name, bool call) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_C);
    t->name = cg_arena_strdup(&pkg->arena, name);
    t->c_call = call;
    return t;
}

static cg_gotype *call_type(cg_gopkg *pkg, cg_gofile *file, cg_gn call) {
    cg_gn operand;
    cg_gotype *conv = cg_gopkg_conversion(pkg, file, call, &operand);
    if (conv) return conv;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    cg_gn arg0 = cg_gn_child(args, 0);
    if (cg_node_is_qualified(file, fn, "C", NULL)) {
        const char *name = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
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
        const char *name = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
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
    if (cg_gopkg_calls(pkg, file, call, "runtime/cgo", "NewHandle")) {
        cg_gotype *t = cg_gotype_new(pkg, CG_GT_UINTPTR);
        t->name = "cgo.Handle";
        return t;
    }
    if (cg_gn_is(fn, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg, file, fn) &&
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

static cg_gotype *selector_type(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    cg_gn operand = cg_gn_field(node, CG_GF_OPERAND);
    const char *field = cg_node_text(file, cg_gn_field(node, CG_GF_FIELD));
    if (cg_node_is_qualified(file, node, "C", NULL)) return c_named(pkg, field, false);
    if (cg_gn_is(operand, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg, file, operand) &&
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
    const cg_godecl *m = cg_gopkg_method(pkg, base, field);
    if (m) return decl_type(pkg, (cg_godecl *)m);
    return cg_gotype_unknown(pkg);
}

cg_gotype *cg_gopkg_type_of_expr(cg_gopkg *pkg, cg_gofile *file, cg_gn expr) {
    expr = cg_gn_unparen(expr);
    if (!expr) return cg_gotype_unknown(pkg);
    cg_gk kind = cg_gn_kind(expr);

    if (kind == CG_GK_IDENTIFIER) {
        cg_gobinding *b = cg_gopkg_binding(pkg, file, expr);
        if (b) return cg_binding_type(pkg, file, b);
        cg_godecl *d = (cg_godecl *)cg_gopkg_decl(pkg, cg_node_text(file, expr));
        if (d && d->kind != CG_GODECL_TYPE) return decl_type(pkg, d);
        return cg_gotype_unknown(pkg);
    }
    if (kind == CG_GK_NIL) return cg_gotype_new(pkg, CG_GT_NIL);
    if (kind == CG_GK_TRUE || kind == CG_GK_FALSE) return cg_gotype_builtin(pkg, "bool");
    if (kind == CG_GK_INT_LITERAL || kind == CG_GK_RUNE_LITERAL)
        return cg_gotype_builtin(pkg, "int");
    if (kind == CG_GK_FLOAT_LITERAL) return cg_gotype_builtin(pkg, "float64");
    if (kind == CG_GK_IMAGINARY_LITERAL) return cg_gotype_builtin(pkg, "complex128");
    if (kind == CG_GK_INTERPRETED_STRING_LITERAL || kind == CG_GK_RAW_STRING_LITERAL)
        return cg_gotype_builtin(pkg, "string");
    if (kind == CG_GK_UNARY_EXPRESSION) {
        cg_gop op = cg_gn_op(expr);
        cg_gotype *inner = cg_gopkg_type_of_expr(pkg, file, cg_gn_field(expr, CG_GF_OPERAND));
        if (op == CG_GOP_AMP) return cg_gotype_wrap(pkg, CG_GT_POINTER, inner);
        cg_gotype *u = cg_gotype_underlying(pkg, inner);
        if (op == CG_GOP_STAR) return u->kind == CG_GT_POINTER ? u->elem : cg_gotype_unknown(pkg);
        if (op == CG_GOP_ARROW) return u->kind == CG_GT_CHAN ? u->elem : cg_gotype_unknown(pkg);
        if (op == CG_GOP_NOT) return cg_gotype_builtin(pkg, "bool");
        return inner;
    }
    if (kind == CG_GK_BINARY_EXPRESSION) {
        cg_gop op = cg_gn_op(expr);
        if (op == CG_GOP_EQ || op == CG_GOP_NE || op == CG_GOP_LT || op == CG_GOP_LE || op == CG_GOP_GT ||
            op == CG_GOP_GE || op == CG_GOP_ANDAND || op == CG_GOP_OROR)
            return cg_gotype_builtin(pkg, "bool");
        cg_gotype *left = cg_gopkg_type_of_expr(pkg, file, cg_gn_field(expr, CG_GF_LEFT));
        if (left->kind != CG_GT_UNKNOWN) return left;
        return cg_gopkg_type_of_expr(pkg, file, cg_gn_field(expr, CG_GF_RIGHT));
    }
    if (kind == CG_GK_SELECTOR_EXPRESSION) return selector_type(pkg, file, expr);
    if (kind == CG_GK_INDEX_EXPRESSION) {
        cg_gotype *base = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, cg_gn_field(expr, CG_GF_OPERAND)));
        if (base->kind == CG_GT_POINTER) base = cg_gotype_underlying(pkg, base->elem);
        if (base->kind == CG_GT_SLICE || base->kind == CG_GT_ARRAY || base->kind == CG_GT_MAP)
            return base->elem;
        if (base->kind == CG_GT_STRING) return cg_gotype_builtin(pkg, "byte");
        return cg_gotype_unknown(pkg);
    }
    if (kind == CG_GK_SLICE_EXPRESSION) {
        cg_gotype *orig = cg_gopkg_type_of_expr(pkg, file, cg_gn_field(expr, CG_GF_OPERAND));
        cg_gotype *base = cg_gotype_underlying(pkg, orig);
        if (base->kind == CG_GT_POINTER) base = cg_gotype_underlying(pkg, base->elem);
        if (base->kind == CG_GT_ARRAY) return cg_gotype_wrap(pkg, CG_GT_SLICE, base->elem);
        if (base->kind == CG_GT_SLICE || base->kind == CG_GT_STRING) return orig;
        return cg_gotype_unknown(pkg);
    }
    if (kind == CG_GK_CALL_EXPRESSION) return call_type(pkg, file, expr);
    if (kind == CG_GK_TYPE_CONVERSION_EXPRESSION)
        return cg_gopkg_type_of_type(pkg, file, cg_gn_field(expr, CG_GF_TYPE));
    if (kind == CG_GK_COMPOSITE_LITERAL)
        return cg_gopkg_type_of_type(pkg, file, cg_gn_field(expr, CG_GF_TYPE));
    if (kind == CG_GK_FUNC_LITERAL) return cg_func_type(pkg, file, cg_gn_field(expr, CG_GF_RESULT));
    if (kind == CG_GK_TYPE_ASSERTION_EXPRESSION)
        return cg_gopkg_type_of_type(pkg, file, cg_gn_field(expr, CG_GF_TYPE));
    return cg_gotype_unknown(pkg);
}

cg_gotype *cg_gopkg_func_type(cg_gopkg *pkg, cg_gofile *file, cg_gn func) {
    return cg_func_type(pkg, file, cg_gn_field(func, CG_GF_RESULT));
}
