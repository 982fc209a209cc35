/*
 * cmemory.c: C memory as a store target and Go pointers as stored or
 * returned values (see cmemory.h). Built on cg_x_origin; the extra C
 * sources (C globals, pointer fields read out of C memory, locals holding
 * them) are followed here so that xlang.c keeps its narrower contract.
 */
#include "cmemory.h"

#include <string.h>

enum { MAX_DEPTH = 8, MAX_TEXT = 48 };

/* The values stored into one field of a Go struct type, and their joined
 * origin once computed. */
typedef struct stored_value {
    cg_gofile *file;
    cg_gn node;
} stored_value;

typedef struct field_stores {
    CG_VEC(stored_value) values;
    cg_origin origin;
    bool done, resolving;
} field_stores;

struct cg_cmem {
    cg_package *pkg;
    cg_strmap fields; /* "Type.field" -> field_stores* */
    bool indexed;
};

/* Node text for messages, cut to a readable length. */
static const char *short_text(cg_package *pkg, cg_gofile *file, cg_gn node) {
    const char *text = cg_node_text(file, node);
    if (strlen(text) <= MAX_TEXT && !strchr(text, '\n')) return text;
    size_t n = 0;
    while (n < MAX_TEXT - 3 && text[n] && text[n] != '\n') n++;
    return cg_arena_printf(&pkg->arena, "%.*s...", (int)n, text);
}

/* A type whose values are addresses: Go pointers, unsafe.Pointer, C pointer
 * types (C.T where T is a pointer typedef, *C.T). */
static bool pointer_like(cg_package *pkg, cg_gotype *type) {
    type = cg_gotype_underlying(pkg->go, type);
    if (!type) return false;
    if (type->kind == CG_GT_POINTER || type->kind == CG_GT_UNSAFE_POINTER) return true;
    cg_ctype ct;
    return type->kind == CG_GT_C && cg_x_ctype(pkg, type, &ct) &&
           (ct.kind == CG_CTYPE_POINTER || ct.kind == CG_CTYPE_FUNC_POINTER);
}

static bool is_c_global(cg_package *pkg, cg_gofile *file, cg_gn node) {
    if (!cg_node_is_qualified(file, node, "C", NULL)) return false;
    return cg_cmodel_var(pkg->c, cg_node_text(file, cg_gn_field(node, CG_GF_FIELD))) != NULL;
}

static cg_gn lvalue_base(cg_cmem *cm, cg_gofile *file, cg_gn lv, int depth);

/* ---- Field index ---- */

cg_cmem *cg_cmem_new(cg_package *pkg) {
    cg_cmem *cm = cg_xcalloc(1, sizeof(*cm));
    cm->pkg = pkg;
    cg_strmap_init(&cm->fields);
    return cm;
}

void cg_cmem_free(cg_cmem *cm) {
    if (!cm) return;
    for (size_t i = 0; i < cm->fields.capacity; i++) {
        field_stores *fs = cm->fields.slots[i].key ? cm->fields.slots[i].value : NULL;
        if (!fs) continue;
        cg_vec_free(&fs->values);
        free(fs);
    }
    cg_strmap_free(&cm->fields);
    free(cm);
}

/* "Type.field" when `type` is (a pointer to) a named struct type of the
 * package that declares `field`; NULL otherwise. */
static const char *field_key(cg_package *pkg, cg_gotype *type, const char *field) {
    if (type && type->kind == CG_GT_POINTER) type = type->elem;
    if (!type || type->kind != CG_GT_NAMED) return NULL;
    cg_gotype *u = cg_gotype_underlying(pkg->go, type);
    if (!u || u->kind != CG_GT_STRUCT) return NULL;
    for (size_t i = 0; i < u->field_count; i++)
        if (strcmp(u->fields[i].name, field) == 0)
            return cg_arena_printf(&pkg->arena, "%s.%s", type->name, field);
    return NULL;
}

static void add_store(cg_cmem *cm, const char *key, cg_gofile *file, cg_gn value) {
    if (!key) return;
    field_stores *fs = cg_strmap_get(&cm->fields, key);
    if (!fs) {
        fs = cg_xcalloc(1, sizeof(*fs));
        cg_strmap_put(&cm->fields, key, fs);
    }
    stored_value v = {file, value};
    cg_vec_push(&fs->values, v);
}

typedef struct index_walk {
    cg_cmem *cm;
    cg_gofile *file;
} index_walk;

static void index_literal(index_walk *w, cg_gn lit) {
    cg_package *pkg = w->cm->pkg;
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, w->file, lit);
    cg_gotype *u = cg_gotype_underlying(pkg->go, t);
    if (!t || t->kind != CG_GT_NAMED || !u || u->kind != CG_GT_STRUCT) return;
    cg_gn body = cg_gn_field(lit, CG_GF_BODY);
    uint32_t n = cg_gn_count(body), pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        cg_gn el = cg_gn_child(body, i);
        if (cg_gn_is(el, CG_GK_COMMENT)) continue;
        const char *name = NULL;
        cg_gn value = el;
        if (cg_gn_is(el, CG_GK_KEYED_ELEMENT)) {
            name = cg_node_text(w->file, cg_gn_child(cg_gn_field(el, CG_GF_KEY), 0));
            value = cg_gn_field(el, CG_GF_VALUE);
        } else if (pos < u->field_count) {
            name = u->fields[pos].name;
        }
        pos++;
        if (cg_gn_is(value, CG_GK_LITERAL_ELEMENT)) value = cg_gn_child(value, 0);
        if (name) add_store(w->cm, field_key(pkg, t, name), w->file, value);
    }
}

static void index_assignment(index_walk *w, cg_gn stmt) {
    cg_package *pkg = w->cm->pkg;
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT), right = cg_gn_field(stmt, CG_GF_RIGHT);
    uint32_t n = cg_gn_count(left);
    bool paired = cg_gn_op(stmt) == CG_GOP_ASSIGN &&
                  n == cg_gn_count(right);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn target = cg_gn_unparen(cg_gn_child(left, i));
        if (!cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION)) continue;
        cg_gotype *bt = cg_gopkg_type_of_expr(pkg->go, w->file, cg_gn_field(target, CG_GF_OPERAND));
        const char *key = field_key(pkg, bt, cg_node_text(w->file, cg_gn_field(target, CG_GF_FIELD)));
        /* A store the index cannot pair with a value (a, b = f()) makes the
         * field's origin unknown: record the whole right side. */
        add_store(w->cm, key, w->file, paired ? cg_gn_child(right, i) : right);
    }
}

static cg_walk_action index_node(cg_gn node, void *arg) {
    index_walk *w = arg;
    if (cg_gn_is(node, CG_GK_COMPOSITE_LITERAL)) index_literal(w, node);
    else if (cg_gn_is(node, CG_GK_ASSIGNMENT_STATEMENT)) index_assignment(w, node);
    return CG_WALK_CONTINUE;
}

static void index_fields(cg_cmem *cm) {
    cm->indexed = true;
    for (size_t i = 0; i < cm->pkg->go->files.len; i++) {
        index_walk w = {cm, cm->pkg->go->files.items[i]};
        cg_walk(w.file->root, index_node, &w);
    }
}

static cg_origin join_origin(cg_origin a, cg_origin b) {
    if (a == CG_ORIGIN_NONE) return b;
    if (b == CG_ORIGIN_NONE) return a;
    return a == b ? a : CG_ORIGIN_UNKNOWN;
}

static cg_origin pointer_origin(cg_cmem *cm, cg_gofile *file, cg_gn expr, int depth);

/* The joined origin of every value stored into a Go struct field; unknown
 * when nothing is stored (the field is filled elsewhere, say by reflection
 * or in another package). */
static cg_origin field_origin(cg_cmem *cm, const char *key, int depth) {
    if (!cm->indexed) index_fields(cm);
    field_stores *fs = cg_strmap_get(&cm->fields, key);
    if (!fs || !fs->values.len) return CG_ORIGIN_UNKNOWN;
    if (fs->done) return fs->origin;
    if (fs->resolving) return CG_ORIGIN_NONE; /* a cycle adds nothing */
    fs->resolving = true;
    cg_origin o = CG_ORIGIN_NONE;
    for (size_t i = 0; i < fs->values.len && o != CG_ORIGIN_UNKNOWN; i++)
        o = join_origin(o, pointer_origin(cm, fs->values.items[i].file, fs->values.items[i].node, depth + 1));
    fs->resolving = false;
    if (o == CG_ORIGIN_NONE) o = CG_ORIGIN_UNKNOWN; /* only nil stores: nothing known */
    fs->origin = o;
    fs->done = true;
    return o;
}

/* Is expr (through conversions, slicing and one-assignment locals) a
 * parameter of an //export function? Those values are made by the C caller:
 * a GoString or GoSlice C builds points to C memory, and pointers C passes
 * are usually C pointers, so their provenance is unknown, not Go. */
static bool export_param(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn e = cg_cmem_source(pkg, file, expr);
    if (cg_gn_is(e, CG_GK_UNARY_EXPRESSION) && cg_gn_op(e) == CG_GOP_AMP) {
        e = cg_gn_unparen(cg_gn_field(e, CG_GF_OPERAND));
        if (!cg_gn_is(e, CG_GK_INDEX_EXPRESSION)) return false; /* &param is Go memory: a Go copy */
    }
    for (int i = 0; i < MAX_DEPTH && (cg_gn_is(e, CG_GK_SLICE_EXPRESSION) || cg_gn_is(e, CG_GK_INDEX_EXPRESSION)); i++)
        e = cg_cmem_source(pkg, file, cg_gn_field(e, CG_GF_OPERAND));
    if (!cg_gn_is(e, CG_GK_IDENTIFIER)) return false;
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, e);
    if (!b || b->kind != CG_BIND_PARAM) return false;
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, e);
    if (!fn || !cg_gn_is(fn->node, CG_GK_FUNCTION_DECLARATION)) return false;
    /* The binding must be the function's own parameter, not a literal's. */
    if (cg_gn_start(b->ident) >= cg_gn_start(cg_gn_field(fn->node, CG_GF_BODY))) return false;
    for (size_t i = 0; i < fn->file->exports.len; i++)
        if (fn->file->exports.items[i].func == fn->node) return true;
    return false;
}

static cg_origin pointer_origin(cg_cmem *cm, cg_gofile *file, cg_gn expr, int depth) {
    cg_package *pkg = cm->pkg;
    cg_origin o = cg_x_origin(pkg, file, expr);
    if (o == CG_ORIGIN_GO && export_param(pkg, file, expr)) return CG_ORIGIN_UNKNOWN;
    if (o != CG_ORIGIN_UNKNOWN || depth > MAX_DEPTH) return o;
    cg_gn e = cg_x_strip_conversions(pkg, file, expr);
    if (is_c_global(pkg, file, e))
        return pointer_like(pkg, cg_gopkg_type_of_expr(pkg->go, file, e)) ? CG_ORIGIN_C : o;
    if (cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION)) {
        cg_gotype *bt = cg_gopkg_type_of_expr(pkg->go, file, cg_gn_field(e, CG_GF_OPERAND));
        const char *key = field_key(pkg, bt, cg_node_text(file, cg_gn_field(e, CG_GF_FIELD)));
        cg_origin fo = key ? field_origin(cm, key, depth) : CG_ORIGIN_UNKNOWN;
        if (fo != CG_ORIGIN_UNKNOWN) return fo;
    }
    if (cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION) || cg_gn_is(e, CG_GK_INDEX_EXPRESSION) ||
        cg_gn_is(e, CG_GK_UNARY_EXPRESSION)) {
        /* A pointer kept in C memory: C code put it there, and the cgo rules
         * allow only C pointers (or pinned Go pointers) in C memory. */
        if (pointer_like(pkg, cg_gopkg_type_of_expr(pkg->go, file, e)) &&
            (lvalue_base(cm, file, e, depth + 1)))
            return CG_ORIGIN_C;
        return o;
    }
    if (cg_gn_is(e, CG_GK_IDENTIFIER)) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, e);
        if (!b || !b->value || b->defs.len || b->value_index ||
            (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR))
            return o;
        return pointer_origin(cm, file, b->value, depth + 1);
    }
    return o;
}

cg_origin cg_cmem_pointer_origin(cg_cmem *cm, cg_gofile *file, cg_gn expr) {
    return pointer_origin(cm, file, expr, 0);
}

static cg_gn lvalue_base(cg_cmem *cm, cg_gofile *file, cg_gn lv, int depth) {
    cg_package *pkg = cm->pkg;
    cg_gn none = NULL;
    lv = cg_gn_unparen(lv);
    if (!lv || depth > MAX_DEPTH) return none;
    if (cg_gn_is(lv, CG_GK_UNARY_EXPRESSION)) {
        if (cg_gn_op(lv) != CG_GOP_STAR) return none;
        cg_gn p = cg_gn_field(lv, CG_GF_OPERAND);
        return pointer_origin(cm, file, p, depth + 1) == CG_ORIGIN_C ? p : none;
    }
    if (cg_gn_is(lv, CG_GK_TYPE_CONVERSION_EXPRESSION)) {
        /* tree-sitter-go reads `*(*T)(p) = v` as a conversion to the type
         * `*(*T)`: it is a store through (*T)(p). */
        cg_gn type = cg_gn_field(lv, CG_GF_TYPE);
        if (!cg_gn_is(type, CG_GK_POINTER_TYPE) || !cg_gn_is(cg_gn_child(type, 0), CG_GK_PARENTHESIZED_TYPE))
            return none;
        cg_gn p = cg_gn_field(lv, CG_GF_OPERAND);
        return pointer_origin(cm, file, p, depth + 1) == CG_ORIGIN_C ? p : none;
    }
    if (cg_gn_is(lv, CG_GK_SELECTOR_EXPRESSION)) {
        if (is_c_global(pkg, file, lv)) return lv;
        cg_gn base = cg_gn_field(lv, CG_GF_OPERAND);
        if (pointer_like(pkg, cg_gopkg_type_of_expr(pkg->go, file, base)))
            return pointer_origin(cm, file, base, depth + 1) == CG_ORIGIN_C ? base : none;
        return lvalue_base(cm, file, base, depth + 1); /* a field of a struct value */
    }
    if (cg_gn_is(lv, CG_GK_INDEX_EXPRESSION)) {
        cg_gn base = cg_gn_field(lv, CG_GF_OPERAND);
        cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
        if (!bt || bt->kind == CG_GT_UNKNOWN) {
            /* A field of C memory whose type the Go side cannot resolve (a
             * field of a C call's result): an array field is C memory, and a
             * pointer field of C memory points to C memory. */
            if (cg_gn_is(cg_gn_unparen(base), CG_GK_SELECTOR_EXPRESSION))
                return lvalue_base(cm, file, base, depth + 1);
            return none;
        }
        if (bt->kind == CG_GT_SLICE || bt->kind == CG_GT_POINTER)
            return pointer_origin(cm, file, base, depth + 1) == CG_ORIGIN_C ? base : none;
        cg_ctype ct;
        if (bt->kind == CG_GT_ARRAY || (bt->kind == CG_GT_C && cg_x_ctype(pkg, bt, &ct) &&
                                        ct.kind == CG_CTYPE_ARRAY))
            return lvalue_base(cm, file, base, depth + 1); /* an element of an array value */
        return none;
    }
    return none;
}

bool cg_cmem_field_source(cg_cmem *cm, cg_gofile *file, cg_gn expr, cg_gofile **store_file,
                          cg_gn *store) {
    cg_package *pkg = cm->pkg;
    cg_gn e = cg_x_strip_conversions(pkg, file, expr);
    if (!cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION)) return false;
    cg_gotype *bt = cg_gopkg_type_of_expr(pkg->go, file, cg_gn_field(e, CG_GF_OPERAND));
    const char *key = field_key(pkg, bt, cg_node_text(file, cg_gn_field(e, CG_GF_FIELD)));
    if (!key || field_origin(cm, key, 0) != CG_ORIGIN_C) return false;
    field_stores *fs = cg_strmap_get(&cm->fields, key);
    for (size_t i = 0; i < fs->values.len; i++) {
        if (cg_gn_is(cg_gn_unparen(fs->values.items[i].node), CG_GK_NIL)) continue;
        *store_file = fs->values.items[i].file;
        *store = fs->values.items[i].node;
        return true;
    }
    return false;
}

cg_gn cg_cmem_lvalue_base(cg_cmem *cm, cg_gofile *file, cg_gn lvalue) {
    return lvalue_base(cm, file, lvalue, 0);
}

cg_gn cg_cmem_source(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn e = cg_x_strip_conversions(pkg, file, expr);
    for (int hop = 0; hop < MAX_DEPTH && cg_gn_is(e, CG_GK_IDENTIFIER); hop++) {
        cg_gobinding *b = cg_gopkg_binding(pkg->go, file, e);
        if (!b || !b->value || b->defs.len || b->value_index) break;
        e = cg_x_strip_conversions(pkg, file, b->value);
    }
    return e;
}

/* ---- Values that carry Go pointers ---- */

/* &g, &g.f, &g[i], g[:] of a package-level variable g (through conversions
 * and one-assignment locals): the linker allocates g outside the heap, and
 * runtime.isPinned treats every non-heap Go pointer as pinned, so neither
 * cgoCheckPtrWrite nor cgoCheckResult rejects it. */
static bool global_address(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn e = cg_cmem_source(pkg, file, expr);
    if (cg_gn_is(e, CG_GK_UNARY_EXPRESSION) && cg_gn_op(e) == CG_GOP_AMP)
        e = cg_gn_field(e, CG_GF_OPERAND);
    else if (!cg_gn_is(e, CG_GK_SLICE_EXPRESSION))
        return false;
    for (int i = 0; i < MAX_DEPTH; i++) {
        e = cg_gn_unparen(e);
        if (cg_gn_is(e, CG_GK_IDENTIFIER)) {
            if (cg_gopkg_binding(pkg->go, file, e)) return false;
            const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, e));
            return d && d->kind == CG_GODECL_VAR;
        }
        if (!cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION) && !cg_gn_is(e, CG_GK_INDEX_EXPRESSION) &&
            !cg_gn_is(e, CG_GK_SLICE_EXPRESSION))
            return false;
        cg_gn base = cg_gn_field(e, CG_GF_OPERAND);
        /* Through a pointer or a slice the memory is wherever that points. */
        cg_gotype *bt = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, base));
        if (!bt || (bt->kind != CG_GT_STRUCT && bt->kind != CG_GT_ARRAY && bt->kind != CG_GT_C) ||
            pointer_like(pkg, bt))
            return false;
        e = base;
    }
    return false;
}

static cg_tristate value_rec(cg_cmem *cm, cg_gofile *file, cg_gn value, cg_gotype *hint,
                             const char **why, cg_gn *culprit, int depth);

static cg_tristate max_tri(cg_tristate a, cg_tristate b) {
    if (a == CG_YES || b == CG_YES) return CG_YES;
    if (a == CG_MAYBE || b == CG_MAYBE) return CG_MAYBE;
    return CG_NO;
}

/* A struct/array literal carries a Go pointer when one of its elements does. */
static cg_tristate literal_elements(cg_cmem *cm, cg_gofile *file, cg_gn lit, const char **why,
                                    cg_gn *culprit, int depth) {
    cg_gn body = cg_gn_field(lit, CG_GF_BODY);
    uint32_t n = cg_gn_count(body);
    cg_tristate r = CG_NO;
    for (uint32_t i = 0; i < n; i++) {
        cg_gn el = cg_gn_child(body, i);
        cg_gn value = el;
        if (cg_gn_is(el, CG_GK_KEYED_ELEMENT)) value = cg_gn_field(el, CG_GF_VALUE);
        if (cg_gn_is(value, CG_GK_LITERAL_ELEMENT)) value = cg_gn_child(value, 0);
        if (cg_gn_is(value, CG_GK_COMMENT)) continue;
        if (cg_gn_is(value, CG_GK_LITERAL_VALUE)) { /* elided inner type: not resolved */
            r = max_tri(r, CG_MAYBE);
            continue;
        }
        cg_tristate t = value_rec(cm, file, value, NULL, why, culprit, depth + 1);
        if (t == CG_YES) return CG_YES;
        r = max_tri(r, t);
    }
    return r;
}

/* Why a value of this kind, made by Go, is a Go pointer. */
static const char *kind_reason(cg_package *pkg, cg_gotype *u, const char *text) {
    switch (u->kind) {
    case CG_GT_STRING: return cg_arena_printf(&pkg->arena, "%s is a Go string: its bytes are Go memory", text);
    case CG_GT_SLICE: return cg_arena_printf(&pkg->arena, "%s is a Go slice: its backing array is Go memory", text);
    case CG_GT_MAP: return cg_arena_printf(&pkg->arena, "%s is a Go map: a pointer to the runtime's map", text);
    case CG_GT_CHAN: return cg_arena_printf(&pkg->arena, "%s is a Go channel: a pointer to the runtime's channel", text);
    case CG_GT_INTERFACE:
        return cg_arena_printf(&pkg->arena, "%s is an interface value: it points to its dynamic value in Go memory", text);
    case CG_GT_FUNC: return cg_arena_printf(&pkg->arena, "%s is a func value: a pointer to a closure in Go memory", text);
    default: return cg_arena_printf(&pkg->arena, "%s points into Go memory", text);
    }
}

typedef struct capture_walk {
    cg_package *pkg;
    cg_gofile *file;
    uint32_t literal_start;
    cg_gn found;
} capture_walk;

static cg_walk_action visit_capture(cg_gn n, void *arg) {
    capture_walk *w = arg;
    if (!cg_gn_is(n, CG_GK_IDENTIFIER)) return CG_WALK_CONTINUE;
    cg_gobinding *b = cg_gopkg_binding(w->pkg->go, w->file, n);
    if (!b || cg_gn_start(b->ident) >= w->literal_start) return CG_WALK_CONTINUE;
    w->found = n; /* a local of the enclosing function */
    return CG_WALK_STOP;
}

static bool literal_captures(cg_package *pkg, cg_gofile *file, cg_gn lit, cg_gn *captured) {
    capture_walk w = {.pkg = pkg, .file = file, .literal_start = cg_gn_start(lit)};
    cg_walk(cg_gn_field(lit, CG_GF_BODY), visit_capture, &w);
    *captured = w.found;
    return w.found != NULL;
}

static cg_tristate value_rec(cg_cmem *cm, cg_gofile *file, cg_gn value, cg_gotype *hint,
                             const char **why, cg_gn *culprit, int depth) {
    cg_package *pkg = cm->pkg;
    cg_gn v = cg_gn_unparen(value);
    if (!v || depth > MAX_DEPTH) return CG_MAYBE;
    cg_gk kind = cg_gn_kind(v);
    if (kind == CG_GK_NIL || kind == CG_GK_INTERPRETED_STRING_LITERAL ||
        kind == CG_GK_RAW_STRING_LITERAL)
        return CG_NO; /* nil, or static data the runtime does not count as Go memory */
    cg_gotype *type = cg_gopkg_type_of_expr(pkg->go, file, v);
    if (hint && (!type || type->kind == CG_GT_UNKNOWN)) type = hint;
    cg_tristate holds = cg_x_type_holds_pointers(pkg, type);
    if (holds == CG_NO) return CG_NO;
    cg_gotype *u = cg_gotype_underlying(pkg->go, type);
    const char *text = short_text(pkg, file, v);

    if (kind == CG_GK_IDENTIFIER && !cg_gopkg_binding(pkg->go, file, v)) {
        const cg_godecl *d = cg_gopkg_decl(pkg->go, cg_node_text(file, v));
        /* Constants are static data; a top-level function's func value is a
         * static funcval, neither is in the Go heap, data or bss. */
        if (d && (d->kind == CG_GODECL_CONST || d->kind == CG_GODECL_FUNC)) return CG_NO;
    }
    if (kind == CG_GK_COMPOSITE_LITERAL) {
        if (u && (u->kind == CG_GT_SLICE || u->kind == CG_GT_MAP)) {
            *why = kind_reason(pkg, u, text);
            *culprit = v;
            return CG_YES;
        }
        return literal_elements(cm, file, v, why, culprit, depth);
    }
    if (u && (u->kind == CG_GT_STRUCT || u->kind == CG_GT_ARRAY || u->kind == CG_GT_C) &&
        !pointer_like(pkg, u)) {
        /* A struct or array value: only its elements matter. Follow a local
         * with one composite-literal initializer; later field stores are not
         * tracked, so anything else stays unknown. */
        cg_gn src = cg_cmem_source(pkg, file, v);
        if (cg_gn_is(src, CG_GK_COMPOSITE_LITERAL)) {
            cg_tristate t = literal_elements(cm, file, src, why, culprit, depth);
            return t == CG_YES ? CG_YES : CG_MAYBE;
        }
        return CG_MAYBE;
    }
    if (u && u->kind == CG_GT_FUNC && kind != CG_GK_FUNC_LITERAL) {
        cg_gn src = cg_cmem_source(pkg, file, v); /* f := func() {...}; return f */
        if (cg_gn_is(src, CG_GK_FUNC_LITERAL)) return value_rec(cm, file, src, NULL, why, culprit, depth + 1);
    }
    if (kind == CG_GK_FUNC_LITERAL) {
        /* A literal that captures nothing compiles to a static funcval; one
         * that captures variables allocates its closure in the Go heap. */
        cg_gn captured;
        if (!literal_captures(pkg, file, v, &captured)) return CG_NO;
        *why = cg_arena_printf(&pkg->arena,
                               "the func literal captures %s, so its closure is allocated in Go memory",
                               cg_node_text(file, captured));
        *culprit = v;
        return CG_YES;
    }

    cg_origin o = cg_cmem_pointer_origin(cm, file, v);
    if (o == CG_ORIGIN_C || o == CG_ORIGIN_NONE) return CG_NO;
    if (global_address(pkg, file, v)) return CG_NO;
    if (!u) return CG_MAYBE;
    if (o == CG_ORIGIN_GO) {
        *why = kind_reason(pkg, u, text);
        *culprit = v;
        return CG_YES;
    }
    if (export_param(pkg, file, v)) return CG_MAYBE; /* made by the C caller */
    if (cg_gn_is(v, CG_GK_SELECTOR_EXPRESSION)) {
        /* pkg.Name of another package may be a constant (runtime.GOOS):
         * static data, not Go memory. */
        cg_gn operand = cg_gn_field(v, CG_GF_OPERAND);
        if (cg_gn_is(operand, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg->go, file, operand) &&
            !cg_gopkg_decl(pkg->go, cg_node_text(file, operand)))
            return CG_MAYBE;
    }
    /* Unknown provenance: non-nil values of these kinds always point to
     * memory the Go runtime allocated, unless unsafe made them from C memory,
     * which cg_x_origin would have seen. Funcs are left out: a func value of
     * a top-level function or a capture-free literal is static. */
    switch (u->kind) {
    case CG_GT_STRING:
    case CG_GT_SLICE:
    case CG_GT_MAP:
    case CG_GT_CHAN:
    case CG_GT_INTERFACE:
        *why = kind_reason(pkg, u, text);
        *culprit = v;
        return CG_YES;
    default: return CG_MAYBE;
    }
}

cg_tristate cg_cmem_value_go_pointer(cg_cmem *cm, cg_gofile *file, cg_gn value,
                                     cg_gotype *type, const char **why, cg_gn *culprit) {
    *why = "";
    *culprit = NULL;
    return value_rec(cm, file, value, type, why, culprit, 0);
}
