/*
 * xlang.c: cross-language questions (see xlang.h).
 */
#include "xlang.h"

#include "../gofront/gocfg.h"

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

/* ---- Types that C memory may have ---- */

typedef struct backed_walk {
    cg_package *pkg;
    cg_gofile *file;
} backed_walk;

/* The named Go type T of *T, [N]T or *[N]T, or NULL. */
static const cg_godecl *laid_type(cg_gotype *t) {
    if (t && t->kind == CG_GT_POINTER) t = t->elem;
    if (t && t->kind == CG_GT_ARRAY) t = t->elem;
    return t && t->kind == CG_GT_NAMED ? t->decl : NULL;
}

static cg_walk_action visit_backed(cg_gn n, void *arg) {
    backed_walk *w = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION) && !cg_gn_is(n, CG_GK_TYPE_CONVERSION_EXPRESSION)) return CG_WALK_CONTINUE;
    cg_gn operand;
    cg_gotype *to = cg_gopkg_conversion(w->pkg->go, w->file, n, &operand);
    const cg_godecl *d = to && to->kind == CG_GT_POINTER ? laid_type(to) : NULL;
    if (!d) return CG_WALK_CONTINUE;
    /* (*T)(unsafe.Pointer(p)) where p is, by its syntax, not a Go object of
     * this function (&x, new, a literal, make): T is laid over memory that
     * may be C's. */
    cg_gn src = cg_x_strip_conversions(w->pkg, w->file, operand);
    bool go_object = cg_go_addr_operand(src) || cg_gn_is(src, CG_GK_COMPOSITE_LITERAL);
    if (cg_gn_is(src, CG_GK_CALL_EXPRESSION)) {
        cg_gn fn = cg_gn_unparen(cg_go_call_func(src));
        go_object = cg_gn_is(fn, CG_GK_IDENTIFIER) &&
                    (cg_node_text_eq(w->file, fn, "new") || cg_node_text_eq(w->file, fn, "make"));
    }
    cg_gotype *st = cg_gotype_underlying(w->pkg->go, cg_gopkg_type_of_expr(w->pkg->go, w->file, src));
    bool from_pointer = st && (st->kind == CG_GT_UNSAFE_POINTER || st->kind == CG_GT_C || st->kind == CG_GT_UINTPTR ||
                               st->kind == CG_GT_UNKNOWN);
    if (!go_object && from_pointer) cg_strmap_put(&w->pkg->c_backed_types, d->name, (void *)d);
    return CG_WALK_CONTINUE;
}

/* Is the named type laid over memory that may be C's somewhere in the package? */
static bool c_backed(cg_package *pkg, const cg_godecl *d) {
    if (!pkg->c_backed_indexed) {
        pkg->c_backed_indexed = true;
        for (size_t i = 0; i < pkg->go->files.len; i++) {
            backed_walk w = {pkg, pkg->go->files.items[i]};
            cg_walk(w.file->root, visit_backed, &w);
        }
    }
    return d && cg_strmap_get(&pkg->c_backed_types, d->name) == d;
}

/* Can memory of this type be C memory that Go code reaches through an
 * unsafe conversion? C types, numbers (C buffers are read as *byte, *int32,
 * ...), unsafe.Pointer, pointers and arrays of those, and the package's Go
 * types that it lays over C pointers. Strings, slices, maps, channels,
 * funcs and interfaces are made by the Go runtime only. */
static bool c_shaped(cg_package *pkg, cg_gotype *t, int depth) {
    if (!t || depth > MAX_DEPTH) return true;
    if (t->kind == CG_GT_NAMED && c_backed(pkg, t->decl)) return true;
    t = cg_gotype_underlying(pkg->go, t);
    if (!t) return true;
    switch (t->kind) {
    case CG_GT_C:
    case CG_GT_UNKNOWN:
    case CG_GT_UNSAFE_POINTER:
    case CG_GT_BOOL:
    case CG_GT_INT:
    case CG_GT_UINTPTR:
    case CG_GT_FLOAT:
    case CG_GT_COMPLEX: return true;
    case CG_GT_POINTER:
    case CG_GT_ARRAY: return c_shaped(pkg, t->elem, depth + 1);
    default: return false;
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
    case CG_GT_POINTER:
        /* *C.T, *byte, **C.char, *unknown, a *T the package lays over C
         * memory: may well point to C memory (cgocheck checks the values). */
        return c_shaped(pkg, type->elem, depth + 1) ? CG_MAYBE : CG_YES;
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

cg_gn cg_x_strip_conversions(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    for (int i = 0; i < MAX_DEPTH; i++) {
        expr = cg_gn_unparen(expr);
        cg_gn operand;
        if (cg_gopkg_conversion(pkg->go, file, expr, &operand)) {
            expr = operand;
            continue;
        }
        /* C.int(x)-style conversions look like calls. */
        if (cg_gn_is(expr, CG_GK_CALL_EXPRESSION)) {
            cg_gn fn = cg_gn_unparen(cg_gn_field(expr, CG_GF_FUNCTION));
            cg_gn args = cg_gn_field(expr, CG_GF_ARGUMENTS);
            if (cg_node_is_qualified(file, fn, "C", NULL) && cg_gn_count(args) == 1 &&
                cg_x_c_name_is_type(pkg, cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD)))) {
                expr = cg_gn_child(args, 0);
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

static cg_origin origin_rec(cg_package *pkg, cg_gofile *file, cg_gn expr, int depth);

/* Is t a slice or pointer whose element is a known Go type (not a C
 * type, not unsafe.Pointer)? */
static bool go_memory_type(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (!t || (t->kind != CG_GT_POINTER && t->kind != CG_GT_SLICE)) return false;
    cg_gotype *named = t->elem;
    cg_gotype *elem = cg_gotype_underlying(pkg->go, named);
    if (named && named->kind == CG_GT_NAMED && c_backed(pkg, named->decl)) return false;
    return elem && elem->kind != CG_GT_C && elem->kind != CG_GT_UNKNOWN && elem->kind != CG_GT_UNSAFE_POINTER;
}

/* A parameter (or a type switch's case binding) of type *T or []T where T
 * is a Go type points into Go memory: C memory reaches Go code only through
 * C types, unsafe.Pointer or an explicit unsafe conversion. */
static cg_origin param_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b) {
    if (b->kind != CG_BIND_PARAM && b->kind != CG_BIND_RECEIVER && b->kind != CG_BIND_TYPE_SWITCH)
        return CG_ORIGIN_UNKNOWN;
    return go_memory_type(pkg, cg_gopkg_binding_type(pkg->go, file, b)) ? CG_ORIGIN_GO : CG_ORIGIN_UNKNOWN;
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

/* The origin of the value a binding's declaration gives it. */
static cg_origin init_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b, int depth) {
    switch (b->kind) {
    case CG_BIND_PARAM:
    case CG_BIND_RECEIVER:
    case CG_BIND_TYPE_SWITCH: return param_origin(pkg, file, b);
    case CG_BIND_RANGE_VALUE: return range_value_origin(pkg, file, b, depth);
    case CG_BIND_RANGE_KEY:
    case CG_BIND_RECEIVE:
    case CG_BIND_RESULT: return CG_ORIGIN_UNKNOWN;
    default: break;
    }
    if (!b->value) return CG_ORIGIN_NONE;    /* the zero value: nil pointers */
    if (b->value_index > 0) return CG_ORIGIN_UNKNOWN; /* a later result of a call */
    return origin_rec(pkg, file, b->value, depth + 1);
}

/* The origin of a local where `use` reads it: the join of the definitions
 * that may reach that use along the control flow. */
static cg_origin binding_origin(cg_package *pkg, cg_gofile *file, cg_gobinding *b, cg_gn use, int depth) {
    if (b->visiting) return CG_ORIGIN_NONE;
    b->visiting = true;
    cg_reach_vec defs = {0};
    cg_cfg_reaching_defs(pkg->go, file, b, use, &defs);
    cg_origin o = CG_ORIGIN_NONE;
    for (size_t i = 0; i < defs.len && o != CG_ORIGIN_UNKNOWN; i++) {
        const cg_reach *r = &defs.items[i];
        switch (r->kind) {
        case CG_REACH_INIT:
        case CG_REACH_ENTRY: o = join(o, init_origin(pkg, file, b, depth)); break;
        case CG_REACH_ZERO: break;
        case CG_REACH_DEF: {
            /* p += n, p++: arithmetic keeps pointing into the same object,
             * whose origin the other definitions that reach give. */
            if (r->def->kind == CG_DEF_UPDATE) break;
            cg_gn v = cg_def_value(r->def);
            o = join(o, v ? origin_rec(pkg, file, v, depth + 1) : CG_ORIGIN_UNKNOWN);
            break;
        }
        default: o = CG_ORIGIN_UNKNOWN; break;
        }
    }
    cg_vec_free(&defs);
    b->visiting = false;
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

static cg_walk_action visit_return(cg_gn n, void *arg) {
    returns_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_RETURN_STATEMENT)) return CG_WALK_CONTINUE;
    cg_gn list = cg_gn_child(n, 0);
    cg_gn first = cg_gn_is(list, CG_GK_EXPRESSION_LIST) ? cg_gn_child(list, 0) : list;
    if (first) {
        w->origin = join(w->origin, origin_rec(w->pkg, w->callee->file, first, w->depth + 1));
        w->any = true;
    }
    return CG_WALK_SKIP_CHILDREN;
}

static cg_origin callee_origin(cg_package *pkg, const cg_godecl *callee, int depth) {
    returns_walk w = {pkg, callee, depth, CG_ORIGIN_NONE, false};
    cg_walk(cg_gn_field(callee->node, CG_GF_BODY), visit_return, &w);
    return w.any ? w.origin : CG_ORIGIN_UNKNOWN;
}

static cg_origin call_origin(cg_package *pkg, cg_gofile *file, cg_gn call, int depth) {
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    cg_gn arg0 = cg_gn_child(cg_gn_field(call, CG_GF_ARGUMENTS), 0);
    if (cg_node_is_qualified(file, fn, "C", NULL)) {
        const char *name = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
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
    if (cg_gn_is(fn, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg->go, file, fn) &&
        !cg_gopkg_decl(pkg->go, cg_node_text(file, fn))) {
        const char *name = cg_node_text(file, fn);
        if (strcmp(name, "new") == 0 || strcmp(name, "make") == 0) return CG_ORIGIN_GO;
        if (strcmp(name, "append") == 0) return CG_ORIGIN_GO;
    }
    const cg_godecl *callee = cg_gopkg_callee(pkg->go, file, call);
    if (callee) return callee_origin(pkg, callee, depth);
    return CG_ORIGIN_UNKNOWN;
}

static cg_origin origin_rec(cg_package *pkg, cg_gofile *file, cg_gn expr, int depth) {
    if (depth > MAX_DEPTH) return CG_ORIGIN_UNKNOWN;
    expr = cg_gn_unparen(expr);
    if (!expr) return CG_ORIGIN_UNKNOWN;
    cg_gn operand;
    cg_gotype *conv_type = cg_gopkg_conversion(pkg->go, file, expr, &operand);
    if (conv_type) {
        /* []byte(s) and []rune(s) copy the string into a new Go
         * allocation, whatever the string's own origin. */
        cg_gotype *to = cg_gotype_underlying(pkg->go, conv_type);
        cg_gotype *from = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, operand));
        cg_gn bare = cg_gn_unparen(operand);
        bool string_literal = cg_gn_is(bare, CG_GK_INTERPRETED_STRING_LITERAL) || cg_gn_is(bare, CG_GK_RAW_STRING_LITERAL);
        if (to && to->kind == CG_GT_SLICE && (string_literal || (from && from->kind == CG_GT_STRING)))
            return CG_ORIGIN_GO;
        return origin_rec(pkg, file, operand, depth + 1);
    }
    cg_gk kind = cg_gn_kind(expr);
    if (kind == CG_GK_NIL) return CG_ORIGIN_NONE;
    if (kind == CG_GK_COMPOSITE_LITERAL || kind == CG_GK_FUNC_LITERAL) return CG_ORIGIN_GO;
    if (kind == CG_GK_INTERPRETED_STRING_LITERAL || kind == CG_GK_RAW_STRING_LITERAL)
        return CG_ORIGIN_NONE; /* static data, not the Go heap */
    if (kind == CG_GK_UNARY_EXPRESSION) {
        cg_gop op = cg_gn_op(expr);
        if (op != CG_GOP_AMP) return CG_ORIGIN_UNKNOWN;
        cg_gn target = cg_gn_unparen(cg_gn_field(expr, CG_GF_OPERAND));
        if (cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION)) {
            cg_gn base = cg_gn_field(target, CG_GF_OPERAND);
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
        if (cg_gn_is(target, CG_GK_INDEX_EXPRESSION)) {
            cg_gn base = cg_gn_field(target, CG_GF_OPERAND);
            cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
            if (bt && bt->kind == CG_GT_ARRAY) return CG_ORIGIN_GO;
            return origin_rec(pkg, file, base, depth + 1);
        }
        if (cg_gn_is(target, CG_GK_UNARY_EXPRESSION)) /* &*p */
            return origin_rec(pkg, file, cg_gn_field(target, CG_GF_OPERAND), depth + 1);
        return CG_ORIGIN_GO; /* &x, &T{...} */
    }
    if (kind == CG_GK_CALL_EXPRESSION) {
        /* C.int(x)-style conversions. */
        cg_gn stripped = cg_x_strip_conversions(pkg, file, expr);
        if (stripped != expr) return origin_rec(pkg, file, stripped, depth + 1);
        return call_origin(pkg, file, expr, depth);
    }
    if (kind == CG_GK_SLICE_EXPRESSION) {
        cg_gn base = cg_gn_field(expr, CG_GF_OPERAND);
        cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
        if (bt && bt->kind == CG_GT_ARRAY) return CG_ORIGIN_GO;
        return origin_rec(pkg, file, base, depth + 1);
    }
    if (kind == CG_GK_SELECTOR_EXPRESSION) {
        /* A field of a Go struct whose type is a pointer or slice of a Go
         * type C memory cannot have (m.parts of type [][]byte, r.nodes of
         * []*node): by the same reasoning as param_origin. */
        cg_gotype *base = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, cg_go_sel_operand(expr)));
        if (base && base->kind == CG_GT_POINTER) base = cg_gotype_underlying(pkg->go, base->elem);
        if (!base || base->kind != CG_GT_STRUCT) return CG_ORIGIN_UNKNOWN;
        cg_gotype *ft = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, expr));
        return ft && (ft->kind == CG_GT_SLICE || ft->kind == CG_GT_POINTER) && go_memory_type(pkg, ft) &&
                       !c_shaped(pkg, ft->elem, 0)
                   ? CG_ORIGIN_GO
                   : CG_ORIGIN_UNKNOWN;
    }
    if (kind == CG_GK_IDENTIFIER) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
        if (b) return binding_origin(pkg, file, b, expr, depth);
        const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, expr));
        if (d && d->kind == CG_GODECL_VAR && d->value && d->value_index == 0)
            return origin_rec(pkg, d->file, d->value, depth + 1);
        return CG_ORIGIN_UNKNOWN;
    }
    return CG_ORIGIN_UNKNOWN;
}

cg_origin cg_x_origin(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    return origin_rec(pkg, file, expr, 0);
}

/* ---- What the pointed-to memory holds ---- */

cg_gn cg_x_address_of(cg_package *pkg, cg_gofile *file, cg_gn expr, char *kind) {
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (!cg_gn_is(expr, CG_GK_UNARY_EXPRESSION) ||
        cg_gn_op(expr) != CG_GOP_AMP)
        return NULL;
    cg_gn target = cg_gn_unparen(cg_gn_field(expr, CG_GF_OPERAND));
    if (cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION)) *kind = 'f';
    else if (cg_gn_is(target, CG_GK_INDEX_EXPRESSION)) *kind = 'e';
    else *kind = 'v';
    return target;
}

/* While following a call into a function of the package, its parameters
 * stand for the call's arguments (the helper summary: "returns a struct
 * holding its argument"). */
typedef struct arg_subst {
    const cg_godecl *callee;
    cg_gofile *site_file;
    cg_gn site;
    const struct arg_subst *outer;
} arg_subst;

static bool literal_stores(cg_package *pkg, cg_gofile *file, cg_gn lit, const char **why, cg_gn *stored, int depth,
                           const arg_subst *subst);

typedef struct carry_walk {
    cg_package *pkg;
    cg_gofile *file;
    int depth;
    const arg_subst *subst;
    bool carries;
} carry_walk;

static bool value_carries(cg_package *pkg, cg_gofile *file, cg_gn value, int depth, const arg_subst *subst);

static bool value_carries_go_pointer(cg_package *pkg, cg_gofile *file, cg_gn value, int depth) {
    return value_carries(pkg, file, value, depth, NULL);
}

static cg_walk_action visit_carrying_return(cg_gn n, void *arg) {
    carry_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_RETURN_STATEMENT)) return CG_WALK_CONTINUE;
    cg_gn list = cg_gn_child(n, 0);
    cg_gn first = cg_gn_is(list, CG_GK_EXPRESSION_LIST) ? cg_gn_child(list, 0) : list;
    if (first && value_carries(w->pkg, w->file, first, w->depth + 1, w->subst)) {
        w->carries = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_SKIP_CHILDREN;
}

/* Does the value, once stored or passed, carry a Go pointer? A pointer,
 * slice, map... that points into Go memory; a struct or array value whose
 * elements do: a composite literal's elements, what a function or method of
 * the package returns (C.TF_Output{oper: p.Op.c} carries only a C pointer),
 * a local's single value. Unknown struct values carry none (silent). */
static bool value_carries(cg_package *pkg, cg_gofile *file, cg_gn value, int depth, const arg_subst *subst) {
    if (depth > MAX_DEPTH) return false;
    /* A parameter of the function being followed: the call's argument. */
    cg_gn bare = cg_x_strip_conversions(pkg, file, value);
    cg_gobinding *param = subst && cg_gn_is(bare, CG_GK_IDENTIFIER) ? cg_gopkg_binding(pkg->go, file, bare) : NULL;
    if (param && (param->kind == CG_BIND_PARAM || param->kind == CG_BIND_RECEIVER) &&
        param->scope_start == subst->callee->node->start) {
        cg_gn arg = cg_gopkg_call_argument(subst->site, param, subst->callee->node);
        return arg && value_carries(pkg, subst->site_file, arg, depth + 1, subst->outer);
    }
    cg_gotype *vt = cg_gopkg_type_of_expr(pkg->go, file, value);
    cg_gotype *u = cg_gotype_underlying(pkg->go, vt);
    cg_gn v = cg_x_strip_conversions(pkg, file, value);
    cg_ctype ct;
    bool c_known = u && u->kind == CG_GT_C && cg_x_ctype(pkg, u, &ct);
    if (u && u->kind == CG_GT_C && !c_known && !cg_gn_is(v, CG_GK_COMPOSITE_LITERAL))
        return false; /* a C type the C side does not declare: pointer or struct, unknown */
    bool aggregate = cg_gn_is(v, CG_GK_COMPOSITE_LITERAL) ||
                     (u && (u->kind == CG_GT_STRUCT || u->kind == CG_GT_ARRAY ||
                            (c_known && (ct.kind == CG_CTYPE_RECORD || ct.kind == CG_CTYPE_ARRAY))));
    if (!aggregate) return cg_x_origin(pkg, file, value) == CG_ORIGIN_GO && cg_x_type_holds_pointers(pkg, vt) != CG_NO;
    if (cg_gn_is(v, CG_GK_COMPOSITE_LITERAL)) {
        const char *why;
        cg_gn stored;
        return literal_stores(pkg, file, v, &why, &stored, depth + 1, subst);
    }
    if (cg_gn_is(v, CG_GK_CALL_EXPRESSION)) {
        const cg_godecl *callee = cg_gopkg_callee(pkg->go, file, v);
        if (!callee) return false;
        arg_subst inner = {callee, file, v, subst};
        carry_walk w = {pkg, callee->file, depth, &inner, false};
        cg_walk(cg_go_func_body(callee->node), visit_carrying_return, &w);
        return w.carries;
    }
    if (cg_gn_is(v, CG_GK_IDENTIFIER)) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, v);
        cg_gn single = b ? cg_binding_single_value(b) : NULL;
        return single && value_carries(pkg, file, single, depth + 1, subst);
    }
    return false;
}

/* Does a composite literal store a Go pointer into any element/field? */
static bool literal_stores_go_pointer(cg_package *pkg, cg_gofile *file, cg_gn lit, const char **why,
                                      cg_gn *stored, int depth) {
    return literal_stores(pkg, file, lit, why, stored, depth, NULL);
}

static bool literal_stores(cg_package *pkg, cg_gofile *file, cg_gn lit, const char **why, cg_gn *stored, int depth,
                           const arg_subst *subst) {
    cg_gn body = cg_gn_field(lit, CG_GF_BODY);
    uint32_t n = cg_gn_count(body);
    for (uint32_t i = 0; i < n && depth <= MAX_DEPTH; i++) {
        cg_gn el = cg_gn_child(body, i);
        cg_gn key = NULL, value = el;
        if (cg_gn_is(el, CG_GK_KEYED_ELEMENT)) {
            key = cg_gn_child(cg_gn_field(el, CG_GF_KEY), 0);
            value = cg_gn_field(el, CG_GF_VALUE);
        }
        if (cg_gn_is(value, CG_GK_LITERAL_ELEMENT)) value = cg_gn_child(value, 0);
        if (cg_gn_is(value, CG_GK_LITERAL_VALUE)) continue; /* nested elided literal */
        if (cg_gn_is(value, CG_GK_COMPOSITE_LITERAL) && depth < MAX_DEPTH &&
            literal_stores(pkg, file, value, why, stored, depth + 1, subst))
            return true;
        if (value_carries(pkg, file, value, depth + 1, subst)) {
            *stored = value;
            *why = !key
                       ? cg_arena_printf(&pkg->arena, "element %u holds %s, a Go pointer", i,
                                         cg_node_text(file, value))
                       : cg_arena_printf(&pkg->arena, "field %s holds %s, a Go pointer",
                                         cg_node_text(file, key), cg_node_text(file, value));
            return true;
        }
    }
    return false;
}

/* Stores into the memory a local designates (x.f = v, x[i] = v, (*x).f = v,
 * through the local x itself or, when x is a pointer, into what it points
 * to) of a Go pointer v, that may run before `at` on the function's
 * control flow. Stores after `at`, on a path that excludes it, or into
 * another variable of the same name are not what C gets. */
typedef struct store_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *root;
    cg_gn at;
    const char **why;
    cg_gn *stored;
} store_walk;

static cg_walk_action visit_store(cg_gn n, void *arg) {
    store_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_op(n) != CG_GOP_ASSIGN) return CG_WALK_CONTINUE;
    cg_gn left = cg_gn_field(n, CG_GF_LEFT), right = cg_gn_field(n, CG_GF_RIGHT);
    uint32_t count = cg_gn_count(left);
    if (count != cg_gn_count(right)) return CG_WALK_SKIP_CHILDREN;
    for (uint32_t i = 0; i < count; i++) {
        cg_gn target = cg_gn_unparen(cg_gn_child(left, i));
        if (!cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION) && !cg_gn_is(target, CG_GK_INDEX_EXPRESSION) &&
            !cg_go_deref_operand(target))
            continue;
        cg_gn root = cg_lvalue_root(target);
        if (!cg_gn_is(root, CG_GK_IDENTIFIER) || !cg_node_text_eq(w->file, root, w->root->name) ||
            cg_gopkg_binding(w->pkg->go, w->file, root) != w->root)
            continue;
        cg_gn value = cg_gn_child(right, i);
        if (!value_carries_go_pointer(w->pkg, w->file, value, 0) || !cg_cfg_may_precede(w->pkg->go, w->file, n, w->at))
            continue;
        *w->stored = value;
        *w->why = cg_arena_printf(&w->pkg->arena, "%s is assigned %s, a Go pointer, at line %u",
                                  cg_node_text(w->file, target), cg_node_text(w->file, value), cg_gn_line(n));
        return CG_WALK_STOP;
    }
    return CG_WALK_SKIP_CHILDREN;
}

/* base: an expression whose root variable's memory is in question (x, x.f, x[i]). */
static bool assignments_store_go_pointer(cg_package *pkg, cg_gofile *file, cg_gn at, cg_gn base, const char **why,
                                         cg_gn *stored) {
    cg_gn root = cg_lvalue_root(base);
    cg_gobinding *b = cg_gn_is(root, CG_GK_IDENTIFIER) ? cg_gopkg_binding(pkg->go, file, root) : NULL;
    const cg_cfg *cfg = cg_cfg_around(pkg->go, file, at);
    if (!b || !cfg) return false;
    store_walk w = {pkg, file, b, at, why, stored};
    return !cg_walk(cg_go_func_body(cfg->func), visit_store, &w);
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

static cg_walk_action visit_other_use(cg_gn n, void *arg) {
    zero_walk *w = arg;
    if (cg_gn_start(n) >= w->skip_start && cg_gn_end(n) <= w->skip_end) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_IDENTIFIER) || n == w->var->ident ||
        !cg_node_text_eq(w->file, n, w->var->name) || cg_gopkg_binding(w->pkg->go, w->file, n) != w->var)
        return CG_WALK_CONTINUE;
    w->other_use = true;
    return CG_WALK_STOP;
}

static bool still_zero(cg_package *pkg, cg_gofile *file, cg_gn target, cg_gn expr) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, target);
    if (!b || b->kind != CG_BIND_VAR || b->value || b->defs.len) return false;
    cg_gn fn = cg_gopkg_enclosing_func(pkg->go, file, b->ident);
    if (!fn) return false;
    zero_walk w = {pkg, file, b, cg_gn_start(expr), cg_gn_end(expr), false};
    cg_walk(cg_gn_field(fn, CG_GF_BODY), visit_other_use, &w);
    return !w.other_use;
}

cg_tristate cg_x_pointee_holds_go_pointers(cg_package *pkg, cg_gofile *file, cg_gn expr,
                                           const char **why, cg_gn *stored) {
    *why = "";
    *stored = NULL;
    char kind = 0;
    cg_gn target = cg_x_address_of(pkg, file, expr, &kind);
    cg_gn stripped = cg_x_strip_conversions(pkg, file, expr);
    cg_gn pointer_var = NULL; /* the local that holds the pointer C gets (p in p := &x) */
    for (int hop = 0; !target && hop < 4; hop++) {
        /* A pointer variable: follow its single initializer (p := &x). */
        if (!cg_gn_is(stripped, CG_GK_IDENTIFIER)) break;
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, stripped);
        if (!b || !b->value || b->defs.len || b->value_index) break;
        if (!pointer_var) pointer_var = stripped;
        stripped = cg_x_strip_conversions(pkg, file, b->value);
        target = cg_x_address_of(pkg, file, stripped, &kind);
    }
    /* Stores through that pointer (p.f = v) land in the object too. */
    if (target && pointer_var && assignments_store_go_pointer(pkg, file, expr, pointer_var, why, stored)) return CG_YES;
    if (!target) {
        /* new(T), make(...), or an unknown pointer: judge by the pointee type. */
        cg_gotype *pt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, stripped));
        if (!pt || pt->kind != CG_GT_POINTER) return CG_MAYBE;
        cg_tristate t = explain_type(pkg, pt->elem, "the pointed-to value", why);
        return t == CG_YES ? CG_YES : (t == CG_NO ? CG_NO : CG_MAYBE);
    }
    if (kind == 'v' && cg_gn_is(target, CG_GK_COMPOSITE_LITERAL)) {
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
        cg_gn base = cg_gn_field(target, CG_GF_OPERAND);
        region = cg_gopkg_type_of_expr(pkg->go, file, target);
        const char *what = cg_arena_printf(&pkg->arena, "an element of %s", cg_node_text(file, base));
        cg_tristate t = explain_type(pkg, region, what, why);
        if (t != CG_MAYBE) return t;
        if (assignments_store_go_pointer(pkg, file, expr, base, why, stored)) return CG_YES;
        return CG_MAYBE;
    }
    if (kind == 'v' && cg_gn_is(target, CG_GK_IDENTIFIER) && still_zero(pkg, file, target, expr)) return CG_NO;
    region = cg_gopkg_type_of_expr(pkg->go, file, target);
    cg_tristate t = explain_type(pkg, region, target_text, why);
    if (t != CG_MAYBE) return t;
    if (kind == 'v' && cg_gn_is(target, CG_GK_IDENTIFIER)) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, target);
        cg_gn init = b ? cg_gn_unparen(b->value) : NULL;
        if (cg_gn_is(init, CG_GK_COMPOSITE_LITERAL) && literal_stores_go_pointer(pkg, file, init, why, stored, 0))
            return CG_YES;
        cg_gn single = b ? cg_binding_single_value(b) : NULL;
        if (single && !cg_gn_is(cg_gn_unparen(single), CG_GK_COMPOSITE_LITERAL) &&
            value_carries_go_pointer(pkg, file, single, 0)) {
            *stored = single;
            *why = cg_arena_printf(&pkg->arena, "%s holds %s, whose value carries a Go pointer", target_text,
                                   cg_node_text(file, single));
            return CG_YES;
        }
        if (assignments_store_go_pointer(pkg, file, expr, target, why, stored)) return CG_YES;
    }
    return CG_MAYBE;
}

typedef struct pin_walk {
    cg_package *pkg;
    cg_gofile *file;
    const char *want;
} pin_walk;

/* Strips conversions and a leading &: `unsafe.Pointer(&x)` names x. */
static cg_gn named_object(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (cg_gn_is(expr, CG_GK_UNARY_EXPRESSION) && cg_gn_op(expr) == CG_GOP_AMP)
        expr = cg_gn_field(expr, CG_GF_OPERAND);
    return expr;
}

static cg_walk_action visit_pin(cg_gn n, void *arg) {
    pin_walk *w = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) return CG_WALK_CONTINUE;
    cg_gn callee = cg_gn_field(n, CG_GF_FUNCTION);
    cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS);
    if (cg_gn_is(callee, CG_GK_SELECTOR_EXPRESSION) &&
        cg_node_text_eq(w->file, cg_gn_field(callee, CG_GF_FIELD), "Pin") &&
        cg_gn_count(args) == 1 &&
        cg_node_text_eq(w->file, named_object(w->pkg, w->file, cg_gn_child(args, 0)), w->want))
        return CG_WALK_STOP;
    return CG_WALK_CONTINUE;
}

bool cg_x_is_pinned(cg_package *pkg, cg_gofile *file, cg_gn at, cg_gn expr) {
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, at);
    if (!fn) return false;
    pin_walk w = {pkg, file, cg_node_text(file, named_object(pkg, file, expr))};
    return !cg_walk(fn->node, visit_pin, &w);
}
