/*
 * finalizer.c: finalizer/cleanup registrations, local liveness and the
 * local-value helpers of the lifetime rules (see finalizer.h).
 */
#include "finalizer.h"

#include <string.h>

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
    bool cleanup = cg_gopkg_calls(pkg->go, file, call, "runtime", "AddCleanup");
    if (!cleanup && !cg_gopkg_calls(pkg->go, file, call, "runtime", "SetFinalizer")) return false;
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
