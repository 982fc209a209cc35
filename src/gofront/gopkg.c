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
        for (size_t j = 0; j < fn->bindings.len; j++) cg_vec_free(&fn->bindings.items[j]->assigned);
        cg_vec_free(&fn->bindings);
    }
    cg_vec_free(&pkg->funcs);
    cg_strmap_free(&pkg->decls);
    cg_arena_free(&pkg->arena);
    free(pkg->dir);
    free(pkg);
}

const cg_godecl *cg_gopkg_decl(const cg_gopkg *pkg, const char *name) {
    return cg_strmap_get(&pkg->decls, name);
}

/* ---- Indexing ---- */

static cg_godecl *add_decl(cg_gopkg *pkg, cg_gofile *file, cg_godecl_kind kind, const char *name,
                           TSNode node) {
    cg_godecl *d = cg_arena_alloc(&pkg->arena, sizeof(*d));
    d->kind = kind;
    d->name = cg_arena_strdup(&pkg->arena, name);
    d->file = file;
    d->node = node;
    d->type_node = (TSNode){0};
    d->value = (TSNode){0};
    /* The first declaration wins; duplicates are a compile error anyway. */
    if (!cg_strmap_get(&pkg->decls, name)) cg_strmap_put(&pkg->decls, name, d);
    return d;
}

/* Calls fn for each child of node whose field is `field`. */
void cg_each_field_child(TSNode node, const char *field, void (*fn)(TSNode child, void *arg),
                         void *arg) {
    uint32_t n = ts_node_child_count(node);
    for (uint32_t i = 0; i < n; i++) {
        const char *f = ts_node_field_name_for_child(node, i);
        if (f && strcmp(f, field) == 0) fn(ts_node_child(node, i), arg);
    }
}

typedef struct spec_ctx {
    cg_gopkg *pkg;
    cg_gofile *file;
    TSNode spec;
    cg_godecl_kind kind;
    unsigned index;
} spec_ctx;

static void index_spec_name(TSNode name, void *arg) {
    spec_ctx *c = arg;
    cg_godecl *d = add_decl(c->pkg, c->file, c->kind, cg_node_text(c->file, name), c->spec);
    d->type_node = cg_node_field(c->spec, "type");
    TSNode values = cg_node_field(c->spec, "value");
    if (!ts_node_is_null(values)) {
        uint32_t nvalues = ts_node_named_child_count(values);
        if (nvalues > c->index) {
            d->value = ts_node_named_child(values, c->index);
        } else if (nvalues == 1) {
            d->value = ts_node_named_child(values, 0);
            d->value_index = c->index;
        }
    }
    c->index++;
}

static void index_specs(cg_gopkg *pkg, cg_gofile *file, TSNode decl, cg_godecl_kind kind) {
    uint32_t n = ts_node_named_child_count(decl);
    for (uint32_t i = 0; i < n; i++) {
        TSNode spec = ts_node_named_child(decl, i);
        if (cg_node_is(spec, "var_spec_list")) {
            index_specs(pkg, file, spec, kind);
            continue;
        }
        if (!cg_node_is(spec, "var_spec") && !cg_node_is(spec, "const_spec")) continue;
        spec_ctx c = {pkg, file, spec, kind, 0};
        cg_each_field_child(spec, "name", index_spec_name, &c);
    }
}

/* "T" for receivers (t T), (t *T), (t *T[K]). */
const char *cg_receiver_type_name(cg_gofile *file, TSNode method) {
    TSNode params = cg_node_field(method, "receiver");
    TSNode decl = ts_node_named_child(params, 0);
    TSNode type = cg_node_field(decl, "type");
    while (cg_node_is(type, "pointer_type") || cg_node_is(type, "parenthesized_type"))
        type = ts_node_named_child(type, 0);
    if (cg_node_is(type, "generic_type")) type = cg_node_field(type, "type");
    return cg_node_text(file, type);
}

static void add_func(cg_gopkg *pkg, cg_gofile *file, size_t file_index, TSNode node,
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
        uint32_t n = ts_node_named_child_count(file->root);
        for (uint32_t i = 0; i < n; i++) {
            TSNode decl = ts_node_named_child(file->root, i);
            if (cg_node_is(decl, "type_declaration")) {
                uint32_t m = ts_node_named_child_count(decl);
                for (uint32_t j = 0; j < m; j++) {
                    TSNode spec = ts_node_named_child(decl, j);
                    if (!cg_node_is(spec, "type_spec") && !cg_node_is(spec, "type_alias")) continue;
                    cg_godecl *d = add_decl(pkg, file, CG_GODECL_TYPE,
                                            cg_node_text(file, cg_node_field(spec, "name")), spec);
                    d->type_node = cg_node_field(spec, "type");
                }
            } else if (cg_node_is(decl, "function_declaration")) {
                const char *name = cg_node_text(file, cg_node_field(decl, "name"));
                add_decl(pkg, file, CG_GODECL_FUNC, name, decl);
                add_func(pkg, file, f, decl, name);
            } else if (cg_node_is(decl, "method_declaration")) {
                const char *name = cg_arena_printf(&pkg->arena, "%s.%s",
                                                   cg_receiver_type_name(file, decl),
                                                   cg_node_text(file, cg_node_field(decl, "name")));
                add_decl(pkg, file, CG_GODECL_METHOD, name, decl);
                add_func(pkg, file, f, decl, name);
            } else if (cg_node_is(decl, "var_declaration")) {
                index_specs(pkg, file, decl, CG_GODECL_VAR);
            } else if (cg_node_is(decl, "const_declaration")) {
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
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_NAMED);
    t->name = d->name;
    t->decl = d;
    return t;
}

static void collect_params(cg_gopkg *pkg, cg_gofile *file, TSNode list, cg_gotype ***items,
                           size_t *count);

static cg_gotype *struct_type(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_STRUCT);
    TSNode list = ts_node_named_child(node, 0);
    CG_VEC(cg_gofield) fields = {0};
    uint32_t n = cg_node_is(list, "field_declaration_list") ? ts_node_named_child_count(list) : 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode fd = ts_node_named_child(list, i);
        if (!cg_node_is(fd, "field_declaration")) continue;
        TSNode type_node = cg_node_field(fd, "type");
        cg_gotype *ftype = cg_gopkg_type_of_type(pkg, file, type_node);
        bool named = false;
        uint32_t c = ts_node_child_count(fd);
        for (uint32_t j = 0; j < c; j++) {
            const char *fname = ts_node_field_name_for_child(fd, j);
            if (!fname || strcmp(fname, "name") != 0) continue;
            cg_gofield f = {cg_node_text(file, ts_node_child(fd, j)), ftype, false};
            cg_vec_push(&fields, f);
            named = true;
        }
        if (!named) { /* embedded: T, *T, pkg.T */
            TSNode base = type_node;
            while (cg_node_is(base, "pointer_type")) base = ts_node_named_child(base, 0);
            if (cg_node_is(base, "qualified_type")) base = cg_node_field(base, "name");
            if (cg_node_is(base, "generic_type")) base = cg_node_field(base, "type");
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

cg_gotype *cg_func_type(cg_gopkg *pkg, cg_gofile *file, TSNode result) {
    cg_gotype *t = cg_gotype_new(pkg, CG_GT_FUNC);
    if (ts_node_is_null(result)) return t;
    if (cg_node_is(result, "parameter_list")) {
        collect_params(pkg, file, result, &t->items, &t->item_count);
    } else {
        t->items = cg_arena_alloc(&pkg->arena, sizeof(cg_gotype *));
        t->items[0] = cg_gopkg_type_of_type(pkg, file, result);
        t->item_count = 1;
    }
    return t;
}

/* One type per declared name (a, b int gives two), one per unnamed entry. */
static void collect_params(cg_gopkg *pkg, cg_gofile *file, TSNode list, cg_gotype ***items,
                           size_t *count) {
    CG_VEC(cg_gotype *) v = {0};
    uint32_t n = ts_node_named_child_count(list);
    for (uint32_t i = 0; i < n; i++) {
        TSNode pd = ts_node_named_child(list, i);
        if (!cg_node_is(pd, "parameter_declaration") &&
            !cg_node_is(pd, "variadic_parameter_declaration"))
            continue;
        cg_gotype *pt = cg_gopkg_type_of_type(pkg, file, cg_node_field(pd, "type"));
        if (cg_node_is(pd, "variadic_parameter_declaration")) pt = cg_gotype_wrap(pkg, CG_GT_SLICE, pt);
        unsigned names = 0;
        uint32_t c = ts_node_child_count(pd);
        for (uint32_t j = 0; j < c; j++) {
            const char *f = ts_node_field_name_for_child(pd, j);
            if (f && strcmp(f, "name") == 0) names++;
        }
        for (unsigned k = 0; k < (names ? names : 1); k++) cg_vec_push(&v, pt);
    }
    *count = v.len;
    *items = cg_arena_alloc(&pkg->arena, sizeof(cg_gotype *) * (v.len ? v.len : 1));
    if (v.len) memcpy(*items, v.items, sizeof(cg_gotype *) * v.len);
    cg_vec_free(&v);
}

cg_gotype *cg_gopkg_type_of_type(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    node = cg_node_unparen(node);
    if (ts_node_is_null(node)) return cg_gotype_unknown(pkg);
    const char *kind = ts_node_type(node);
    if (strcmp(kind, "type_identifier") == 0 || strcmp(kind, "identifier") == 0) {
        const char *name = cg_node_text(file, node);
        cg_gotype *t = named_type(pkg, name);
        if (t) return t;
        t = cg_gotype_builtin(pkg, name);
        return t ? t : cg_gotype_unknown(pkg);
    }
    if (strcmp(kind, "qualified_type") == 0 || strcmp(kind, "selector_expression") == 0) {
        if (cg_node_is_qualified(file, node, "C", NULL)) {
            cg_gotype *t = cg_gotype_new(pkg, CG_GT_C);
            TSNode member = cg_node_field(node, cg_node_is(node, "qualified_type") ? "name" : "field");
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
    if (strcmp(kind, "pointer_type") == 0)
        return cg_gotype_wrap(pkg, CG_GT_POINTER, cg_gopkg_type_of_type(pkg, file, ts_node_named_child(node, 0)));
    if (strcmp(kind, "slice_type") == 0)
        return cg_gotype_wrap(pkg, CG_GT_SLICE, cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "element")));
    if (strcmp(kind, "array_type") == 0 || strcmp(kind, "implicit_length_array_type") == 0)
        return cg_gotype_wrap(pkg, CG_GT_ARRAY, cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "element")));
    if (strcmp(kind, "map_type") == 0) {
        cg_gotype *t = cg_gotype_wrap(pkg, CG_GT_MAP, cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "value")));
        t->key = cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "key"));
        return t;
    }
    if (strcmp(kind, "channel_type") == 0)
        return cg_gotype_wrap(pkg, CG_GT_CHAN, cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "value")));
    if (strcmp(kind, "function_type") == 0) return cg_func_type(pkg, file, cg_node_field(node, "result"));
    if (strcmp(kind, "interface_type") == 0) return cg_gotype_new(pkg, CG_GT_INTERFACE);
    if (strcmp(kind, "struct_type") == 0) return struct_type(pkg, file, node);
    if (strcmp(kind, "generic_type") == 0) {
        cg_gotype *base = cg_gopkg_type_of_type(pkg, file, cg_node_field(node, "type"));
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
    case CG_GT_ARRAY: cg_strbuf_append(sb, "[N]"); type_string(pkg, t->elem, sb, depth + 1); break;
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
