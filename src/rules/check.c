/*
 * check.c: the rule driver: indexes the nodes of every Go file in one walk,
 * turns the package's problems into CG000 findings, and runs the rules.
 */
#include "check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cside.h"

typedef struct index_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_facts *facts;
} index_walk;

static void push(cg_nodevec *vec, cg_gofile *file, cg_gn node) {
    cg_noderef ref = {file, node};
    cg_vec_push(vec, ref);
}

static void index_c_call(index_walk *w, cg_gn call) {
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(w->file, fn, "C", NULL)) return;
    const char *name = cg_node_text(w->file, cg_gn_field(fn, CG_GF_FIELD));
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    uint32_t argc = cg_gn_count(args);
    /* C.int(x) is a conversion, not a call. */
    if (argc == 1 && cg_x_c_name_is_type(w->pkg, name)) return;
    const cg_cfunc *cfunc = cg_cmodel_func(w->pkg->c, name);
    /* With a header missing, a name the C side does not know, given one
     * argument, may as well be a conversion (C.gpointer(x)): not a call the
     * rules may report on. (With every header found it is a call, maybe
     * through a macro: #define EVP_PKEY_id EVP_PKEY_get_id.) cgo's own
     * helpers are always calls. */
    static const char *const builtins[] = {"CString", "CBytes", "GoString", "GoStringN", "GoBytes", "malloc", "free"};
    bool builtin = false;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) builtin = builtin || strcmp(builtins[i], name) == 0;
    if (argc == 1 && !cfunc && !builtin && cg_cmodel_headers_missing(w->pkg->c)) return;
    cg_ccall c = {w->file, call, name, args, argc, cfunc};
    cg_vec_push(&w->facts->ccalls, c);
}

static cg_walk_action index_node(cg_gn node, void *arg) {
    index_walk *w = arg;
    cg_gk kind = cg_gn_kind(node);
    cg_facts *f = w->facts;
    if (kind == CG_GK_CALL_EXPRESSION) {
        push(&f->calls, w->file, node);
        index_c_call(w, node);
    } else if (kind == CG_GK_ASSIGNMENT_STATEMENT) {
        push(&f->assignments, w->file, node);
    } else if (kind == CG_GK_SHORT_VAR_DECLARATION) {
        push(&f->short_vars, w->file, node);
    } else if (kind == CG_GK_COMPOSITE_LITERAL) {
        push(&f->composites, w->file, node);
    } else if (kind == CG_GK_FUNC_LITERAL) {
        push(&f->func_literals, w->file, node);
    } else if (kind == CG_GK_DEFER_STATEMENT) {
        push(&f->defers, w->file, node);
    }
    return CG_WALK_CONTINUE;
}

static void facts_free(cg_facts *f) {
    cg_vec_free(&f->ccalls);
    cg_vec_free(&f->calls);
    cg_vec_free(&f->assignments);
    cg_vec_free(&f->short_vars);
    cg_vec_free(&f->composites);
    cg_vec_free(&f->func_literals);
    cg_vec_free(&f->defers);
}

static void report_problems(cg_package *pkg, cg_diag_list *diags) {
    for (size_t i = 0; i < pkg->problems.len; i++) {
        const cg_problem *p = &pkg->problems.items[i];
        cg_diag d = {0};
        d.rule_id = CG_ID_INCOMPLETE;
        d.rule_name = CG_NAME_INCOMPLETE;
        d.severity = p->severity;
        d.loc = p->loc;
        d.message = p->message;
        cg_diag_list_add(diags, &d);
    }
}

/* ---- Code outside the module that Go never runs ---- */

typedef struct foreign_files {
    char *root;       /* the module root, canonical */
    cg_strmap memo;   /* file -> (void *)1 inside or unknown, 2 outside the module */
} foreign_files;

/* A file outside the module: a system or library header (GLib's, libc's),
 * another module's. Files that do not exist (the virtual _cgo_export.h,
 * cgo's prolog) count as the package's own. */
static bool is_foreign(foreign_files *ff, const char *file) {
    if (!file) return false;
    intptr_t known = (intptr_t)cg_strmap_get(&ff->memo, file);
    if (!known) {
        char *real = realpath(file, NULL);
        known = real && !cg_path_within(real, ff->root) ? 2 : 1;
        free(real);
        cg_strmap_put(&ff->memo, file, (void *)known);
    }
    return known == 2;
}

typedef struct drop_set {
    const cg_diag **items;
    size_t len;
} drop_set;

static int by_address(const void *a, const void *b) {
    uintptr_t x = (uintptr_t) * (const cg_diag *const *)a, y = (uintptr_t) * (const cg_diag *const *)b;
    return (x > y) - (x < y);
}

static int in_drop_set(const cg_diag *d, void *arg) {
    const drop_set *set = arg;
    return bsearch(&d, set->items, set->len, sizeof *set->items, by_address) != NULL;
}

/* A finding whose every location is outside the module, in C code that no
 * chain of calls from what Go names reaches (cg_csummary.go_root), is not
 * this package's bug: a static inline helper of a library header that the
 * package never calls. Dropped, whatever rule made it; CG000 stays. */
static void drop_unreached_foreign(cg_check_ctx *ctx, size_t first) {
    foreign_files ff = {cg_module_root(ctx->pkg->dir), {0}};
    cg_strmap_init(&ff.memo);
    size_t n = cg_diag_list_count(ctx->diags);
    drop_set set = {cg_xcalloc(n - first + 1, sizeof(cg_diag *)), 0};
    for (size_t i = first; i < n; i++) {
        const cg_diag *d = cg_diag_list_at_const(ctx->diags, i);
        if (strcmp(d->rule_id, CG_ID_INCOMPLETE) == 0 || !is_foreign(&ff, d->loc.file)) continue;
        bool all = true;
        for (unsigned k = 0; k < d->related_count && all; k++)
            all = is_foreign(&ff, d->related[k].loc.file);
        if (!all) continue;
        const cg_cfunc *fn = cg_cside_cfunc_at(ctx, d->loc);
        const cg_csummary *s = fn ? cg_cmodel_summary(ctx->pkg->c, fn->name) : NULL;
        if (s && s->go_root) continue;
        set.items[set.len++] = d;
    }
    qsort(set.items, set.len, sizeof *set.items, by_address);
    if (set.len) cg_diag_list_remove_if(ctx->diags, in_drop_set, &set);
    free(set.items);
    cg_strmap_free(&ff.memo);
    free(ff.root);
}

void cg_check_package(cg_package *pkg, const cg_check_options *opts, cg_diag_list *diags) {
    report_problems(pkg, diags);
    size_t first_rule_diag = cg_diag_list_count(diags);
    cg_facts facts = {0};
    for (size_t i = 0; i < pkg->go->files.len; i++) {
        index_walk w = {pkg, pkg->go->files.items[i], &facts};
        cg_walk(w.file->root, index_node, &w);
    }
    cg_check_ctx ctx = {pkg, &facts, NULL, diags, opts, NULL};
    for (size_t i = 0; i < cg_rule_count(); i++) {
        ctx.rule = cg_rule_at(i);
        ctx.rule->check(&ctx);
    }
    drop_unreached_foreign(&ctx, first_rule_diag);
    cg_cmem_free(ctx.cmem);
    facts_free(&facts);
}

/* ---- Helpers for rules ---- */

cg_cmem *cg_check_cmem(cg_check_ctx *ctx) {
    if (!ctx->cmem) ctx->cmem = cg_cmem_new(ctx->pkg);
    return ctx->cmem;
}

cg_location cg_check_loc(const cg_gofile *file, cg_gn node) {
    if (!node) return (cg_location){file->path, 1, 1, 1, 1};
    cg_location loc = {file->path, node->line, node->column, node->end_line, node->end_column};
    return loc;
}

cg_location cg_check_loc_last_byte(const cg_gofile *file, cg_gn node) {
    cg_location loc = cg_check_loc(file, node);
    if (node && node->end > node->start) {
        loc.line = loc.end_line;
        loc.column = loc.end_column - 1;
    }
    return loc;
}

static cg_diag *vreport(cg_check_ctx *ctx, cg_location loc, const char *fmt, va_list ap) {
    char *msg = cg_xvasprintf(fmt, ap);
    cg_diag d = {0};
    d.rule_id = ctx->rule->id;
    d.rule_name = ctx->rule->name;
    d.severity = ctx->rule->severity;
    d.loc = loc;
    d.message = msg;
    cg_diag *stored = cg_diag_list_add(ctx->diags, &d);
    free(msg);
    return stored;
}

cg_diag *cg_check_report(cg_check_ctx *ctx, const cg_gofile *file, cg_gn node, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cg_diag *d = vreport(ctx, cg_check_loc(file, node), fmt, ap);
    va_end(ap);
    return d;
}

cg_diag *cg_check_report_at(cg_check_ctx *ctx, cg_location loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cg_diag *d = vreport(ctx, loc, fmt, ap);
    va_end(ap);
    return d;
}

void cg_check_note(cg_check_ctx *ctx, cg_diag *diag, cg_location loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = cg_xvasprintf(fmt, ap);
    va_end(ap);
    cg_diag_relate(ctx->diags, diag, loc, "%s", msg);
    free(msg);
}

void cg_check_fix(cg_check_ctx *ctx, cg_diag *diag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = cg_xvasprintf(fmt, ap);
    va_end(ap);
    diag->fix = cg_diag_list_intern(ctx->diags, msg);
    free(msg);
}

bool cg_check_each_caller(cg_check_ctx *ctx, cg_gofile *file, const cg_gobinding *param, cg_caller_fn visit,
                          void *arg_ctx) {
    if (param->kind != CG_BIND_PARAM && param->kind != CG_BIND_RECEIVER) return false;
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, file, param->ident);
    if (!fn || param->scope_start != fn->node->start) return false; /* a func literal's parameter */
    const char *dot = strrchr(fn->name, '.');
    const char *name = dot ? dot + 1 : fn->name;
    if (!islower((unsigned char)name[0]) && name[0] != '_') return false; /* callers outside the package */
    const cg_godecl *decl = cg_gopkg_decl(ctx->pkg->go, fn->name);
    for (size_t i = 0; decl && i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        if (cg_gopkg_callee(ctx->pkg->go, ref->file, ref->node) != decl) continue;
        if (!visit(ref->file, ref->node, cg_gopkg_call_argument(ref->node, param, fn->node), arg_ctx)) break;
    }
    return true;
}

uint32_t cg_call_args(cg_gn call, cg_gn *out, uint32_t max) {
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    uint32_t n = cg_gn_count(args);
    for (uint32_t i = 0; i < n && i < max; i++) out[i] = cg_gn_child(args, i);
    return n;
}

const char *cg_check_param_name(cg_check_ctx *ctx, const cg_cfunc *fn, uint32_t index) {
    if (fn && index < fn->param_count && fn->params[index].name && *fn->params[index].name)
        return fn->params[index].name;
    return cg_arena_printf(&ctx->pkg->arena, "#%u", index + 1);
}

/* ---- Machine-applicable fixes ---- */

static void offset_position(const cg_gofile *file, uint32_t offset, unsigned *line, unsigned *column) {
    unsigned l = 1;
    uint32_t start = 0;
    for (uint32_t i = 0; i < offset && i < file->source_len; i++)
        if (file->source[i] == '\n') l++, start = i + 1;
    *line = l;
    *column = offset - start + 1;
}

bool cg_check_edit(cg_check_ctx *ctx, cg_diag *diag, const cg_gofile *file, uint32_t start, uint32_t end,
                   const char *text) {
    CG_ASSERT(start <= end && end <= file->source_len);
    cg_edit e = {.file = file->path, .start = start, .end = end, .text = text};
    offset_position(file, start, &e.line, &e.column);
    offset_position(file, end, &e.end_line, &e.end_column);
    return cg_diag_add_edit(ctx->diags, diag, &e);
}

void cg_check_fix_title(cg_check_ctx *ctx, cg_diag *diag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = cg_xvasprintf(fmt, ap);
    va_end(ap);
    diag->fix_title = cg_diag_list_intern(ctx->diags, msg);
    free(msg);
}

void cg_check_drop_edits(cg_diag *diag) {
    diag->edit_count = 0;
    diag->fix_title = NULL;
}

uint32_t cg_check_line_start(const cg_gofile *file, uint32_t offset) {
    while (offset > 0 && file->source[offset - 1] != '\n') offset--;
    return offset;
}

uint32_t cg_check_line_end(const cg_gofile *file, uint32_t offset) {
    while (offset < file->source_len && file->source[offset] != '\n') offset++;
    return offset < file->source_len ? offset + 1 : offset;
}

const char *cg_check_indent(cg_check_ctx *ctx, const cg_gofile *file, uint32_t offset) {
    uint32_t start = cg_check_line_start(file, offset), end = start;
    while (end < file->source_len && (file->source[end] == '\t' || file->source[end] == ' ')) end++;
    return cg_arena_strndup(&ctx->pkg->arena, file->source + start, end - start);
}

bool cg_check_owns_line(const cg_gofile *file, cg_gn node) {
    uint32_t start = cg_gn_start(node), end = cg_gn_end(node);
    for (uint32_t i = cg_check_line_start(file, start); i < start; i++)
        if (file->source[i] != ' ' && file->source[i] != '\t') return false;
    uint32_t i = end;
    while (i < file->source_len && (file->source[i] == ' ' || file->source[i] == '\t')) i++;
    if (i >= file->source_len || file->source[i] == '\n' || file->source[i] == '\r') return true;
    return i + 1 < file->source_len && file->source[i] == '/' && file->source[i + 1] == '/';
}

/* The import declaration of "C" (a top-level `import "C"` of its own). */
static cg_gn import_c_decl(const cg_gofile *file) {
    for (uint32_t i = 0; i < cg_gn_count(file->root); i++) {
        cg_gn decl = cg_gn_child(file->root, i);
        if (!cg_gn_is(decl, CG_GK_IMPORT_DECLARATION)) continue;
        cg_gn spec = cg_gn_child_of_kind(decl, CG_GK_IMPORT_SPEC);
        if (spec && cg_node_text_eq(file, cg_gn_field(spec, CG_GF_PATH), "\"C\"") && !cg_gn_field(spec, CG_GF_NAME))
            return decl;
    }
    return NULL;
}

const char *cg_check_need_import(cg_check_ctx *ctx, cg_diag *diag, cg_gofile *file, const char *path) {
    const char *name = strcmp(path, "unsafe") == 0    ? file->unsafe_name
                       : strcmp(path, "runtime") == 0 ? file->runtime_name
                                                      : NULL;
    if (name) return name;
    if (strcmp(path, "unsafe") != 0 && strcmp(path, "runtime") != 0) return NULL;
    cg_gn decl = import_c_decl(file);
    if (!decl || !cg_check_owns_line(file, decl)) return NULL;
    uint32_t at = cg_check_line_end(file, cg_gn_end(decl));
    char *text = cg_xasprintf("%simport \"%s\"\n", at == file->source_len ? "\n" : "", path);
    bool ok = cg_check_edit(ctx, diag, file, at, at, text);
    free(text);
    return ok ? path : NULL;
}
