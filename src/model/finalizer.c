/*
 * finalizer.c: finalizer/cleanup registrations, local liveness and the
 * local-value helpers of the lifetime rules (see finalizer.h).
 */
#include "finalizer.h"

#include <string.h>

static bool is_runtime_call(cg_gofile *file, cg_gn call, const char *name) {
    const char *rt = file->runtime_name ? file->runtime_name : "runtime";
    return cg_node_is_qualified(file, cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION)), rt, name);
}

/* Name of the first parameter declared by a parameter_list, or NULL. */
static const char *first_param_name(cg_gofile *file, cg_gn list) {
    if (!list) return NULL;
    for (uint32_t i = 0; i < cg_gn_count(list); i++) {
        cg_gn decl = cg_gn_child(list, i);
        if (!cg_gn_is(decl, CG_GK_PARAMETER_DECLARATION)) continue;
        cg_gn name = cg_gn_field(decl, CG_GF_NAME);
        if (!name || cg_node_text_eq(file, name, "_")) return NULL;
        return cg_node_text(file, name);
    }
    return NULL;
}

/* The named type T of an expression of type *T or T. */
static const char *owner_type(cg_package *pkg, cg_gofile *file, cg_gn expr) {
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, expr);
    if (t && t->kind == CG_GT_POINTER) t = t->elem;
    return t && t->kind == CG_GT_NAMED ? t->name : NULL;
}

/* Resolves f: a func literal, a package function, or a method expression
 * (*T).m / T.m. */
static void resolve_func(cg_package *pkg, cg_gofile *file, cg_gn f, cg_finalizer *out) {
    f = cg_gn_unparen(f);
    if (cg_gn_is(f, CG_GK_FUNC_LITERAL)) {
        out->func_file = file;
        out->func = f;
        out->func_name = "func literal";
        out->param = first_param_name(file, cg_gn_field(f, CG_GF_PARAMETERS));
        return;
    }
    const cg_godecl *d = NULL;
    if (cg_gn_is(f, CG_GK_IDENTIFIER) && !cg_gopkg_binding(pkg->go, file, f)) {
        d = cg_gopkg_decl(pkg->go, cg_node_text(file, f));
        if (d && d->kind != CG_GODECL_FUNC) d = NULL;
    } else if (cg_gn_is(f, CG_GK_SELECTOR_EXPRESSION)) {
        cg_gn recv = cg_gn_unparen(cg_gn_field(f, CG_GF_OPERAND));
        if (cg_gn_is(recv, CG_GK_UNARY_EXPRESSION)) recv = cg_gn_field(recv, CG_GF_OPERAND); /* (*T) */
        if (cg_gn_is(recv, CG_GK_IDENTIFIER) || cg_gn_is(recv, CG_GK_TYPE_IDENTIFIER)) {
            const char *name = cg_arena_printf(&pkg->arena, "%s.%s", cg_node_text(file, recv),
                                               cg_node_text(file, cg_gn_field(f, CG_GF_FIELD)));
            d = cg_gopkg_decl(pkg->go, name);
            if (d && d->kind != CG_GODECL_METHOD) d = NULL;
        }
    }
    if (!d) return;
    out->func_file = d->file;
    out->func = d->node;
    out->func_name = cg_node_text(file, f);
    cg_gn list = cg_gn_field(d->node, d->kind == CG_GODECL_METHOD ? CG_GF_RECEIVER : CG_GF_PARAMETERS);
    out->param = first_param_name(d->file, list);
}

bool cg_finalizer_at(cg_package *pkg, cg_gofile *file, cg_gn call, cg_finalizer *out) {
    memset(out, 0, sizeof *out);
    bool cleanup = is_runtime_call(file, call, "AddCleanup");
    if (!cleanup && !is_runtime_call(file, call, "SetFinalizer")) return false;
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    uint32_t argc = cg_gn_count(args);
    if (argc < (cleanup ? 3u : 2u)) return false;
    cg_gn f = cg_gn_unparen(cg_gn_child(args, 1));
    if (cg_gn_is(f, CG_GK_NIL)) return false; /* SetFinalizer(obj, nil) clears it */
    out->file = file;
    out->call = call;
    out->is_cleanup = cleanup;
    out->object = cg_gn_child(args, 0);
    if (cleanup) out->arg = cg_gn_child(args, 2);
    out->owner = owner_type(pkg, file, out->object);
    resolve_func(pkg, file, f, out);
    return true;
}

const char *cg_c_callee(cg_package *pkg, cg_gofile *file, cg_gn call) {
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return NULL;
    cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return NULL;
    const char *name = cg_node_text(file, cg_gn_field(fn, CG_GF_FIELD));
    cg_gn args = cg_gn_field(call, CG_GF_ARGUMENTS);
    if (cg_gn_count(args) == 1 && cg_x_c_name_is_type(pkg, name)) return NULL;
    return name;
}

/* ---- Liveness by later use ---- */

typedef struct use_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *binding;
    const char *name;
    uint32_t after_end;
    cg_gn loop; /* innermost for_statement around `after`, or null */
    bool found;
} use_walk;

static bool inside(cg_gn node, cg_gn outer) {
    return outer && cg_gn_start(node) >= cg_gn_start(outer) &&
           cg_gn_end(node) <= cg_gn_end(outer);
}

void cg_node_path_of(cg_package *pkg, cg_gofile *file, cg_gn node, cg_node_path *out) {
    (void)pkg;
    (void)file;
    out->len = 0;
    /* Up to the top-level declaration (a child of the root), then reversed. */
    size_t depth = 0;
    for (cg_gn p = cg_gn_parent(node); p && p->parent; p = p->parent) depth++;
    cg_gn top = node;
    while (top && top->parent && top->parent->parent) top = top->parent;
    bool top_is_func = top != node && cg_go_is_func(top);
    size_t len = depth + !top_is_func; /* the root too when no function holds node */
    if (!node || !node->parent || len > CG_NODE_PATH_MAX) return;
    size_t i = len;
    for (cg_gn p = node->parent; p && i > 0; p = p->parent) out->nodes[--i] = p;
    out->len = len;
}

bool cg_node_in_defer(cg_package *pkg, cg_gofile *file, cg_gn node) {
    cg_node_path path;
    cg_node_path_of(pkg, file, node, &path);
    for (size_t i = 0; i < path.len; i++)
        if (cg_gn_is(path.nodes[i], CG_GK_DEFER_STATEMENT)) return true;
    return false;
}

/* True when ident is a whole left-hand operand of an assignment (x = ...). */
static bool is_assigned_to(cg_package *pkg, cg_gofile *file, cg_gn ident) {
    cg_node_path path;
    cg_node_path_of(pkg, file, ident, &path);
    if (path.len < 2) return false;
    cg_gn list = path.nodes[path.len - 1], stmt = path.nodes[path.len - 2];
    return cg_gn_is(list, CG_GK_EXPRESSION_LIST) && cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) &&
           (cg_gn_field(stmt, CG_GF_LEFT)) == (list);
}

static cg_walk_action visit_use(cg_gn n, void *arg) {
    use_walk *w = arg;
    if (!cg_gn_is(n, CG_GK_IDENTIFIER) || !cg_node_text_eq(w->file, n, w->name)) return CG_WALK_CONTINUE;
    if (cg_gopkg_binding(w->pkg->go, w->file, n) != w->binding) return CG_WALK_CONTINUE;
    if (is_assigned_to(w->pkg, w->file, n)) return CG_WALK_CONTINUE; /* `w = nil` overwrites, it does not read */
    if (cg_gn_start(n) >= w->after_end || inside(n, w->loop) || cg_node_in_defer(w->pkg, w->file, n)) {
        w->found = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

bool cg_local_used_after(cg_package *pkg, cg_gofile *file, cg_gn ident, cg_gn after) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, ident);
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, after);
    if (!b || !fn) return true; /* unknown: assume alive, so callers stay silent */
    use_walk w = {.pkg = pkg, .file = file, .binding = b, .name = cg_node_text(file, ident), .after_end = cg_gn_end(after)};
    cg_node_path path;
    cg_node_path_of(pkg, file, after, &path);
    for (size_t i = path.len; i-- > 0;) {
        cg_gn p = path.nodes[i];
        if (cg_gn_is(p, CG_GK_FOR_STATEMENT)) {
            /* Only loops inside the binding's scope: a loop around the
             * declaration re-creates the variable each iteration. */
            if (cg_gn_start(p) >= b->scope_start) w.loop = p;
            break;
        }
        if (cg_gn_is(p, CG_GK_FUNC_LITERAL)) break;
    }
    cg_walk(fn->node, visit_use, &w);
    return w.found;
}

/* ---- Local values ---- */

cg_gn cg_binding_single_value(const cg_gobinding *b) {
    if (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR) return NULL;
    if (b->value_index) return NULL;
    if (!b->value) return b->assigned.len == 1 ? b->assigned.items[0] : NULL;
    return b->assigned.len == 0 ? b->value : NULL;
}

cg_gn cg_lvalue_root(cg_gn expr) {
    for (int i = 0; i < 16; i++) {
        expr = cg_gn_unparen(expr);
        if (cg_gn_is(expr, CG_GK_INDEX_EXPRESSION) || cg_gn_is(expr, CG_GK_SELECTOR_EXPRESSION) ||
            cg_gn_is(expr, CG_GK_SLICE_EXPRESSION) || cg_gn_is(expr, CG_GK_UNARY_EXPRESSION))
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        else
            break;
    }
    return expr;
}
