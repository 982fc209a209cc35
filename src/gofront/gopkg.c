/*
 * gopkg.c: package declarations and Go types from type expressions.
 * Expression typing is in goexpr.c, local bindings in goscope.c.
 */
#include "gopkg.h"

#include <stdlib.h>
#include <string.h>

#include "gopkg_internal.h"

cg_gopkg *cg_gopkg_new(const char *dir) {
    cg_gopkg *pkg = cg_xcalloc(1, sizeof(*pkg));
    pkg->dir = cg_xstrdup(dir);
    pkg->name = "";
    cg_strmap_init(&pkg->decls);
    cg_arena_init(&pkg->arena);
    return pkg;
}

void cg_gopkg_add_file(cg_gopkg *pkg, cg_gofile *file) {
    cg_vec_push(&pkg->files, file);
    if (!*pkg->name && file->package_name) pkg->name = file->package_name;
}

void cg_gopkg_free(cg_gopkg *pkg) {
    if (!pkg) return;
    for (size_t i = 0; i < pkg->files.len; i++) cg_gofile_free(pkg->files.items[i]);
    cg_vec_free(&pkg->files);
    for (size_t i = 0; i < pkg->funcs.len; i++) {
        cg_gofunc *fn = pkg->funcs.items[i];
        for (size_t j = 0; j < fn->bindings.len; j++) cg_vec_free(&fn->bindings.items[j]->defs);
        cg_vec_free(&fn->bindings);
        cg_ptrmap_free(&fn->declared);
        cg_ptrmap_free(&fn->resolved);
    }
    cg_vec_free(&pkg->funcs);
    cg_strmap_free(&pkg->decls);
    cg_ptrmap_free(&pkg->cfgs);
    cg_arena_free(&pkg->arena);
    free(pkg->dir);
    free(pkg);
}

const cg_godecl *cg_gopkg_decl(const cg_gopkg *pkg, const char *name) {
    return cg_strmap_get(&pkg->decls, name);
}

/* ---- Indexing ---- */

static cg_godecl *add_decl(cg_gopkg *pkg, cg_gofile *file, cg_godecl_kind kind, const char *name,
                           cg_gn node) {
    cg_godecl *d = cg_arena_alloc(&pkg->arena, sizeof(*d));
    d->kind = kind;
    d->name = cg_arena_strdup(&pkg->arena, name);
    d->file = file;
    d->node = node;
    d->type_node = NULL;
    d->value = NULL;
    /* The first declaration wins; duplicates are a compile error anyway. */
    if (!cg_strmap_get(&pkg->decls, name)) cg_strmap_put(&pkg->decls, name, d);
    return d;
}

typedef struct spec_ctx {
    cg_gopkg *pkg;
    cg_gofile *file;
    cg_gn spec;
    cg_godecl_kind kind;
    unsigned index;
} spec_ctx;

static void index_spec_name(cg_gn name, void *arg) {
    spec_ctx *c = arg;
    cg_godecl *d = add_decl(c->pkg, c->file, c->kind, cg_node_text(c->file, name), c->spec);
    d->type_node = cg_gn_field(c->spec, CG_GF_TYPE);
    cg_gn values = cg_gn_field(c->spec, CG_GF_VALUE);
    if (values) {
        uint32_t nvalues = cg_gn_count(values);
        if (nvalues > c->index) {
            d->value = cg_gn_child(values, c->index);
        } else if (nvalues == 1) {
            d->value = cg_gn_child(values, 0);
            d->value_index = c->index;
        }
    }
    c->index++;
}

static void index_specs(cg_gopkg *pkg, cg_gofile *file, cg_gn decl, cg_godecl_kind kind) {
    uint32_t n = cg_gn_count(decl);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn spec = cg_gn_child(decl, i);
        if (cg_gn_is(spec, CG_GK_VAR_SPEC_LIST)) {
            index_specs(pkg, file, spec, kind);
            continue;
        }
        if (!cg_gn_is(spec, CG_GK_VAR_SPEC) && !cg_gn_is(spec, CG_GK_CONST_SPEC)) continue;
        spec_ctx c = {pkg, file, spec, kind, 0};
        cg_gn name;
        for (uint32_t k = 0; (name = cg_gn_field_at(spec, CG_GF_NAME, k)) != NULL; k++) index_spec_name(name, &c);
    }
}

/* "T" for receivers (t T), (t *T), (t *T[K]). */
const char *cg_receiver_type_name(cg_gofile *file, cg_gn method) {
    cg_gn params = cg_gn_field(method, CG_GF_RECEIVER);
    cg_gn decl = cg_gn_child(params, 0);
    cg_gn type = cg_gn_field(decl, CG_GF_TYPE);
    while (cg_gn_is(type, CG_GK_POINTER_TYPE) || cg_gn_is(type, CG_GK_PARENTHESIZED_TYPE))
        type = cg_gn_child(type, 0);
    if (cg_gn_is(type, CG_GK_GENERIC_TYPE)) type = cg_gn_field(type, CG_GF_TYPE);
    return cg_node_text(file, type);
}

static void add_func(cg_gopkg *pkg, cg_gofile *file, size_t file_index, cg_gn node,
                     const char *name) {
    cg_gofunc *fn = cg_arena_alloc(&pkg->arena, sizeof(*fn));
    fn->node = node;
    fn->file = file;
    fn->file_index = file_index;
    fn->name = name;
    cg_vec_push(&pkg->funcs, fn);
}

void cg_gopkg_index(cg_gopkg *pkg) {
    for (size_t f = 0; f < pkg->files.len; f++) {
        cg_gofile *file = pkg->files.items[f];
        uint32_t n = cg_gn_count(file->root);
        for (uint32_t i = 0; i < n; i++) {
            cg_gn decl = cg_gn_child(file->root, i);
            if (cg_gn_is(decl, CG_GK_TYPE_DECLARATION)) {
                uint32_t m = cg_gn_count(decl);
                for (uint32_t j = 0; j < m; j++) {
                    cg_gn spec = cg_gn_child(decl, j);
                    if (!cg_gn_is(spec, CG_GK_TYPE_SPEC) && !cg_gn_is(spec, CG_GK_TYPE_ALIAS)) continue;
                    cg_godecl *d = add_decl(pkg, file, CG_GODECL_TYPE,
                                            cg_node_text(file, cg_gn_field(spec, CG_GF_NAME)), spec);
                    d->type_node = cg_gn_field(spec, CG_GF_TYPE);
                }
            } else if (cg_gn_is(decl, CG_GK_FUNCTION_DECLARATION)) {
                const char *name = cg_node_text(file, cg_gn_field(decl, CG_GF_NAME));
                add_decl(pkg, file, CG_GODECL_FUNC, name, decl);
                add_func(pkg, file, f, decl, name);
            } else if (cg_gn_is(decl, CG_GK_METHOD_DECLARATION)) {
                const char *name = cg_arena_printf(&pkg->arena, "%s.%s",
                                                   cg_receiver_type_name(file, decl),
                                                   cg_node_text(file, cg_gn_field(decl, CG_GF_NAME)));
                add_decl(pkg, file, CG_GODECL_METHOD, name, decl);
                add_func(pkg, file, f, decl, name);
            } else if (cg_gn_is(decl, CG_GK_VAR_DECLARATION)) {
                index_specs(pkg, file, decl, CG_GODECL_VAR);
            } else if (cg_gn_is(decl, CG_GK_CONST_DECLARATION)) {
                index_specs(pkg, file, decl, CG_GODECL_CONST);
            }
        }
    }
}

/* ---- Types ---- */

cg_gotype *cg_gotype_new(cg_gopkg *pkg, cg_gotype_kind kind) {
    cg_gotype *t = cg_arena_alloc(&pkg->arena, sizeof(*t));
    t->kind = kind;
    t->name = "";
    return t;
}

cg_gotype *cg_gotype_wrap(cg_gopkg *pkg, cg_gotype_kind kind, cg_gotype *elem) {
    cg_gotype *t = cg_gotype_new(pkg, kind);
    t->elem = elem;
    return t;
}

cg_gotype *cg_gotype_unknown(cg_gopkg *pkg) { return cg_gotype_new(pkg, CG_GT_UNKNOWN); }

static const struct {
    const char *name;
    cg_gotype_kind kind;
} builtin_types[] = {
    {"bool", CG_GT_BOOL},       {"string", CG_GT_STRING},    {"int", CG_GT_INT},
    {"int8", CG_GT_INT},        {"int16", CG_GT_INT},        {"int32", CG_GT_INT},
    {"int64", CG_GT_INT},       {"uint", CG_GT_INT},         {"uint8", CG_GT_INT},
    {"uint16", CG_GT_INT},      {"uint32", CG_GT_INT},       {"uint64", CG_GT_INT},
    {"byte", CG_GT_INT},        {"rune", CG_GT_INT},         {"uintptr", CG_GT_UINTPTR},
    {"float32", CG_GT_FLOAT},   {"float64", CG_GT_FLOAT},    {"complex64", CG_GT_COMPLEX},
    {"complex128", CG_GT_COMPLEX}, {"error", CG_GT_INTERFACE}, {"any", CG_GT_INTERFACE},
};

cg_gotype *cg_gotype_builtin(cg_gopkg *pkg, const char *name) {
    for (size_t i = 0; i < sizeof(builtin_types) / sizeof(builtin_types[0]); i++) {
        if (strcmp(builtin_types[i].name, name) == 0) {
            cg_gotype *t = cg_gotype_new(pkg, builtin_types[i].kind);
            t->name = builtin_types[i].name;
            return t;
        }
    }
    return NULL;
}

/* Resolves a package-level named type; builtin names are handled by callers. */
static cg_gotype *named_type(cg_gopkg *pkg, const char *name) {
    cg_godecl *d = cg_strmap_get(&pkg->decls, name);
    if (!d || d->kind != CG_GODECL_TYPE) return NULL;
    /* type H = cgo.Handle: an alias is the type it names. */
    if (cg_gn_is(d->node, CG_GK_TYPE_ALIAS)) {
        if (d->resolving) return cg_gotype_unknown(pkg);
        d->resolving = true;
        cg_gotype *aliased = cg_gopkg_type_of_type(pkg, d->file, d->type_node);
        d->resolving = false;
        return aliased;
    }
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_NAMED);
    t->name = d->name;
    t->decl = d;
    return t;
}

static void collect_params(cg_gopkg *pkg, cg_gofile *file, cg_gn list, cg_gotype ***items,
                           size_t *count);

static cg_gotype *struct_type(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_STRUCT);
    cg_gn list = cg_gn_child(node, 0);
    CG_VEC(cg_gofield) fields = {0};
    uint32_t n = cg_gn_is(list, CG_GK_FIELD_DECLARATION_LIST) ? cg_gn_count(list) : 0;
    for (uint32_t i = 0; i < n; i++) {
        cg_gn fd = cg_gn_child(list, i);
        if (!cg_gn_is(fd, CG_GK_FIELD_DECLARATION)) continue;
        cg_gn type_node = cg_gn_field(fd, CG_GF_TYPE);
        cg_gotype *ftype = cg_gopkg_type_of_type(pkg, file, type_node);
        cg_gn name;
        for (uint32_t j = 0; (name = cg_gn_field_at(fd, CG_GF_NAME, j)) != NULL; j++) {
            cg_gofield f = {cg_node_text(file, name), ftype, false};
            cg_vec_push(&fields, f);
        }
        if (!cg_gn_field(fd, CG_GF_NAME)) { /* embedded: T, *T, pkg.T */
            cg_gn base = type_node;
            while (cg_gn_is(base, CG_GK_POINTER_TYPE)) base = cg_gn_child(base, 0);
            if (cg_gn_is(base, CG_GK_QUALIFIED_TYPE)) base = cg_gn_field(base, CG_GF_NAME);
            if (cg_gn_is(base, CG_GK_GENERIC_TYPE)) base = cg_gn_field(base, CG_GF_TYPE);
            cg_gofield f = {cg_node_text(file, base), ftype, true};
            cg_vec_push(&fields, f);
        }
    }
    t->field_count = fields.len;
    t->fields = cg_arena_alloc(&pkg->arena, sizeof(cg_gofield) * (fields.len ? fields.len : 1));
    if (fields.len) memcpy(t->fields, fields.items, sizeof(cg_gofield) * fields.len);
    cg_vec_free(&fields);
    return t;
}

cg_gotype *cg_func_type(cg_gopkg *pkg, cg_gofile *file, cg_gn result) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_FUNC);
    if (!result) return t;
    if (cg_gn_is(result, CG_GK_PARAMETER_LIST)) {
        collect_params(pkg, file, result, &t->items, &t->item_count);
    } else {
        t->items = cg_arena_alloc(&pkg->arena, sizeof(cg_gotype *));
        t->items[0] = cg_gopkg_type_of_type(pkg, file, result);
        t->item_count = 1;
    }
    return t;
}

/* One type per declared name (a, b int gives two), one per unnamed entry. */
static void collect_params(cg_gopkg *pkg, cg_gofile *file, cg_gn list, cg_gotype ***items,
                           size_t *count) {
    CG_VEC(cg_gotype *) v = {0};
    uint32_t n = cg_gn_count(list);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn pd = cg_gn_child(list, i);
        if (!cg_gn_is(pd, CG_GK_PARAMETER_DECLARATION) &&
            !cg_gn_is(pd, CG_GK_VARIADIC_PARAMETER_DECLARATION))
            continue;
        cg_gotype *pt = cg_gopkg_type_of_type(pkg, file, cg_gn_field(pd, CG_GF_TYPE));
        if (cg_gn_is(pd, CG_GK_VARIADIC_PARAMETER_DECLARATION)) pt = cg_gotype_wrap(pkg, CG_GT_SLICE, pt);
        uint32_t names = cg_gn_field_count(pd, CG_GF_NAME);
        for (unsigned k = 0; k < (names ? names : 1); k++) cg_vec_push(&v, pt);
    }
    *count = v.len;
    *items = cg_arena_alloc(&pkg->arena, sizeof(cg_gotype *) * (v.len ? v.len : 1));
    if (v.len) memcpy(*items, v.items, sizeof(cg_gotype *) * v.len);
    cg_vec_free(&v);
}

cg_gotype *cg_gopkg_type_of_type(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    node = cg_gn_unparen(node);
    if (!node) return cg_gotype_unknown(pkg);
    cg_gk kind = cg_gn_kind(node);
    if (kind == CG_GK_TYPE_IDENTIFIER || kind == CG_GK_IDENTIFIER) {
        const char *name = cg_node_text(file, node);
        cg_gotype *t = named_type(pkg, name);
        if (t) return t;
        t = cg_gotype_builtin(pkg, name);
        return t ? t : cg_gotype_unknown(pkg);
    }
    if (kind == CG_GK_QUALIFIED_TYPE || kind == CG_GK_SELECTOR_EXPRESSION) {
        if (cg_node_is_qualified(file, node, "C", NULL)) {
            cg_gotype *t = cg_gotype_new(pkg, CG_GT_C);
            cg_gn member = cg_gn_field(node, cg_gn_is(node, CG_GK_QUALIFIED_TYPE) ? CG_GF_NAME : CG_GF_FIELD);
            t->name = cg_node_text(file, member);
            return t;
        }
        if (cg_node_is_qualified(file, node, file->unsafe_name, "Pointer"))
            return cg_gotype_new(pkg, CG_GT_UNSAFE_POINTER);
        if (cg_node_is_qualified(file, node, file->cgo_name, "Handle")) {
            cg_gotype *t = cg_gotype_new(pkg, CG_GT_UINTPTR);
            t->name = "cgo.Handle";
            return t;
        }
        return cg_gotype_unknown(pkg); /* another package's type */
    }
    if (kind == CG_GK_POINTER_TYPE)
        return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gopkg_type_of_type(pkg, file, cg_gn_child(node, 0)));
    if (kind == CG_GK_SLICE_TYPE)
        return cg_gotype_wrap(pkg, CG_GT_SLICE, cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_ELEMENT)));
    if (kind == CG_GK_ARRAY_TYPE || kind == CG_GK_IMPLICIT_LENGTH_ARRAY_TYPE) {
        cg_gotype *t = cg_gotype_wrap(pkg, CG_GT_ARRAY, cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_ELEMENT)));
        cg_gn length = cg_gn_field(node, CG_GF_LENGTH);
        t->length = length ? cg_node_text(file, length) : "...";
        return t;
    }
    if (kind == CG_GK_MAP_TYPE) {
        cg_gotype *t = cg_gotype_wrap(pkg, CG_GT_MAP, cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_VALUE)));
        t->key = cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_KEY));
        return t;
    }
    if (kind == CG_GK_CHANNEL_TYPE)
        return cg_gotype_wrap(pkg, CG_GT_CHAN, cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_VALUE)));
    if (kind == CG_GK_FUNCTION_TYPE) return cg_func_type(pkg, file, cg_gn_field(node, CG_GF_RESULT));
    if (kind == CG_GK_INTERFACE_TYPE) return cg_gotype_new(pkg, CG_GT_INTERFACE);
    if (kind == CG_GK_STRUCT_TYPE) return struct_type(pkg, file, node);
    if (kind == CG_GK_GENERIC_TYPE) {
        cg_gotype *base = cg_gopkg_type_of_type(pkg, file, cg_gn_field(node, CG_GF_TYPE));
        /* Type arguments may change what the fields hold; only pointer-ness of
         * the base's own structure is trusted, so treat as unknown. */
        (void)base;
        return cg_gotype_unknown(pkg);
    }
    return cg_gotype_unknown(pkg);
}

cg_gotype *cg_gotype_underlying(cg_gopkg *pkg, cg_gotype *type) {
    for (int depth = 0; type && type->kind == CG_GT_NAMED && depth < 32; depth++) {
        cg_godecl *d = type->decl;
        if (!d->type) {
            if (d->resolving) return cg_gotype_unknown(pkg); /* type T T */
            d->resolving = true;
            d->type = cg_gopkg_type_of_type(pkg, d->file, d->type_node);
            d->resolving = false;
        }
        type = d->type;
    }
    if (type && type->kind == CG_GT_NAMED) return cg_gotype_unknown(pkg);
    return type;
}

const cg_gofield *cg_gotype_field(cg_gopkg *pkg, cg_gotype *type, const char *name) {
    type = cg_gotype_underlying(pkg, type);
    if (type && type->kind == CG_GT_POINTER) type = cg_gotype_underlying(pkg, type->elem);
    if (!type || type->kind != CG_GT_STRUCT) return NULL;
    for (size_t i = 0; i < type->field_count; i++)
        if (strcmp(type->fields[i].name, name) == 0) return &type->fields[i];
    for (size_t i = 0; i < type->field_count; i++) {
        if (!type->fields[i].embedded) continue;
        const cg_gofield *f = cg_gotype_field(pkg, type->fields[i].type, name);
        if (f) return f;
    }
    return NULL;
}

const cg_godecl *cg_gopkg_method(cg_gopkg *pkg, cg_gotype *type, const char *name) {
    enum { MAX_TYPES = 32, MAX_DEPTH = 6 };
    cg_gotype *level[MAX_TYPES], *next[MAX_TYPES];
    size_t n = 0;
    if (type && type->kind == CG_GT_POINTER) type = type->elem;
    if (!type || type->kind != CG_GT_NAMED || !type->name) return NULL;
    level[n++] = type;
    for (int depth = 0; depth < MAX_DEPTH && n; depth++) {
        const cg_godecl *found = NULL;
        size_t count = 0, m = 0;
        for (size_t i = 0; i < n; i++) {
            const cg_godecl *d = cg_gopkg_decl(pkg, cg_arena_printf(&pkg->arena, "%s.%s", level[i]->name, name));
            if (d && d->kind == CG_GODECL_METHOD && d != found) {
                found = d;
                count++;
            }
            cg_gotype *u = cg_gotype_underlying(pkg, level[i]);
            for (size_t f = 0; u && u->kind == CG_GT_STRUCT && f < u->field_count; f++) {
                cg_gotype *e = u->fields[f].type;
                if (!u->fields[f].embedded || !e) continue;
                if (e->kind == CG_GT_POINTER) e = e->elem;
                if (e && e->kind == CG_GT_NAMED && e->name && m < MAX_TYPES) next[m++] = e;
            }
        }
        if (count) return count == 1 ? found : NULL;
        memcpy(level, next, m * sizeof *next);
        n = m;
    }
    return NULL;
}

static void type_string(cg_gopkg *pkg, cg_gotype *t, cg_strbuf *sb, int depth) {
    if (!t || depth > 8) {
        cg_strbuf_append(sb, "?");
        return;
    }
    switch (t->kind) {
    case CG_GT_UNKNOWN: cg_strbuf_append(sb, "?"); break;
    case CG_GT_NAMED: cg_strbuf_append(sb, t->name); break;
    case CG_GT_C: cg_strbuf_printf(sb, "C.%s", t->name); break;
    case CG_GT_UNSAFE_POINTER: cg_strbuf_append(sb, "unsafe.Pointer"); break;
    case CG_GT_POINTER: cg_strbuf_append(sb, "*"); type_string(pkg, t->elem, sb, depth + 1); break;
    case CG_GT_SLICE: cg_strbuf_append(sb, "[]"); type_string(pkg, t->elem, sb, depth + 1); break;
    case CG_GT_ARRAY:
        cg_strbuf_printf(sb, "[%s]", t->length && *t->length ? t->length : "N");
        type_string(pkg, t->elem, sb, depth + 1);
        break;
    case CG_GT_CHAN: cg_strbuf_append(sb, "chan "); type_string(pkg, t->elem, sb, depth + 1); break;
    case CG_GT_MAP:
        cg_strbuf_append(sb, "map[");
        type_string(pkg, t->key, sb, depth + 1);
        cg_strbuf_append(sb, "]");
        type_string(pkg, t->elem, sb, depth + 1);
        break;
    case CG_GT_FUNC: cg_strbuf_append(sb, "func"); break;
    case CG_GT_INTERFACE: cg_strbuf_append(sb, *t->name ? t->name : "interface{}"); break;
    case CG_GT_STRUCT: cg_strbuf_append(sb, "struct{...}"); break;
    case CG_GT_TUPLE: cg_strbuf_append(sb, "(...)"); break;
    case CG_GT_NIL: cg_strbuf_append(sb, "nil"); break;
    default: cg_strbuf_append(sb, *t->name ? t->name : "?"); break;
    }
}

const char *cg_gotype_string(cg_gopkg *pkg, cg_gotype *type) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    type_string(pkg, type, &sb, 0);
    const char *s = cg_arena_strdup(&pkg->arena, sb.data ? sb.data : "?");
    cg_strbuf_free(&sb);
    return s;
}
