/*
 * CG009 c-memory-use-after-free: Go keeps a view of C memory (a slice made
 * with unsafe.Slice or by slicing a (*[N]T) conversion, a string made with
 * unsafe.String, an array pointer) and uses, returns or stores it after the
 * memory was freed: by C.free(p), or by a C function whose summary
 * (csummary.h) frees that parameter.
 *
 * A view shares the C bytes; it is not a copy (C.GoBytes, C.GoString,
 * string(b), copy(...) are, and stay silent). For a plain C.free the
 * steps that may run after it are followed on the function's control-flow
 * graph (gocfg.h): a use on some path is reported; a reassignment or a new
 * declaration of the view ends that path (and, for views made after the
 * free, one of the freed pointer: a view made later is of new memory). For
 * `defer C.free(p)` the memory dies when the function returns, so what is
 * wrong is to let the view outlive the function: returning it (or a value
 * built from it), storing it in a named result, a package variable, a
 * field reached through a parameter, sending it on a channel or using it in
 * a goroutine; and deferred calls registered before the free (they run
 * after it). len/cap of a view do not touch the memory.
 */
#include <string.h>

#include "../cfront/csummary.h"
#include "../model/finalizer.h"
#include "../gofront/gocfg.h"
#include "check.h"
#include "cside.h"

enum { MAX_GROUP = 8, MAX_VIEWS = 16 };

typedef struct uaf {
    cg_check_ctx *ctx;
    cg_package *pkg;
    cg_gofile *file;
    cg_gn free_call; /* C.free(p) or C.f(p) whose summary frees p */
    cg_gn freed_arg;
    const char *cname;
    const cg_cparam_summary *ps; /* NULL for C.free */
    bool deferred;
    cg_gn defer_stmt; /* the defer statement when deferred */
    /* Locals that hold the freed pointer (p, unsafe.Pointer(p) copies). */
    cg_gobinding *group[MAX_GROUP];
    size_t group_len;
    /* The freed pointer as written when it is a field (buf.data), else NULL. */
    const char *freed_path;
    /* Locals that hold a view of it, with the expression that made each. */
    cg_gobinding *views[MAX_VIEWS];
    cg_gn view_src[MAX_VIEWS];
    size_t view_len;
    /* The walk in progress: which view (NULL: the pointer group itself). */
    cg_gobinding *tracked;
    cg_gn found; /* the use that was reported */
} uaf;

/* Binding lookups copy the name and search the function's locals, so every
 * identifier is first compared by name with the few locals tracked here. */
static bool named_in_group(const uaf *u, cg_gn id) {
    for (size_t i = 0; i < u->group_len; i++)
        if (cg_node_text_eq(u->file, id, u->group[i]->name)) return true;
    return false;
}

static bool in_group(const uaf *u, cg_gobinding *b) {
    for (size_t i = 0; b && i < u->group_len; i++)
        if (u->group[i] == b) return true;
    return false;
}

static cg_gobinding *binding_of(const uaf *u, cg_gn expr);

/* Does the text of node name the freed pointer (or, with views, a view)?
 * A filter before the costlier structural questions. */
static bool names_tracked(const uaf *u, cg_gn node, bool views) {
    uint32_t from = cg_gn_start(node), to = cg_gn_end(node);
    for (size_t i = 0; i < u->group_len; i++)
        if (cg_gofile_mentions(u->file, from, to, u->group[i]->name)) return true;
    for (size_t i = 0; views && i < u->view_len; i++)
        if (cg_gofile_mentions(u->file, from, to, u->views[i]->name)) return true;
    return u->freed_path && cg_gofile_mentions(u->file, from, to, u->freed_path);
}

/* Is expr (through conversions) the freed pointer? */
static bool is_freed_ptr(const uaf *u, cg_gn expr) {
    if (!names_tracked(u, expr, false)) return false;
    cg_gn e = cg_x_strip_conversions(u->pkg, u->file, expr);
    if (cg_gn_is(e, CG_GK_IDENTIFIER))
        return named_in_group(u, e) && in_group(u, cg_gopkg_binding(u->pkg->go, u->file, e));
    return u->freed_path && cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION) && cg_node_text_eq(u->file, e, u->freed_path);
}

static cg_gobinding *binding_of(const uaf *u, cg_gn expr) {
    cg_gn id = cg_x_strip_conversions(u->pkg, u->file, expr);
    return cg_gn_is(id, CG_GK_IDENTIFIER) ? cg_gopkg_binding(u->pkg->go, u->file, id) : NULL;
}

static bool is_view(const uaf *u, cg_gobinding *b) {
    for (size_t i = 0; b && i < u->view_len; i++)
        if (u->views[i] == b) return true;
    return false;
}

static bool named_view(const uaf *u, cg_gn id) {
    for (size_t i = 0; i < u->view_len; i++)
        if (cg_node_text_eq(u->file, id, u->views[i]->name)) return true;
    return false;
}

static bool is_unsafe_call(const uaf *u, cg_gn call, const char *name) {
    return cg_gopkg_calls(u->pkg->go, u->file, call, "unsafe", name);
}

/* Does expr make a view of the freed memory: unsafe.Slice(p', n),
 * unsafe.String(p', n), (*[N]T)(p'), (*[N]T)(p')[:n], where p' is the freed
 * pointer through conversions; or re-slice an existing view? Copies
 * (C.GoBytes, string(v)) are not views. */
static bool makes_view(const uaf *u, cg_gn expr) {
    if (!names_tracked(u, expr, true)) return false;
    cg_gn e = cg_gn_unparen(expr);
    if (is_unsafe_call(u, e, "Slice") || is_unsafe_call(u, e, "String")) {
        cg_gn args = cg_gn_field(e, CG_GF_ARGUMENTS);
        return cg_gn_count(args) == 2 && is_freed_ptr(u, cg_gn_child(args, 0));
    }
    if (cg_gn_is(e, CG_GK_SLICE_EXPRESSION)) {
        cg_gn op = cg_gn_unparen(cg_gn_field(e, CG_GF_OPERAND));
        if (cg_gn_is(op, CG_GK_IDENTIFIER))
            return named_view(u, op) && is_view(u, cg_gopkg_binding(u->pkg->go, u->file, op));
        return makes_view(u, op);
    }
    cg_gn operand;
    cg_gotype *to = cg_gopkg_conversion(u->pkg->go, u->file, e, &operand);
    if (to) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, to);
        if (t && t->kind == CG_GT_POINTER) {
            cg_gotype *elem = cg_gotype_underlying(u->pkg->go, t->elem);
            if (elem && elem->kind == CG_GT_ARRAY) return is_freed_ptr(u, operand);
        }
    }
    return false;
}

/* ---- the freed pointer's locals and the views of it ---- */

static void add_group(uaf *u, cg_gobinding *b) {
    if (b && !in_group(u, b) && u->group_len < MAX_GROUP) u->group[u->group_len++] = b;
}

static void collect(uaf *u, cg_gofunc *fn) {
    add_group(u, binding_of(u, u->freed_arg));
    cg_gn stripped = cg_x_strip_conversions(u->pkg, u->file, u->freed_arg);
    /* A field path is matched by its text; its root must not change. */
    if (!u->group_len && cg_gn_is(stripped, CG_GK_SELECTOR_EXPRESSION)) {
        cg_gn root = cg_lvalue_root(stripped);
        cg_gobinding *rb = cg_gn_is(root, CG_GK_IDENTIFIER) ? cg_gopkg_binding(u->pkg->go, u->file, root) : NULL;
        if (!rb || rb->defs.len) return;
        u->freed_path = cg_node_text(u->file, stripped);
    }
    if (!u->group_len && !u->freed_path) return;
    /* Copies of the pointer in either direction: q := unsafe.Pointer(p). */
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < fn->bindings.len; i++) {
            cg_gobinding *b = fn->bindings.items[i];
            cg_gn v = cg_binding_single_value(b);
            if (!v) continue;
            if (is_freed_ptr(u, v)) add_group(u, b);
            if (in_group(u, b)) add_group(u, binding_of(u, v)); /* few: the group's own values */
        }
    }
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < fn->bindings.len; i++) {
            cg_gobinding *b = fn->bindings.items[i];
            if (is_view(u, b) || u->view_len >= MAX_VIEWS) continue;
            cg_gn src = NULL;
            if (b->value && b->value_index == 0 && makes_view(u, b->value)) src = b->value;
            for (size_t j = 0; !src && j < b->defs.len; j++) {
                cg_gn v = cg_def_value(&b->defs.items[j]);
                if (v && makes_view(u, v)) src = v;
            }
            if (!src) continue;
            u->views[u->view_len] = b;
            u->view_src[u->view_len++] = src;
        }
    }
}

/* ---- uses ---- */

static bool refers_node(uaf *u, cg_gn n) {
    if (u->tracked)
        return cg_gn_is(n, CG_GK_IDENTIFIER) && cg_node_text_eq(u->file, n, u->tracked->name) &&
               cg_gopkg_binding(u->pkg->go, u->file, n) == u->tracked &&
               !cg_gopkg_declares(u->pkg->go, u->file, n); /* `var buf []byte` names it, uses nothing */
    return (cg_gn_is(n, CG_GK_CALL_EXPRESSION) || cg_gn_is(n, CG_GK_SLICE_EXPRESSION)) && makes_view(u, n);
}

static cg_walk_action visit_use(cg_gn n, void *arg) {
    uaf *u = arg;
    if (cg_gn_is(n, CG_GK_CALL_EXPRESSION)) {
        cg_gn fn = cg_gn_field(n, CG_GF_FUNCTION);
        /* len and cap read the slice header, not the freed bytes. */
        if (cg_gn_is(fn, CG_GK_IDENTIFIER) && (cg_node_text_eq(u->file, fn, "len") || cg_node_text_eq(u->file, fn, "cap")))
            return CG_WALK_SKIP_CHILDREN;
    }
    if (refers_node(u, n)) {
        u->found = n;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static bool find_use(uaf *u, cg_gn n) {
    u->found = NULL;
    return !cg_walk(n, visit_use, u);
}

/* Does the step end the tracked value on this path? When tracking a view:
 * the view is assigned, or declared again (a new variable). When tracking
 * the pointer itself (a view made after the free): a group member or the
 * freed field path is assigned or declared again, so that a view made
 * later is made of new memory. */
static bool kills(uaf *u, cg_gn stmt) {
    if (u->tracked && cg_gn_within(u->tracked->ident, stmt)) return true;
    for (size_t i = 0; !u->tracked && i < u->group_len; i++)
        if (cg_gn_within(u->group[i]->ident, stmt)) return true;
    if (!cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_op(stmt) != CG_GOP_ASSIGN) return false;
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT);
    for (uint32_t i = 0; i < cg_gn_count(left); i++) {
        cg_gn id = cg_gn_unparen(cg_gn_child(left, i));
        if (!u->tracked && u->freed_path && cg_node_text_eq(u->file, id, u->freed_path)) return true;
        if (!cg_gn_is(id, CG_GK_IDENTIFIER)) continue;
        cg_gobinding *b;
        if (u->tracked) {
            if (cg_node_text_eq(u->file, id, u->tracked->name) &&
                cg_gopkg_binding(u->pkg->go, u->file, id) == u->tracked)
                return true;
        } else if (named_in_group(u, id) && in_group(u, b = cg_gopkg_binding(u->pkg->go, u->file, id))) {
            return true;
        }
    }
    return false;
}

static const char *view_name(uaf *u) {
    return u->tracked ? cg_arena_printf(&u->pkg->arena, "'%s'", u->tracked->name) : "a Go view";
}

static const char *free_text(uaf *u) {
    if (!u->ps) return u->deferred ? "defer C.free" : "C.free";
    return cg_arena_printf(&u->pkg->arena, "C.%s", u->cname);
}

static void add_trace(uaf *u, cg_diag *d) {
    cg_check_ctx *ctx = u->ctx;
    for (size_t i = 0; i < u->view_len; i++)
        if (u->views[i] == u->tracked)
            cg_check_note(ctx, d, cg_check_loc(u->file, u->view_src[i]),
                          "'%s' is made here; it shares the C bytes (not a copy)", u->tracked->name);
    cg_check_note(ctx, d, cg_check_loc(u->file, u->free_call), "the C memory is freed here%s",
                  u->deferred ? " (when the function returns)" : "");
    /* The C side: each call down to the line that frees. */
    if (u->ps && u->ps->freed.len) cg_cside_note_trace(ctx, d, &u->ps->freed, NULL, 4);
    cg_check_fix(ctx, d,
                 "copy the data into Go memory before the C memory is freed (C.GoBytes, C.GoStringN, or "
                 "copy into a make'd slice), or free it only after the last use of the view");
}

static void report_use(uaf *u, cg_gn stmt, cg_gn at) {
    const char *what = cg_gn_is(stmt, CG_GK_DEFER_STATEMENT) ? "used by a deferred call that runs after it"
                                                            : "used afterwards on some path";
    cg_diag *d;
    if (u->tracked)
        d = cg_check_report(u->ctx, u->file, at,
                            "%s is a view of C memory that %s(%s) freed, and it is %s: "
                            "this reads or writes freed C memory (heap use-after-free)",
                            view_name(u), free_text(u), cg_node_text(u->file, u->freed_arg), what);
    else
        d = cg_check_report(u->ctx, u->file, at,
                            "a Go view of C memory is made after %s(%s) freed it: every access through it "
                            "reads or writes freed C memory (heap use-after-free)",
                            free_text(u), cg_node_text(u->file, u->freed_arg));
    add_trace(u, d);
}

static cg_flow_action visit_after_free(const cg_cfg *cfg, uint32_t step, void *arg) {
    uaf *u = arg;
    cg_gn stmt = cfg->steps[step].node;
    if (!stmt) return CG_FLOW_CONTINUE;
    cg_gn scan = stmt;
    if (cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_is(stmt, CG_GK_SHORT_VAR_DECLARATION))
        scan = cg_gn_field(stmt, CG_GF_RIGHT);
    if (find_use(u, scan)) {
        report_use(u, stmt, u->found);
        return CG_FLOW_STOP;
    }
    return kills(u, stmt) ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

/* Deferred calls registered on a path to a plain C.free run after it. */
static void check_earlier_defers(uaf *u, const cg_cfg *cfg, uint32_t free_step) {
    for (uint32_t i = 0; i < cfg->defer_count; i++) {
        uint32_t d = cfg->defers[i];
        if (!cg_cfg_reaches(cfg, d, free_step)) continue;
        if (find_use(u, cfg->steps[d].node)) {
            report_use(u, cfg->steps[d].node, u->found);
            return;
        }
    }
}

/* ---- defer C.free: what outlives the function ---- */

static bool carries(uaf *u, cg_gn e) {
    e = cg_gn_unparen(e);
    if (!e) return false;
    if (!u->tracked && makes_view(u, e)) return true;
    if (cg_gn_is(e, CG_GK_IDENTIFIER))
        return u->tracked && cg_node_text_eq(u->file, e, u->tracked->name) &&
               cg_gopkg_binding(u->pkg->go, u->file, e) == u->tracked;
    if (cg_gn_is(e, CG_GK_SLICE_EXPRESSION) || cg_gn_is(e, CG_GK_INDEX_EXPRESSION) || cg_gn_is(e, CG_GK_SELECTOR_EXPRESSION))
        return carries(u, cg_gn_field(e, CG_GF_OPERAND));
    if (cg_gn_is(e, CG_GK_UNARY_EXPRESSION) && cg_gn_op(e) == CG_GOP_AMP)
        return carries(u, cg_gn_field(e, CG_GF_OPERAND));
    if (cg_gn_is(e, CG_GK_COMPOSITE_LITERAL)) {
        cg_gn body = cg_gn_field(e, CG_GF_BODY);
        uint32_t n = cg_gn_count(body);
        for (uint32_t i = 0; i < n; i++) {
            cg_gn el = cg_gn_child(body, i);
            if (cg_gn_is(el, CG_GK_KEYED_ELEMENT)) el = cg_gn_child(el, cg_gn_count(el) - 1);
            if (cg_gn_is(el, CG_GK_LITERAL_ELEMENT)) el = cg_gn_child(el, 0);
            if (carries(u, el)) return true;
        }
        return false;
    }
    if (is_unsafe_call(u, e, "Slice") || is_unsafe_call(u, e, "String"))
        return carries(u, cg_gn_child(cg_gn_field(e, CG_GF_ARGUMENTS), 0));
    cg_gn operand;
    cg_gotype *to = cg_gopkg_conversion(u->pkg->go, u->file, e, &operand);
    if (to) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, to);
        /* string(b) and []byte(s) copy; other conversions keep the pointer. */
        if (!t || t->kind == CG_GT_STRING || t->kind == CG_GT_SLICE) return false;
        return carries(u, operand);
    }
    return false; /* other calls: unknown whether they copy */
}

/* Where an assignment's target outlives the function: a named result, a
 * package variable, or memory reached through a parameter or receiver. */
static const char *outliving_target(uaf *u, cg_gn target) {
    cg_gn root = cg_lvalue_root(target);
    if (!cg_gn_is(root, CG_GK_IDENTIFIER)) return NULL;
    cg_gobinding *b = cg_gopkg_binding(u->pkg->go, u->file, root);
    bool whole = (cg_gn_unparen(target)) == (root);
    if (!b) {
        const cg_godecl *d = cg_gopkg_decl(u->pkg->go, cg_node_text(u->file, root));
        return d && d->kind == CG_GODECL_VAR ? "a package-level variable" : NULL;
    }
    if (whole) return b->kind == CG_BIND_RESULT ? "the named result" : NULL;
    if (b->kind == CG_BIND_PARAM || b->kind == CG_BIND_RECEIVER) {
        cg_gotype *t = cg_gotype_underlying(u->pkg->go, b->type ? b->type : cg_gopkg_type_of_expr(u->pkg->go, u->file, root));
        if (t && (t->kind == CG_GT_POINTER || t->kind == CG_GT_SLICE || t->kind == CG_GT_MAP))
            return b->kind == CG_BIND_RECEIVER ? "the receiver" : "memory the caller passed in";
    }
    return NULL;
}

typedef struct escape_walk {
    uaf *u;
    bool done;
} escape_walk;

static void report_escape(uaf *u, cg_gn at, const char *how) {
    cg_diag *d = cg_check_report(
        u->ctx, u->file, at,
        "%s, a view of C memory that %s(%s) frees when the function returns, %s: it is used after the "
        "memory is freed (heap use-after-free)",
        u->tracked ? view_name(u) : "this slice or string", free_text(u),
        cg_node_text(u->file, u->freed_arg), how);
    add_trace(u, d);
}

static cg_walk_action visit_escape(cg_gn n, void *arg) {
    escape_walk *w = arg;
    uaf *u = w->u;
    if (w->done) return CG_WALK_STOP;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL) || cg_gn_is(n, CG_GK_DEFER_STATEMENT)) return CG_WALK_SKIP_CHILDREN;
    if (cg_gn_is(n, CG_GK_RETURN_STATEMENT)) {
        uint32_t c = cg_gn_count(n);
        cg_gn list = c ? cg_gn_child(n, 0) : NULL;
        uint32_t k = !list ? 0 : cg_gn_count(list);
        for (uint32_t i = 0; i < k; i++)
            if (carries(u, cg_gn_child(list, i))) {
                report_escape(u, cg_gn_child(list, i), "is returned to the caller");
                w->done = true;
                return CG_WALK_STOP;
            }
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT)) {
        cg_gn left = cg_gn_field(n, CG_GF_LEFT), right = cg_gn_field(n, CG_GF_RIGHT);
        uint32_t k = cg_gn_count(left);
        if (k != cg_gn_count(right)) return CG_WALK_SKIP_CHILDREN;
        for (uint32_t i = 0; i < k; i++) {
            const char *where;
            if (carries(u, cg_gn_child(right, i)) &&
                (where = outliving_target(u, cg_gn_child(left, i))) != NULL) {
                report_escape(u, cg_gn_child(right, i),
                              cg_arena_printf(&u->pkg->arena, "is stored in %s", where));
                w->done = true;
                return CG_WALK_STOP;
            }
        }
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_gn_is(n, CG_GK_SEND_STATEMENT) && carries(u, cg_gn_field(n, CG_GF_VALUE))) {
        report_escape(u, cg_gn_field(n, CG_GF_VALUE), "is sent on a channel");
        w->done = true;
        return CG_WALK_STOP;
    }
    if (cg_gn_is(n, CG_GK_GO_STATEMENT) && find_use(u, n)) {
        report_escape(u, u->found, "is used by a goroutine that may run after the function returned");
        w->done = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

/* What may run after `defer C.free(p)` registered the free. */
static cg_flow_action visit_after_deferred_free(const cg_cfg *cfg, uint32_t step, void *arg) {
    escape_walk *w = arg;
    cg_gn n = cfg->steps[step].node;
    if (n) cg_walk(n, visit_escape, w);
    return w->done ? CG_FLOW_STOP : CG_FLOW_CONTINUE;
}

/* ---- driver ---- */

static cg_gn defer_of(cg_gn n) {
    for (cg_gn p = cg_gn_parent(n); p; p = cg_gn_parent(p)) {
        if (cg_gn_is(p, CG_GK_DEFER_STATEMENT)) return p;
        if (cg_gn_is(p, CG_GK_FUNCTION_DECLARATION) || cg_gn_is(p, CG_GK_METHOD_DECLARATION)) break;
    }
    return NULL;
}

static void check_free(uaf *u) {
    cg_gofunc *fn = cg_gopkg_func_at(u->pkg->go, u->file, u->free_call);
    if (!fn) return;
    collect(u, fn);
    if (!u->group_len && !u->freed_path) return;
    u->defer_stmt = defer_of(u->free_call);
    u->deferred = u->defer_stmt;
    /* A free inside a func literal runs whenever the literal is called;
     * a free deferred inside one runs when the literal returns. */
    const cg_cfg *cfg = cg_cfg_around(u->pkg->go, u->file, u->deferred ? u->defer_stmt : u->free_call);
    uint32_t step = cg_cfg_step_of(cfg, u->deferred ? u->defer_stmt : u->free_call);
    if (step == CG_CFG_NONE) return;
    if (!u->deferred && cfg->func != fn->node) return;
    uint32_t from = cg_cfg_later_code_start(cfg, step), to = cg_gn_end(cfg->func);
    size_t rounds = u->view_len + 1;
    for (size_t i = 0; i < rounds; i++) {
        u->tracked = i < u->view_len ? u->views[i] : NULL;
        /* Nothing after the free names the view (or the pointer): no walk. */
        bool named = false;
        if (u->tracked) named = cg_gofile_mentions(u->file, from, to, u->tracked->name);
        for (size_t g = 0; !u->tracked && !named && g < u->group_len; g++)
            named = cg_gofile_mentions(u->file, from, to, u->group[g]->name);
        if (!u->tracked && u->freed_path) named = true;
        if (!named) {
            /* Deferred calls registered before a plain free still run after it. */
            if (!u->deferred && u->tracked) check_earlier_defers(u, cfg, step);
            continue;
        }
        if (u->deferred) {
            escape_walk w = {u, false};
            cg_cfg_walk_after(cfg, step, visit_after_deferred_free, &w);
            continue;
        }
        if (cg_cfg_walk_after(cfg, step, visit_after_free, u) && u->tracked) check_earlier_defers(u, cfg, step);
    }
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        uaf base = {.ctx = ctx, .pkg = ctx->pkg, .file = call->file, .free_call = call->call, .cname = call->name};
        if (strcmp(call->name, "free") == 0) {
            if (call->arg_count != 1) continue;
            uaf u = base;
            u.freed_arg = cg_gn_child(call->args, 0);
            check_free(&u);
            continue;
        }
        const cg_csummary *sum = cg_cmodel_summary(ctx->pkg->c, call->name);
        for (uint32_t a = 0; sum && a < call->arg_count && a < sum->param_count; a++) {
            if (!sum->params[a].freed.len) continue;
            uaf u = base;
            u.freed_arg = cg_gn_child(call->args, a);
            u.ps = &sum->params[a];
            check_free(&u);
        }
    }
}

const cg_rule cg_rule_CG009 = {
    .id = "CG009",
    .name = "c-memory-use-after-free",
    .severity = CG_SEV_ERROR,
    .summary = "slice or string view of C memory used after it is freed",
    .check = check,
};
