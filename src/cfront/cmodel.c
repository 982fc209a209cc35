/*
 * cmodel.c: storage and lookups of the C model (cmodel.h).
 *
 * The parser (cfront.c) fills the tables; this file owns them, merges what
 * several translation units say about the same name (a definition with a
 * body wins over a prototype, a complete record over a forward declaration)
 * and answers the Go side's questions, including cgo's mapping of the names
 * that follow "C." to C types.
 */
#include "cfront_internal.h"

#include <stdlib.h>
#include <string.h>

void cg_cfront_dispose_index(cg_cmodel *model); /* cfront.c */
void cg_csummary_release(cg_cmodel *model);    /* csummary.c */

cg_cmodel *cg_cmodel_new(void) {
    cg_cmodel *m = cg_xcalloc(1, sizeof *m);
    cg_arena_init(&m->arena);
    cg_strmap_init(&m->funcs);
    cg_strmap_init(&m->structs);
    cg_strmap_init(&m->unions);
    cg_strmap_init(&m->enums);
    cg_strmap_init(&m->typedefs);
    cg_strmap_init(&m->vars);
    cg_strmap_init(&m->paths);
    cg_strmap_init(&m->problem_keys);
    cg_strmap_init(&m->problem_groups);
    cg_strmap_init(&m->facts);
    cg_strmap_init(&m->summaries);
    cg_strmap_init(&m->go_exports);
    cg_strmap_init(&m->dependency_set);
    return m;
}

void cg_cmodel_free(cg_cmodel *model) {
    if (!model) return;
    cg_csummary_release(model);
    cg_cfront_dispose_index(model);
    cg_strmap_free(&model->funcs);
    cg_strmap_free(&model->structs);
    cg_strmap_free(&model->unions);
    cg_strmap_free(&model->enums);
    cg_strmap_free(&model->typedefs);
    cg_strmap_free(&model->vars);
    cg_strmap_free(&model->paths);
    cg_strmap_free(&model->problem_keys);
    for (size_t i = 0; i < model->problem_groups.capacity; i++)
        if (model->problem_groups.slots[i].key) free(model->problem_groups.slots[i].value);
    cg_strmap_free(&model->problem_groups);
    cg_strmap_free(&model->facts);
    cg_strmap_free(&model->summaries);
    cg_vec_free(&model->problems);
    cg_vec_free(&model->func_order);
    cg_strmap_free(&model->dependency_set);
    cg_vec_free(&model->dependencies);
    cg_arena_free(&model->arena);
    free(model);
}

const char *cg_cmodel_intern_path(cg_cmodel *model, const char *path) {
    if (!path) return NULL;
    const char *known = cg_strmap_get(&model->paths, path);
    if (known) return known;
    /* A header reached through -I${SRCDIR}/../include is named with "..":
     * named so, the same header of two packages would be two files, and
     * its findings would repeat once per package. Canonical instead. */
    char *real = strstr(path, "/../") || strstr(path, "/./") ? realpath(path, NULL) : NULL;
    char *copy = cg_arena_strdup(&model->arena, real ? real : path);
    free(real);
    cg_strmap_put(&model->paths, path, copy);
    return copy;
}

/* ---- grouped problems ---- */

enum { GROUP_NAMES_SHOWN = 3 };

typedef struct cg_cproblem_group {
    size_t index;     /* in model->problems */
    const char *head; /* the first occurrence's text */
    unsigned places;  /* other places (missing header: includes; bodies: functions) */
    unsigned errors;  /* errors counted in (missing header) */
    const char *names[GROUP_NAMES_SHOWN]; /* second bodies: the first few other names */
} cg_cproblem_group;

static cg_cproblem_group *group_for(cg_cmodel *model, const char *key, cg_location loc,
                                    const char *head, bool *fresh) {
    cg_cproblem_group *g = cg_strmap_get(&model->problem_groups, key);
    *fresh = g == NULL;
    if (g) return g;
    g = cg_xcalloc(1, sizeof *g);
    g->index = model->problems.len;
    g->head = cg_arena_strdup(&model->arena, head);
    cg_strmap_put(&model->problem_groups, key, g);
    cg_cproblem p = {.loc = loc, .severity = CG_SEV_NOTE, .message = g->head};
    p.loc.file = cg_cmodel_intern_path(model, loc.file);
    cg_vec_push(&model->problems, p);
    return g;
}

static void set_message(cg_cmodel *model, cg_cproblem_group *g, const char *message) {
    model->problems.items[g->index].message = cg_arena_strdup(&model->arena, message);
}

static void update_missing(cg_cmodel *model, cg_cproblem_group *g) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, g->head);
    if (g->places)
        cg_strbuf_printf(&sb, "; also included at %u other place%s", g->places, g->places == 1 ? "" : "s");
    if (g->errors)
        cg_strbuf_printf(&sb, "; %u C error%s after it not listed (unknown names, types and macros it "
                              "would have declared)",
                         g->errors, g->errors == 1 ? "" : "s");
    set_message(model, g, sb.data);
    cg_strbuf_free(&sb);
}

void *cg_cmodel_missing_header(cg_cmodel *model, const char *header, cg_location loc,
                               const char *chain) {
    char *key = cg_xasprintf("missing\037%s", header);
    char *head = cg_xasprintf("C header '%s' not found%s%s: declarations from it are unknown, so "
                              "findings that need them are not made",
                              header, *chain ? ", included " : "", chain);
    bool fresh;
    cg_cproblem_group *g = group_for(model, key, loc, head, &fresh);
    free(head);
    char *place = cg_xasprintf("missing\037%s\037%s:%u", header, loc.file ? loc.file : "", loc.line);
    bool seen = cg_strmap_get(&model->problem_keys, place) != NULL;
    if (!seen) cg_strmap_put(&model->problem_keys, place, model);
    free(place);
    if (!fresh && !seen) {
        g->places++;
        update_missing(model, g);
    }
    free(key);
    return g;
}

void cg_cmodel_missing_header_error(cg_cmodel *model, void *group) {
    cg_cproblem_group *g = group;
    g->errors++;
    update_missing(model, g);
}

void cg_cmodel_second_body(cg_cmodel *model, const char *name, cg_location loc, cg_location first) {
    char *head = cg_xasprintf("C function '%s' is also defined at %s:%u; only that definition is "
                              "analysed (the model knows one function per name)",
                              name, first.file ? first.file : "?", first.line);
    bool fresh;
    cg_cproblem_group *g = group_for(model, "second-body", loc, head, &fresh);
    free(head);
    if (fresh) return;
    if (g->places < GROUP_NAMES_SHOWN) g->names[g->places] = cg_arena_strdup(&model->arena, name);
    g->places++;
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_printf(&sb, "%s; so are %u more function%s (", g->head, g->places, g->places == 1 ? "" : "s");
    for (unsigned i = 0; i < g->places && i < GROUP_NAMES_SHOWN; i++)
        cg_strbuf_printf(&sb, "%s'%s'", i ? ", " : "", g->names[i]);
    cg_strbuf_append(&sb, g->places > GROUP_NAMES_SHOWN ? ", ...)" : ")");
    set_message(model, g, sb.data);
    cg_strbuf_free(&sb);
}

void cg_cmodel_add_problem(cg_cmodel *model, cg_location loc, cg_severity severity,
                           const char *message) {
    /* The same header is often missing from every translation unit of a
     * package; one problem per place and text is enough. */
    char *key = cg_xasprintf("%s:%u:%u:%s", loc.file ? loc.file : "", loc.line, loc.column,
                             message);
    bool seen = cg_strmap_get(&model->problem_keys, key) != NULL;
    if (!seen) cg_strmap_put(&model->problem_keys, key, model);
    free(key);
    if (seen) return;
    cg_cproblem p = {
        .loc = loc,
        .severity = severity,
        .message = cg_arena_strdup(&model->arena, message),
    };
    p.loc.file = cg_cmodel_intern_path(model, loc.file);
    cg_vec_push(&model->problems, p);
}

static int compare_funcs(const void *a, const void *b) {
    const cg_cfunc *fa = *(const cg_cfunc *const *)a;
    const cg_cfunc *fb = *(const cg_cfunc *const *)b;
    return strcmp(fa->name, fb->name);
}

void cg_cmodel_sort_funcs(cg_cmodel *model) {
    model->func_order.len = 0;
    for (size_t i = 0; i < model->funcs.capacity; i++)
        if (model->funcs.slots[i].key) cg_vec_push(&model->func_order, model->funcs.slots[i].value);
    if (model->func_order.len > 1)
        qsort(model->func_order.items, model->func_order.len, sizeof(const cg_cfunc *),
              compare_funcs);
}

const cg_cfunc *cg_cmodel_func(const cg_cmodel *model, const char *name) {
    return cg_strmap_get(&model->funcs, name);
}

const cg_crecord *cg_cmodel_record(const cg_cmodel *model, const char *tag, bool is_union) {
    return cg_strmap_get(is_union ? &model->unions : &model->structs, tag);
}

const cg_ctypedef *cg_cmodel_typedef(const cg_cmodel *model, const char *name) {
    return cg_strmap_get(&model->typedefs, name);
}

const cg_cvar *cg_cmodel_var(const cg_cmodel *model, const char *name) {
    return cg_strmap_get(&model->vars, name);
}

size_t cg_cmodel_problem_count(const cg_cmodel *model) { return model->problems.len; }

const cg_cproblem *cg_cmodel_problem(const cg_cmodel *model, size_t index) {
    return index < model->problems.len ? &model->problems.items[index] : NULL;
}

size_t cg_cmodel_func_count(const cg_cmodel *model) { return model->func_order.len; }

const cg_cfunc *cg_cmodel_func_at(const cg_cmodel *model, size_t index) {
    return index < model->func_order.len ? model->func_order.items[index] : NULL;
}

/* ---- cgo's C.name mapping (cmd/cgo/gcc.go: nameToC and cname) ---- */

typedef struct builtin_name {
    const char *go;       /* after "C." */
    const char *spelling; /* the C type */
    cg_ctype_kind kind;
} builtin_name;

/* nameToC's expansions plus the C keywords that cgo passes through as they
 * are (C.char, C.int, ...). These win over a typedef of the same name, as
 * in cgo, because the C compiler sees the keyword. */
static const builtin_name builtin_names[] = {
    {"char", "char", CG_CTYPE_INTEGER},
    {"schar", "signed char", CG_CTYPE_INTEGER},
    {"uchar", "unsigned char", CG_CTYPE_INTEGER},
    {"short", "short", CG_CTYPE_INTEGER},
    {"ushort", "unsigned short", CG_CTYPE_INTEGER},
    {"int", "int", CG_CTYPE_INTEGER},
    {"uint", "unsigned int", CG_CTYPE_INTEGER},
    {"long", "long", CG_CTYPE_INTEGER},
    {"ulong", "unsigned long", CG_CTYPE_INTEGER},
    {"longlong", "long long", CG_CTYPE_INTEGER},
    {"ulonglong", "unsigned long long", CG_CTYPE_INTEGER},
    {"float", "float", CG_CTYPE_FLOAT},
    {"double", "double", CG_CTYPE_FLOAT},
    {"complexfloat", "float _Complex", CG_CTYPE_FLOAT},
    {"complexdouble", "double _Complex", CG_CTYPE_FLOAT},
    {"_Bool", "_Bool", CG_CTYPE_INTEGER},
};

static bool resolve_record(const cg_cmodel *model, const char *tag, bool is_union,
                           cg_ctype *out) {
    const cg_crecord *r = cg_cmodel_record(model, tag, is_union);
    /* `typedef struct {...} T;` is C.T in Go, never C.struct_T. */
    if (!r || r->is_anonymous) return false;
    memset(out, 0, sizeof *out);
    out->kind = CG_CTYPE_RECORD;
    out->record_tag = r->tag;
    out->record_is_union = is_union;
    out->contains_pointer = r->contains_pointer;
    out->spelling = r->spelling;
    return true;
}

bool cg_cmodel_resolve_go_name(const cg_cmodel *model, const char *c_name, cg_ctype *out) {
    if (!c_name || !*c_name) return false;
    for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++) {
        if (strcmp(builtin_names[i].go, c_name) != 0) continue;
        memset(out, 0, sizeof *out);
        out->kind = builtin_names[i].kind;
        out->spelling = builtin_names[i].spelling;
        return true;
    }
    if (cg_str_has_prefix(c_name, "struct_"))
        return resolve_record(model, c_name + strlen("struct_"), false, out);
    if (cg_str_has_prefix(c_name, "union_"))
        return resolve_record(model, c_name + strlen("union_"), true, out);
    if (cg_str_has_prefix(c_name, "enum_")) {
        const char *spelling = cg_strmap_get(&model->enums, c_name + strlen("enum_"));
        if (!spelling) return false;
        memset(out, 0, sizeof *out);
        out->kind = CG_CTYPE_INTEGER;
        out->spelling = spelling;
        return true;
    }
    const cg_ctypedef *td = cg_cmodel_typedef(model, c_name);
    if (!td) return false;
    *out = td->type;
    return true;
}

bool cg_cmodel_headers_missing(const cg_cmodel *model) { return model && model->headers_missing; }
