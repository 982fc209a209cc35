/*
 * xlang.c: cross-language questions (see xlang.h).
 */
#include "xlang.h"

#include <string.h>

enum { MAX_DEPTH = 12 };

/* ---- C types behind C.xxx ---- */

bool cg_x_c_name_is_type(cg_package *pkg, const char *name) {
    cg_ctype t;
    if (cg_cmodel_func(pkg->c, name)) return false;
    return cg_cmodel_resolve_go_name(pkg->c, name, &t);
}

static bool record_field(cg_package *pkg, const cg_ctype *base, const char *field, cg_ctype *out) {
    if (!base->record_tag) return false;
    const cg_crecord *r = cg_cmodel_record(pkg->c, base->record_tag, base->record_is_union);
    if (!r) return false;
    for (size_t i = 0; i < r->field_count; i++) {
        if (strcmp(r->fields[i].name, field) == 0) {
            *out = r->fields[i].type;
            return true;
        }
    }
    return false;
}

bool cg_x_ctype(cg_package *pkg, const cg_gotype *type, cg_ctype *out) {
    if (!type || type->kind != CG_GT_C) return false;
    /* "name" or "name.f.g": a C type, function result or a field path below one. */
    char *path = cg_xstrdup(type->name);
    char *save = NULL;
    char *part = strtok_r(path, ".", &save);
    bool ok = false;
    if (part && type->c_call) {
        const cg_cfunc *f = cg_cmodel_func(pkg->c, part);
        if (f) {
            *out = f->result;
            ok = true;
        } else {
            ok = cg_cmodel_resolve_go_name(pkg->c, part, out); /* C.int(x) */
        }
    } else if (part) {
        ok = cg_cmodel_resolve_go_name(pkg->c, part, out);
    }
    while (ok && (part = strtok_r(NULL, ".", &save)) != NULL) ok = record_field(pkg, out, part, out);
    free(path);
    return ok;
}

/* ---- Pointer content by type ---- */

static cg_tristate max_tri(cg_tristate a, cg_tristate b) {
    if (a == CG_YES || b == CG_YES) return CG_YES;
    if (a == CG_MAYBE || b == CG_MAYBE) return CG_MAYBE;
    return CG_NO;
}

static cg_tristate ctype_holds(const cg_ctype *ct) {
    switch (ct->kind) {
    case CG_CTYPE_VOID:
    case CG_CTYPE_INTEGER:
    case CG_CTYPE_FLOAT: return CG_NO;
    case CG_CTYPE_RECORD:
    case CG_CTYPE_ARRAY: return ct->contains_pointer ? CG_MAYBE : CG_NO;
    default: return CG_MAYBE;
    }
}

static cg_tristate holds_rec(cg_package *pkg, cg_gotype *type, int depth) {
    if (depth > MAX_DEPTH) return CG_MAYBE;
    type = cg_gotype_underlying(pkg->go, type);
    if (!type) return CG_MAYBE;
    switch (type->kind) {
    case CG_GT_BOOL:
    case CG_GT_INT:
    case CG_GT_UINTPTR:
    case CG_GT_FLOAT:
    case CG_GT_COMPLEX: return CG_NO;
    case CG_GT_STRING:
    case CG_GT_MAP:
    case CG_GT_SLICE:
    case CG_GT_CHAN:
    case CG_GT_FUNC:
    case CG_GT_INTERFACE: return CG_YES;
    case CG_GT_POINTER: {
        /* *C.T and *unknown may well point to C memory. */
        cg_gotype *elem = cg_gotype_underlying(pkg->go, type->elem);
        if (!elem || elem->kind == CG_GT_C || elem->kind == CG_GT_UNKNOWN) return CG_MAYBE;
        return CG_YES;
    }
    case CG_GT_ARRAY: return holds_rec(pkg, type->elem, depth + 1);
    case CG_GT_STRUCT: {
        cg_tristate r = CG_NO;
        for (size_t i = 0; i < type->field_count; i++)
            r = max_tri(r, holds_rec(pkg, type->fields[i].type, depth + 1));
        return r;
    }
    case CG_GT_C: {
        cg_ctype ct;
        if (!cg_x_ctype(pkg, type, &ct)) return CG_MAYBE;
        return ctype_holds(&ct);
    }
    default: return CG_MAYBE;
    }
}

cg_tristate cg_x_type_holds_pointers(cg_package *pkg, cg_gotype *type) {
    return holds_rec(pkg, type, 0);
}

const char *cg_x_pointer_fields(cg_package *pkg, cg_gotype *type) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_gotype *u = cg_gotype_underlying(pkg->go, type);
    if (u && u->kind == CG_GT_STRUCT) {
        for (size_t i = 0; i < u->field_count; i++)
            if (holds_rec(pkg, u->fields[i].type, 1) != CG_NO)
                cg_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", u->fields[i].name);
    } else if (u && u->kind == CG_GT_C) {
        cg_ctype ct;
        if (cg_x_ctype(pkg, u, &ct) && ct.kind == CG_CTYPE_RECORD && ct.record_tag) {
            const cg_crecord *r = cg_cmodel_record(pkg->c, ct.record_tag, ct.record_is_union);
            for (size_t i = 0; r && i < r->field_count; i++)
                if (ctype_holds(&r->fields[i].type) != CG_NO)
                    cg_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", r->fields[i].name);
        }
    }
    const char *s = cg_arena_strdup(&pkg->arena, sb.data ? sb.data : "");
    cg_strbuf_free(&sb);
    return s;
}

/* ---- Provenance ---- */

static cg_origin join(cg_origin a, cg_origin b) {
    if (a == CG_ORIGIN_NONE) return b;
    if (b == CG_ORIGIN_NONE) return a;
    return a == b ? a : CG_ORIGIN_UNKNOWN;
}

TSNode cg_x_strip_conversions(cg_package *pkg, cg_gofile *file, TSNode expr) {
    for (int i = 0; i < MAX_DEPTH; i++) {
        expr = cg_node_unparen(expr);
        TSNode operand;
        if (cg_gopkg_conversion(pkg->go, file, expr, &operand)) {
            expr = operand;
            continue;
        }
        /* C.int(x)-style conversions look like calls. */
        if (cg_node_is(expr, "call_expression")) {
            TSNode fn = cg_node_unparen(cg_node_field(expr, "function"));
            TSNode args = cg_node_field(expr, "arguments");
            if (cg_node_is_qualified(file, fn, "C", NULL) && ts_node_named_child_count(args) == 1 &&
                cg_x_c_name_is_type(pkg, cg_node_text(file, cg_node_field(fn, "field")))) {
                expr = ts_node_named_child(args, 0);
                continue;
            }
        }
        break;
    }
    return expr;
}

static bool is_c_allocator(const char *name) {
    return strcmp(name, "malloc") == 0 || strcmp(name, "calloc") == 0 ||
           strcmp(name, "realloc") == 0 || strcmp(name, "CString") == 0 ||
           strcmp(name, "CBytes") == 0 || strcmp(name, "strdup") == 0;
}

static cg_origin origin_rec(cg_package *pkg, cg_gofile *file, TSNode expr, int depth);

/* Is t a slice or pointer whose element is a known Go type (not a C
 * type, not unsafe.Pointer)? */
static bool go_memory_type(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (!t || (t->kind != CG_GT_POINTER && t->kind != CG_GT_SLICE)) return false;
    cg_gotype *elem = cg_gotype_underlying(pkg->go, t->elem);
    return elem && elem->kind != CG_GT_C && elem->kind != CG_GT_UNKNOWN && elem->kind != CG_GT_UNSAFE_POINTER;
}

/* A parameter of type *T or []T where T is a Go type points into Go memory:
 * C memory reaches Go code only through C types, unsafe.Pointer or an
 * explicit unsafe conversion. */
static cg_origin param_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b) {
    if (b->kind != CG_BIND_PARAM && b->kind != CG_BIND_RECEIVER) return CG_ORIGIN_UNKNOWN;
    return go_memory_type(pkg, cg_gopkg_type_of_expr(pkg->go, file, b->ident)) ? CG_ORIGIN_GO : CG_ORIGIN_UNKNOWN;
}

/* `for _, w := range words` over Go memory ([][]byte, []*T): by the same
 * reasoning as param_origin, slices and pointers of Go types stored in Go
 * memory point into Go memory. */
static cg_origin range_value_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b, int depth) {
    if (!go_memory_type(pkg, cg_gopkg_binding_type(pkg->go, file, b))) return CG_ORIGIN_UNKNOWN;
    cg_gotype *over = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, b->value));
    if (!over || (over->kind != CG_GT_SLICE && over->kind != CG_GT_ARRAY)) return CG_ORIGIN_UNKNOWN;
    if (over->kind == CG_GT_ARRAY) return CG_ORIGIN_GO;
    return origin_rec(pkg, file, b->value, depth + 1) == CG_ORIGIN_GO ? CG_ORIGIN_GO : CG_ORIGIN_UNKNOWN;
}

static cg_origin binding_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b, int depth) {
    if (b->kind == CG_BIND_PARAM || b->kind == CG_BIND_RECEIVER) return param_origin(pkg, file, b);
    if (b->kind == CG_BIND_RANGE_VALUE) return range_value_origin(pkg, file, b, depth);
    if (b->kind == CG_BIND_RANGE_KEY || b->kind == CG_BIND_OTHER || b->kind == CG_BIND_RESULT)
        return CG_ORIGIN_UNKNOWN;
    if (b->resolving) return CG_ORIGIN_NONE;
    b->resolving = true;
    cg_origin o = CG_ORIGIN_NONE;
    if (!ts_node_is_null(b->value)) {
        TSNode v = b->value;
        if (b->value_index > 0) o = CG_ORIGIN_UNKNOWN; /* second result of a call */
        else o = origin_rec(pkg, file, v, depth + 1);
    }
    for (size_t i = 0; i < b->assigned.len; i++)
        o = join(o, origin_rec(pkg, file, b->assigned.items[i], depth + 1));
    b->resolving = false;
    return o;
}

/* One level into a package function: the origins of what it returns. */
typedef struct returns_walk {
    cg_package *pkg;
    const cg_godecl *callee;
    int depth;
    cg_origin origin;
    bool any;
} returns_walk;

static cg_walk_action visit_return(TSNode n, void *arg) {
    returns_walk *w = arg;
    if (cg_node_is(n, "func_literal")) return CG_WALK_SKIP_CHILDREN;
    if (!cg_node_is(n, "return_statement")) return CG_WALK_CONTINUE;
    TSNode list = ts_node_named_child(n, 0);
    TSNode first = cg_node_is(list, "expression_list") ? ts_node_named_child(list, 0) : list;
    if (!ts_node_is_null(first)) {
        w->origin = join(w->origin, origin_rec(w->pkg, w->callee->file, first, w->depth + 1));
        w->any = true;
    }
    return CG_WALK_SKIP_CHILDREN;
}

static cg_origin callee_origin(cg_package *pkg, const cg_godecl *callee, int depth) {
    returns_walk w = {pkg, callee, depth, CG_ORIGIN_NONE, false};
    cg_walk(cg_node_field(callee->node, "body"), visit_return, &w);
    return w.any ? w.origin : CG_ORIGIN_UNKNOWN;
}

static cg_origin call_origin(cg_package *pkg, cg_gofile *file, TSNode call, int depth) {
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    TSNode arg0 = ts_node_named_child(cg_node_field(call, "arguments"), 0);
    if (cg_node_is_qualified(file, fn, "C", NULL)) {
        const char *name = cg_node_text(file, cg_node_field(fn, "field"));
        if (is_c_allocator(name)) return CG_ORIGIN_C;
        if (strcmp(name, "GoString") == 0 || strcmp(name, "GoStringN") == 0 ||
            strcmp(name, "GoBytes") == 0)
            return CG_ORIGIN_GO;
        const cg_cfunc *cf = cg_cmodel_func(pkg->c, name);
        if (cf && (cf->result.kind == CG_CTYPE_POINTER || cf->result.kind == CG_CTYPE_FUNC_POINTER))
            return CG_ORIGIN_C;
        return CG_ORIGIN_UNKNOWN;
    }
    if (file->unsafe_name && cg_node_is_qualified(file, fn, file->unsafe_name, NULL))
        return origin_rec(pkg, file, arg0, depth + 1); /* Slice, String, Add, SliceData, ... */
    if (cg_node_is(fn, "identifier") && !cg_gopkg_binding(pkg->go, file, fn) &&
        !cg_gopkg_decl(pkg->go, cg_node_text(file, fn))) {
        const char *name = cg_node_text(file, fn);
        if (strcmp(name, "new") == 0 || strcmp(name, "make") == 0) return CG_ORIGIN_GO;
        if (strcmp(name, "append") == 0) return CG_ORIGIN_GO;
    }
    const cg_godecl *callee = cg_gopkg_callee(pkg->go, file, call);
    if (callee) return callee_origin(pkg, callee, depth);
    return CG_ORIGIN_UNKNOWN;
}

static cg_origin origin_rec(cg_package *pkg, cg_gofile *file, TSNode expr, int depth) {
    if (depth > MAX_DEPTH) return CG_ORIGIN_UNKNOWN;
    expr = cg_node_unparen(expr);
    if (ts_node_is_null(expr)) return CG_ORIGIN_UNKNOWN;
    TSNode operand;
    cg_gotype *conv_type = cg_gopkg_conversion(pkg->go, file, expr, &operand);
    if (conv_type) {
        /* []byte(s) and []rune(s) copy the string into a new Go
         * allocation, whatever the string's own origin. */
        cg_gotype *to = cg_gotype_underlying(pkg->go, conv_type);
        cg_gotype *from = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, operand));
        TSNode bare = cg_node_unparen(operand);
        bool string_literal = cg_node_is(bare, "interpreted_string_literal") || cg_node_is(bare, "raw_string_literal");
        if (to && to->kind == CG_GT_SLICE && (string_literal || (from && from->kind == CG_GT_STRING)))
            return CG_ORIGIN_GO;
        return origin_rec(pkg, file, operand, depth + 1);
    }
    const char *kind = ts_node_type(expr);
    if (strcmp(kind, "nil") == 0) return CG_ORIGIN_NONE;
    if (strcmp(kind, "composite_literal") == 0 || strcmp(kind, "func_literal") == 0) return CG_ORIGIN_GO;
    if (strcmp(kind, "interpreted_string_literal") == 0 || strcmp(kind, "raw_string_literal") == 0)
        return CG_ORIGIN_NONE; /* static data, not the Go heap */
    if (strcmp(kind, "unary_expression") == 0) {
        TSNode op = cg_node_field(expr, "operator");
        if (!cg_node_text_eq(file, op, "&")) return CG_ORIGIN_UNKNOWN;
        TSNode target = cg_node_unparen(cg_node_field(expr, "operand"));
        if (cg_node_is(target, "selector_expression")) {
            TSNode base = cg_node_field(target, "operand");
            cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
            if (bt && (bt->kind == CG_GT_POINTER || bt->kind == CG_GT_UNSAFE_POINTER))
                return origin_rec(pkg, file, base, depth + 1);
            /* &p.f where p is a C pointer type (the result of C.f(), a
             * pointer typedef): the field is wherever p points. */
            cg_ctype bct;
            if (bt && bt->kind == CG_GT_C && cg_x_ctype(pkg, bt, &bct) && bct.kind == CG_CTYPE_POINTER)
                return origin_rec(pkg, file, base, depth + 1);
            return CG_ORIGIN_GO; /* a field of a Go variable */
        }
        if (cg_node_is(target, "index_expression")) {
            TSNode base = cg_node_field(target, "operand");
            cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
            if (bt && bt->kind == CG_GT_ARRAY) return CG_ORIGIN_GO;
            return origin_rec(pkg, file, base, depth + 1);
        }
        if (cg_node_is(target, "unary_expression")) /* &*p */
            return origin_rec(pkg, file, cg_node_field(target, "operand"), depth + 1);
        return CG_ORIGIN_GO; /* &x, &T{...} */
    }
    if (strcmp(kind, "call_expression") == 0) {
        /* C.int(x)-style conversions. */
        TSNode stripped = cg_x_strip_conversions(pkg, file, expr);
        if (!ts_node_eq(stripped, expr)) return origin_rec(pkg, file, stripped, depth + 1);
        return call_origin(pkg, file, expr, depth);
    }
    if (strcmp(kind, "slice_expression") == 0) {
        TSNode base = cg_node_field(expr, "operand");
        cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
        if (bt && bt->kind == CG_GT_ARRAY) return CG_ORIGIN_GO;
        return origin_rec(pkg, file, base, depth + 1);
    }
    if (strcmp(kind, "identifier") == 0) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
        if (b) return binding_origin(pkg, file, b, depth);
        const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, expr));
        if (d && d->kind == CG_GODECL_VAR && !ts_node_is_null(d->value) && d->value_index == 0)
            return origin_rec(pkg, d->file, d->value, depth + 1);
        return CG_ORIGIN_UNKNOWN;
    }
    return CG_ORIGIN_UNKNOWN;
}

cg_origin cg_x_origin(cg_package *pkg, cg_gofile *file, TSNode expr) {
    return origin_rec(pkg, file, expr, 0);
}

/* ---- What the pointed-to memory holds ---- */

TSNode cg_x_address_of(cg_package *pkg, cg_gofile *file, TSNode expr, char *kind) {
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (!cg_node_is(expr, "unary_expression") ||
        !cg_node_text_eq(file, cg_node_field(expr, "operator"), "&"))
        return (TSNode){0};
    TSNode target = cg_node_unparen(cg_node_field(expr, "operand"));
    if (cg_node_is(target, "selector_expression")) *kind = 'f';
    else if (cg_node_is(target, "index_expression")) *kind = 'e';
    else *kind = 'v';
    return target;
}

/* Does a composite literal store a Go pointer into any element/field? */
static bool literal_stores_go_pointer(cg_package *pkg, cg_gofile *file, TSNode lit, const char **why,
                                      TSNode *stored, int depth) {
    TSNode body = cg_node_field(lit, "body");
    uint32_t n = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < n; i++) {
        TSNode el = ts_node_named_child(body, i);
        TSNode key = {0}, value = el;
        if (cg_node_is(el, "keyed_element")) {
            key = ts_node_named_child(cg_node_field(el, "key"), 0);
            value = cg_node_field(el, "value");
        }
        if (cg_node_is(value, "literal_element")) value = ts_node_named_child(value, 0);
        if (cg_node_is(value, "literal_value")) continue; /* nested elided literal */
        if (cg_node_is(value, "composite_literal") && depth < MAX_DEPTH &&
            literal_stores_go_pointer(pkg, file, value, why, stored, depth + 1))
            return true;
        cg_gotype *vt = cg_gopkg_type_of_expr(pkg->go, file, value);
        bool go_ptr = cg_x_origin(pkg, file, value) == CG_ORIGIN_GO &&
                      cg_x_type_holds_pointers(pkg, vt) != CG_NO;
        if (go_ptr) {
            *stored = value;
            *why = ts_node_is_null(key)
                       ? cg_arena_printf(&pkg->arena, "element %u holds %s, a Go pointer", i,
                                         cg_node_text(file, value))
                       : cg_arena_printf(&pkg->arena, "field %s holds %s, a Go pointer",
                                         cg_node_text(file, key), cg_node_text(file, value));
            return true;
        }
    }
    return false;
}

/* Field assignments `x.f = v` (or x[i] = v) with a Go pointer v, inside the
 * function that contains `at`. */
typedef struct store_walk {
    cg_package *pkg;
    cg_gofile *file;
    const char *base_text;
    const char **why;
    TSNode *stored;
} store_walk;

static cg_walk_action visit_store(TSNode n, void *arg) {
    store_walk *w = arg;
    if (!cg_node_is(n, "assignment_statement")) return CG_WALK_CONTINUE;
    TSNode left = cg_node_field(n, "left"), right = cg_node_field(n, "right");
    uint32_t count = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < count && i < ts_node_named_child_count(right); i++) {
        TSNode target = ts_node_named_child(left, i);
        if (!cg_node_is(target, "selector_expression") && !cg_node_is(target, "index_expression"))
            continue;
        if (!cg_node_text_eq(w->file, cg_node_field(target, "operand"), w->base_text)) continue;
        TSNode value = ts_node_named_child(right, i);
        if (cg_x_origin(w->pkg, w->file, value) != CG_ORIGIN_GO ||
            cg_x_type_holds_pointers(w->pkg, cg_gopkg_type_of_expr(w->pkg->go, w->file, value)) == CG_NO)
            continue;
        *w->stored = value;
        *w->why = cg_arena_printf(&w->pkg->arena, "%s is assigned %s, a Go pointer, at line %u",
                                  cg_node_text(w->file, target), cg_node_text(w->file, value),
                                  cg_node_line(n));
        return CG_WALK_STOP;
    }
    return CG_WALK_SKIP_CHILDREN;
}

static bool assignments_store_go_pointer(cg_package *pkg, cg_gofile *file, TSNode at,
                                         const char *base_text, const char **why, TSNode *stored) {
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, at);
    if (!fn) return false;
    store_walk w = {pkg, file, base_text, why, stored};
    return !cg_walk(fn->node, visit_store, &w);
}

static cg_tristate explain_type(cg_package *pkg, cg_gotype *type, const char *what, const char **why) {
    cg_tristate t = cg_x_type_holds_pointers(pkg, type);
    if (t != CG_YES) return t;
    cg_gotype *u = cg_gotype_underlying(pkg->go, type);
    const char *tname = cg_gotype_string(pkg->go, type);
    switch (u->kind) {
    case CG_GT_MAP: *why = cg_arena_printf(&pkg->arena, "%s is a map (%s): a map value is a pointer to the runtime's map header", what, tname); break;
    case CG_GT_SLICE: *why = cg_arena_printf(&pkg->arena, "%s is a slice (%s): its header holds a pointer to the backing array", what, tname); break;
    case CG_GT_STRING: *why = cg_arena_printf(&pkg->arena, "%s is a string: its header holds a pointer to the bytes", what); break;
    case CG_GT_CHAN: *why = cg_arena_printf(&pkg->arena, "%s is a channel: a pointer to the runtime's channel", what); break;
    case CG_GT_FUNC: *why = cg_arena_printf(&pkg->arena, "%s is a func value: a pointer to a closure", what); break;
    case CG_GT_INTERFACE: *why = cg_arena_printf(&pkg->arena, "%s is an interface (%s): it holds a pointer to its dynamic value", what, tname); break;
    case CG_GT_POINTER: *why = cg_arena_printf(&pkg->arena, "%s is a Go pointer (%s)", what, tname); break;
    default:
        *why = cg_arena_printf(&pkg->arena, "%s has type %s, which holds Go pointers (%s)", what, tname,
                               cg_x_pointer_fields(pkg, type));
    }
    return CG_YES;
}

/* Is the variable target (an identifier) still its zero value when expr is
 * evaluated: declared `var x T` without a value, and named nowhere else in
 * its function but in expr (no assignment, no field store, no address taken
 * before)? Then every pointer in it is nil, whatever its type. */
typedef struct zero_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *var;
    uint32_t skip_start, skip_end; /* expr */
    bool other_use;
} zero_walk;

static cg_walk_action visit_other_use(TSNode n, void *arg) {
    zero_walk *w = arg;
    if (ts_node_start_byte(n) >= w->skip_start && ts_node_end_byte(n) <= w->skip_end) return CG_WALK_SKIP_CHILDREN;
    if (!cg_node_is(n, "identifier") || ts_node_eq(n, w->var->ident) ||
        !cg_node_text_eq(w->file, n, w->var->name) || cg_gopkg_binding(w->pkg->go, w->file, n) != w->var)
        return CG_WALK_CONTINUE;
    w->other_use = true;
    return CG_WALK_STOP;
}

static bool still_zero(cg_package *pkg, cg_gofile *file, TSNode target, TSNode expr) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, target);
    if (!b || b->kind != CG_BIND_VAR || !ts_node_is_null(b->value) || b->assigned.len) return false;
    TSNode fn = cg_gopkg_enclosing_func(pkg->go, file, b->ident);
    if (ts_node_is_null(fn)) return false;
    zero_walk w = {pkg, file, b, ts_node_start_byte(expr), ts_node_end_byte(expr), false};
    cg_walk(cg_node_field(fn, "body"), visit_other_use, &w);
    return !w.other_use;
}

cg_tristate cg_x_pointee_holds_go_pointers(cg_package *pkg, cg_gofile *file, TSNode expr,
                                           const char **why, TSNode *stored) {
    *why = "";
    *stored = (TSNode){0};
    char kind = 0;
    TSNode target = cg_x_address_of(pkg, file, expr, &kind);
    TSNode stripped = cg_x_strip_conversions(pkg, file, expr);
    for (int hop = 0; ts_node_is_null(target) && hop < 4; hop++) {
        /* A pointer variable: follow its single initializer (p := &x). */
        if (!cg_node_is(stripped, "identifier")) break;
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, stripped);
        if (!b || ts_node_is_null(b->value) || b->assigned.len || b->value_index) break;
        stripped = cg_x_strip_conversions(pkg, file, b->value);
        target = cg_x_address_of(pkg, file, stripped, &kind);
    }
    if (ts_node_is_null(target)) {
        /* new(T), make(...), or an unknown pointer: judge by the pointee type. */
        cg_gotype *pt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, stripped));
        if (!pt || pt->kind != CG_GT_POINTER) return CG_MAYBE;
        cg_tristate t = explain_type(pkg, pt->elem, "the pointed-to value", why);
        return t == CG_YES ? CG_YES : (t == CG_NO ? CG_NO : CG_MAYBE);
    }
    if (kind == 'v' && cg_node_is(target, "composite_literal")) {
        cg_gotype *lt = cg_gopkg_type_of_expr(pkg->go, file, target);
        cg_tristate t = explain_type(pkg, lt, "the composite literal", why);
        if (t == CG_YES) return CG_YES;
        if (literal_stores_go_pointer(pkg, file, target, why, stored, 0)) return CG_YES;
        return t;
    }
    const char *target_text = cg_node_text(file, target);
    cg_gotype *region;
    if (kind == 'e') {
        /* cgocheck inspects the whole array / backing array. */
        TSNode base = cg_node_field(target, "operand");
        region = cg_gopkg_type_of_expr(pkg->go, file, target);
        const char *what = cg_arena_printf(&pkg->arena, "an element of %s", cg_node_text(file, base));
        cg_tristate t = explain_type(pkg, region, what, why);
        if (t != CG_MAYBE) return t;
        if (assignments_store_go_pointer(pkg, file, target, cg_node_text(file, base), why, stored)) return CG_YES;
        return CG_MAYBE;
    }
    if (kind == 'v' && cg_node_is(target, "identifier") && still_zero(pkg, file, target, expr)) return CG_NO;
    region = cg_gopkg_type_of_expr(pkg->go, file, target);
    cg_tristate t = explain_type(pkg, region, target_text, why);
    if (t != CG_MAYBE) return t;
    if (kind == 'v' && cg_node_is(target, "identifier")) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, target);
        TSNode init = b ? cg_node_unparen(b->value) : (TSNode){0};
        if (cg_node_is(init, "composite_literal") && literal_stores_go_pointer(pkg, file, init, why, stored, 0))
            return CG_YES;
        if (assignments_store_go_pointer(pkg, file, target, target_text, why, stored)) return CG_YES;
    }
    return CG_MAYBE;
}

typedef struct pin_walk {
    cg_package *pkg;
    cg_gofile *file;
    const char *want;
} pin_walk;

/* Strips conversions and a leading &: `unsafe.Pointer(&x)` names x. */
static TSNode named_object(cg_package *pkg, cg_gofile *file, TSNode expr) {
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (cg_node_is(expr, "unary_expression") && cg_node_text_eq(file, cg_node_field(expr, "operator"), "&"))
        expr = cg_node_field(expr, "operand");
    return expr;
}

static cg_walk_action visit_pin(TSNode n, void *arg) {
    pin_walk *w = arg;
    if (!cg_node_is(n, "call_expression")) return CG_WALK_CONTINUE;
    TSNode callee = cg_node_field(n, "function");
    TSNode args = cg_node_field(n, "arguments");
    if (cg_node_is(callee, "selector_expression") &&
        cg_node_text_eq(w->file, cg_node_field(callee, "field"), "Pin") &&
        ts_node_named_child_count(args) == 1 &&
        cg_node_text_eq(w->file, named_object(w->pkg, w->file, ts_node_named_child(args, 0)), w->want))
        return CG_WALK_STOP;
    return CG_WALK_CONTINUE;
}

bool cg_x_is_pinned(cg_package *pkg, cg_gofile *file, TSNode at, TSNode expr) {
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, at);
    if (!fn) return false;
    pin_walk w = {pkg, file, cg_node_text(file, named_object(pkg, file, expr))};
    return !cg_walk(fn->node, visit_pin, &w);
}
