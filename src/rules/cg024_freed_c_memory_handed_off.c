/*
 * CG024 freed-c-memory-handed-off: Go allocates C memory (C.CString,
 * C.CBytes, C.malloc, C.calloc), frees it in the same function (`defer
 * C.free(...)` or a later C.free), and meanwhile stores the pointer where it
 * outlives the function:
 *  - into a field of C memory the function did not allocate (a struct a C
 *    library passed to an exported callback, a C object returned by the
 *    library, a package-level C variable);
 *  - into a package-level variable;
 *  - as an argument of a C function whose summary (csummary.h) keeps that
 *    parameter (stores it in a global, in kept heap memory, hands it to a
 *    thread) or stores it into the object another argument points to, when
 *    that object is such foreign C memory.
 * The library then reads freed memory. Stores into memory the function
 * allocated itself, into Go locals, of copies (C.strdup), allocations that
 * are not freed here (ownership handed over), and stores on a path that
 * never frees (`if keep { C.set(p) } else { C.free(p) }`: the two exclude
 * each other on the function's control-flow graph) stay silent.
 */
#include <string.h>

#include "../cfront/csummary.h"
#include "../gofront/gocfg.h"
#include "../model/finalizer.h"
#include "check.h"

static bool is_go_allocator(const char *name) {
    return strcmp(name, "CString") == 0 || strcmp(name, "CBytes") == 0 || strcmp(name, "malloc") == 0 ||
           strcmp(name, "calloc") == 0;
}

/* The C allocation call that gave the local its only value, or null. */
static cg_gn allocation_of(cg_package *pkg, cg_gofile *file, cg_gobinding *b) {
    cg_gn v = cg_binding_single_value(b);
    if (!v) return v;
    v = cg_x_strip_conversions(pkg, file, v);
    if (!cg_gn_is(v, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(v, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return NULL;
    return is_go_allocator(cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD))) ? v : NULL;
}

/* The local the expression names, through conversions. */
static cg_gobinding *local_of(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gn id = cg_x_strip_conversions(pkg, file, expr);
    return cg_gn_is(id, CG_GK_IDENTIFIER) ? cg_gopkg_binding(pkg->go, file, id) : NULL;
}

/* A pointer to C memory: *C.T, or a C pointer type (C.f()'s result). */
static bool c_pointee(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (!t) return false;
    if (t->kind == CG_GT_POINTER) {
        cg_gotype *e = cg_gotype_underlying(pkg->go, t->elem);
        return e && e->kind == CG_GT_C;
    }
    cg_ctype ct;
    return t->kind == CG_GT_C && cg_x_ctype(pkg, t, &ct) && ct.kind == CG_CTYPE_POINTER;
}

/* C.f(...) where f is a C function (not an allocator the caller owns the
 * result of): returns f, else NULL. */
static const char *foreign_c_call(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    expr = cg_x_strip_conversions(pkg, file, expr);
    if (!cg_gn_is(expr, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(expr, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return NULL;
    const char *name = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
    if (is_go_allocator(name) || strcmp(name, "strdup") == 0) return NULL;
    const cg_cfunc *cf = cg_cmodel_func(pkg->c, name);
    /* A package function that returns memory it just allocated
     * (make_strings: calloc'd, kept nowhere) is an allocator like malloc. */
    const cg_csummary *s = cf && cf->has_body ? cg_cmodel_summary(pkg->c, name) : NULL;
    if (s && s->returns_fresh) return NULL;
    return cf && cf->result.kind == CG_CTYPE_POINTER ? name : NULL;
}

/* Describes where `target` (an lvalue root identifier) lives when that
 * outlives the function, or returns NULL. */
static const char *outliving(cg_package *pkg, cg_gofile *file, cg_gn root, bool whole) {
    const char *callee = whole ? NULL : foreign_c_call(pkg, file, root);
    if (callee) return cg_arena_printf(&pkg->arena, "C memory that C.%s returned", callee);
    if (!cg_gn_is(root, CG_GK_IDENTIFIER)) return NULL;
    const char *name = cg_node_text(file, root);
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, root);
    if (!b) {
        const cg_godecl *d = cg_gopkg_decl(pkg->go, name);
        if (!d || d->kind != CG_GODECL_VAR) return NULL;
        return cg_arena_printf(&pkg->arena, "the package-level variable %s", name);
    }
    if (whole) return NULL; /* assigning a local itself outlives nothing */
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, root);
    bool param = b->kind == CG_BIND_PARAM || b->kind == CG_BIND_RECEIVER;
    if (param && !c_pointee(pkg, t)) {
        /* An out-parameter (out **C.char, dst []*C.char, r *result): the
         * caller reads what is stored there after this function returns. */
        cg_gotype *u = cg_gotype_underlying(pkg->go, t);
        if (!u || (u->kind != CG_GT_POINTER && u->kind != CG_GT_SLICE)) return NULL;
        return cg_arena_printf(&pkg->arena, "the caller's memory behind %s (%s)",
                               name, cg_gotype_string(pkg->go, t));
    }
    if (!c_pointee(pkg, t)) return NULL;
    if (param)
        return cg_arena_printf(&pkg->arena, "C memory the caller passed in (%s %s)", name,
                               cg_gotype_string(pkg->go, t));
    cg_gn value = cg_binding_single_value(b);
    if (value && (callee = foreign_c_call(pkg, file, value)) != NULL)
        return cg_arena_printf(&pkg->arena, "C memory that C.%s returned (%s)", callee, name);
    return NULL;
}

typedef struct freed {
    cg_gofile *file;
    cg_gobinding *local; /* the C memory's Go name */
    cg_gn alloc;        /* C.CString(...) etc. */
    cg_gn free_call;    /* C.free(...) */
    bool deferred;
} freed;

static cg_diag *report(cg_check_ctx *ctx, const freed *f, cg_gn at, const char *where) {
    cg_gofile *file = f->file;
    const char *name = f->local->name;
    cg_diag *d = cg_check_report(
        ctx, file, at,
        "%s (C memory from %s) %s, which outlives this function, but the function frees it%s: the "
        "C side later reads freed memory",
        name, cg_node_text(file, cg_gn_field(f->alloc, CG_GF_FUNCTION)), where,
        f->deferred ? " when it returns (defer C.free)" : " with C.free");
    cg_check_note(ctx, d, cg_check_loc(file, f->alloc), "allocated here");
    cg_check_note(ctx, d, cg_check_loc(file, f->free_call), "freed here");
    cg_check_fix(ctx, d,
                 "do not free what the library keeps: hand ownership over (allocate with the library's "
                 "allocator, or let the library free it), or keep %s alive as long as the library holds it",
                 name);
    return d;
}

/* The stores and C calls of one function (outside func literals), in
 * source order: collected once and checked against each of its frees. */
typedef struct store_sites {
    cg_gn func;
    CG_VEC(cg_gn) nodes;
} store_sites;

typedef struct store_walk {
    cg_check_ctx *ctx;
    const freed *f;
    const cg_cfg *cfg;
    uint32_t free_step; /* the C.free, or the defer that registers it */
    const store_sites *sites; /* the function's stores and calls */
} store_walk;

/* Can the store at `n` and the free both run in one call of the function? */
static bool store_meets_free(store_walk *w, cg_gn n) {
    uint32_t s = cg_cfg_step_of(w->cfg, n);
    return s == CG_CFG_NONE || w->free_step == CG_CFG_NONE || !cg_cfg_exclusive(w->cfg, s, w->free_step);
}

static bool names_local(store_walk *w, cg_gn expr) {
    /* The binding lookup is the costly part, and this runs for every store
     * and C argument of the function once per free: an expression whose text
     * does not contain the name cannot name the local. */
    const cg_gofile *file = w->f->file;
    uint32_t start = cg_gn_start(expr), end = cg_gn_end(expr);
    const char *name = w->f->local->name;
    if (!memmem(file->source + start, end - start, name, strlen(name))) return false;
    return local_of(w->ctx->pkg, w->f->file, expr) == w->f->local;
}

static void check_assignment(store_walk *w, cg_gn n) {
    cg_gn left = cg_gn_field(n, CG_GF_LEFT), right = cg_gn_field(n, CG_GF_RIGHT);
    uint32_t count = cg_gn_count(left);
    if (count != cg_gn_count(right)) return;
    for (uint32_t i = 0; i < count; i++) {
        if (!names_local(w, cg_gn_child(right, i)) || !store_meets_free(w, n)) continue;
        cg_gn target = cg_gn_unparen(cg_gn_child(left, i));
        bool whole = cg_gn_is(target, CG_GK_IDENTIFIER);
        const char *where = outliving(w->ctx->pkg, w->f->file, whole ? target : cg_lvalue_root(target), whole);
        if (!where) continue;
        report(w->ctx, w->f, n,
               whole ? cg_arena_printf(&w->ctx->pkg->arena, "is stored into %s", where)
                     : cg_arena_printf(&w->ctx->pkg->arena, "is stored into %s, in %s",
                                       cg_node_text(w->f->file, target), where));
    }
}

/* The local that the call's (first) result is assigned to: the declaring
 * identifier of `x := C.f()` (a binding is visible only after it) or the
 * binding of `x = C.f()`. False when the result goes elsewhere. */
static bool result_local(cg_package *pkg, cg_gofile *file, cg_gn call, cg_gn *declared, cg_gobinding **assigned) {
    cg_gn list = cg_gn_parent(call);
    if (!cg_gn_is(list, CG_GK_EXPRESSION_LIST) || cg_gn_child(list, 0) != call) return false;
    cg_gn stmt = cg_gn_parent(list);
    bool decl = cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION);
    if ((!decl && !cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT)) || cg_gn_field(stmt, CG_GF_RIGHT) != list)
        return false;
    cg_gn target = cg_gn_child(cg_gn_field(stmt, CG_GF_LEFT), 0);
    if (!cg_gn_is(target, CG_GK_IDENTIFIER)) return false;
    *declared = decl ? target : NULL;
    *assigned = decl ? NULL : cg_gopkg_binding(pkg->go, file, target);
    return decl || *assigned;
}

/* Does the function free what that local holds: C.free(r), or a C function
 * whose summary frees that argument (C.opts_free(r))? */
static bool freed_in_function(store_walk *w, cg_gn declared, cg_gobinding *assigned) {
    cg_package *pkg = w->ctx->pkg;
    for (size_t i = 0; i < w->sites->nodes.len; i++) {
        cg_gn n = w->sites->nodes.items[i];
        if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) continue;
        cg_gn fn = cg_gn_unparen(cg_gn_field(n, CG_GF_FUNCTION));
        if (!cg_node_is_qualified(w->f->file, fn, "C", NULL)) continue;
        const char *name = cg_node_text(w->f->file, cg_gn_field(fn, CG_GF_FIELD));
        const cg_csummary *sum = cg_cmodel_summary(pkg->c, name);
        cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS);
        uint32_t argc = cg_gn_count(args);
        for (uint32_t k = 0; k < argc; k++) {
            bool frees = strcmp(name, "free") == 0 || (sum && k < sum->param_count && sum->params[k].freed.len);
            cg_gobinding *b = frees ? local_of(pkg, w->f->file, cg_gn_child(args, k)) : NULL;
            if (b && (assigned ? b == assigned : b->ident == declared)) return true;
        }
    }
    return false;
}

static void check_c_call(store_walk *w, cg_gn n, const char *cname) {
    const cg_csummary *sum = cg_cmodel_summary(w->ctx->pkg->c, cname);
    if (!sum) return;
    cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS);
    uint32_t argc = cg_gn_count(args);
    for (uint32_t i = 0; i < argc && i < sum->param_count; i++) {
        if (!names_local(w, cg_gn_child(args, i)) || !store_meets_free(w, n)) continue;
        const cg_cparam_summary *ps = &sum->params[i];
        /* Kept only in the memory C returns (opts->path = path; return
         * opts), which this function frees as well: it dies here. */
        cg_gn declared;
        cg_gobinding *assigned;
        if (ps->kept_in_result && result_local(w->ctx->pkg, w->f->file, n, &declared, &assigned) &&
            freed_in_function(w, declared, assigned))
            continue;
        if (ps->kept_kind != CG_KEEP_NONE && ps->kept.len) {
            const cg_cstep *last = &ps->kept.steps[ps->kept.len - 1];
            cg_diag *d = report(w->ctx, w->f, n,
                                cg_arena_printf(&w->ctx->pkg->arena, "is passed to C.%s, which keeps parameter %u (%s)",
                                                cname, i + 1, ps->kept.how ? ps->kept.how : "stored"));
            cg_check_note(w->ctx, d, last->loc, "%s keeps it here", last->func);
        } else if (ps->stored_into.len && ps->stored_into_param >= 0 && (uint32_t)ps->stored_into_param < argc) {
            cg_gn dst = cg_gn_child(args, (uint32_t)ps->stored_into_param);
            const char *where =
                outliving(w->ctx->pkg, w->f->file, cg_lvalue_root(cg_x_strip_conversions(w->ctx->pkg, w->f->file, dst)), false);
            if (!where) continue;
            report(w->ctx, w->f, n,
                   cg_arena_printf(&w->ctx->pkg->arena, "is passed to C.%s, which stores it into %s", cname, where));
        }
    }
}


static cg_walk_action collect_site(cg_gn n, void *arg) {
    store_sites *sites = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_is(n, CG_GK_CALL_EXPRESSION))
        cg_vec_push(&sites->nodes, n);
    return CG_WALK_CONTINUE;
}

static void check_sites(store_walk *w, const store_sites *sites) {
    for (size_t i = 0; i < sites->nodes.len; i++) {
        cg_gn n = sites->nodes.items[i];
        if (cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT)) {
            check_assignment(w, n);
        } else if (n != w->f->free_call) {
            cg_gn fn = cg_gn_unparen(cg_gn_field(n, CG_GF_FUNCTION));
            if (cg_node_is_qualified(w->f->file, fn, "C", NULL))
                check_c_call(w, n, cg_node_text(w->f->file, cg_gn_field(fn, CG_GF_FIELD)));
        }
    }
}

static void check(cg_check_ctx *ctx) {
    cg_package *pkg = ctx->pkg;
    /* C calls are indexed in source order, so the frees of one function
     * come one after another and its sites are collected once. */
    store_sites sites;
    memset(&sites, 0, sizeof sites);
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if (strcmp(call->name, "free") != 0 || call->arg_count != 1) continue;
        cg_gobinding *b = local_of(pkg, call->file, cg_gn_child(call->args, 0));
        if (!b) continue;
        cg_gn alloc = allocation_of(pkg, call->file, b);
        cg_gofunc *fn = cg_gopkg_func_at(pkg->go, call->file, call->call);
        if (!alloc || !fn) continue;
        if (sites.func != fn->node) {
            sites.func = fn->node;
            sites.nodes.len = 0;
            cg_walk(cg_gn_field(fn->node, CG_GF_BODY), collect_site, &sites);
        }
        freed f = {call->file, b, alloc, call->call, cg_node_in_defer(pkg, call->file, call->call)};
        const cg_cfg *cfg = cg_cfg_of(pkg->go, call->file, fn->node);
        store_walk w = {ctx, &f, cfg, cg_cfg_step_of(cfg, call->call), &sites};
        check_sites(&w, &sites);
    }
    cg_vec_free(&sites.nodes);
}

const cg_rule cg_rule_CG024 = {
    .id = "CG024",
    .name = "freed-c-memory-handed-off",
    .severity = CG_SEV_ERROR,
    .summary = "freed C memory stored where C keeps using it",
    .check = check,
};
