/*
 * finalizer.c: finalizer/cleanup registrations, local liveness and the
 * local-value helpers of the lifetime rules (see finalizer.h).
 */
#include "finalizer.h"

#include <string.h>

static bool is_runtime_call(cg_gofile *file, TSNode call, const char *name) {
    const char *rt = file->runtime_name ? file->runtime_name : "runtime";
    return cg_node_is_qualified(file, cg_node_unparen(cg_node_field(call, "function")), rt, name);
}

/* Name of the first parameter declared by a parameter_list, or NULL. */
static const char *first_param_name(cg_gofile *file, TSNode list) {
    if (ts_node_is_null(list)) return NULL;
    for (uint32_t i = 0; i < ts_node_named_child_count(list); i++) {
        TSNode decl = ts_node_named_child(list, i);
        if (!cg_node_is(decl, "parameter_declaration")) continue;
        TSNode name = cg_node_field(decl, "name");
        if (ts_node_is_null(name) || cg_node_text_eq(file, name, "_")) return NULL;
        return cg_node_text(file, name);
    }
    return NULL;
}

/* The named type T of an expression of type *T or T. */
static const char *owner_type(cg_package *pkg, cg_gofile *file, TSNode expr) {
    cg_gotype *t = cg_gopkg_type_of_expr(pkg->go, file, expr);
    if (t && t->kind == CG_GT_POINTER) t = t->elem;
    return t && t->kind == CG_GT_NAMED ? t->name : NULL;
}

/* Resolves f: a func literal, a package function, or a method expression
 * (*T).m / T.m. */
static void resolve_func(cg_package *pkg, cg_gofile *file, TSNode f, cg_finalizer *out) {
    f = cg_node_unparen(f);
    if (cg_node_is(f, "func_literal")) {
        out->func_file = file;
        out->func = f;
        out->func_name = "func literal";
        out->param = first_param_name(file, cg_node_field(f, "parameters"));
        return;
    }
    const cg_godecl *d = NULL;
    if (cg_node_is(f, "identifier") && !cg_gopkg_binding(pkg->go, file, f)) {
        d = cg_gopkg_decl(pkg->go, cg_node_text(file, f));
        if (d && d->kind != CG_GODECL_FUNC) d = NULL;
    } else if (cg_node_is(f, "selector_expression")) {
        TSNode recv = cg_node_unparen(cg_node_field(f, "operand"));
        if (cg_node_is(recv, "unary_expression")) recv = cg_node_field(recv, "operand"); /* (*T) */
        if (cg_node_is(recv, "identifier") || cg_node_is(recv, "type_identifier")) {
            const char *name = cg_arena_printf(&pkg->arena, "%s.%s", cg_node_text(file, recv),
                                               cg_node_text(file, cg_node_field(f, "field")));
            d = cg_gopkg_decl(pkg->go, name);
            if (d && d->kind != CG_GODECL_METHOD) d = NULL;
        }
    }
    if (!d) return;
    out->func_file = d->file;
    out->func = d->node;
    out->func_name = cg_node_text(file, f);
    TSNode list = cg_node_field(d->node, d->kind == CG_GODECL_METHOD ? "receiver" : "parameters");
    out->param = first_param_name(d->file, list);
}

bool cg_finalizer_at(cg_package *pkg, cg_gofile *file, TSNode call, cg_finalizer *out) {
    memset(out, 0, sizeof *out);
    bool cleanup = is_runtime_call(file, call, "AddCleanup");
    if (!cleanup && !is_runtime_call(file, call, "SetFinalizer")) return false;
    TSNode args = cg_node_field(call, "arguments");
    uint32_t argc = ts_node_named_child_count(args);
    if (argc < (cleanup ? 3u : 2u)) return false;
    TSNode f = cg_node_unparen(ts_node_named_child(args, 1));
    if (cg_node_is(f, "nil")) return false; /* SetFinalizer(obj, nil) clears it */
    out->file = file;
    out->call = call;
    out->is_cleanup = cleanup;
    out->object = ts_node_named_child(args, 0);
    if (cleanup) out->arg = ts_node_named_child(args, 2);
    out->owner = owner_type(pkg, file, out->object);
    resolve_func(pkg, file, f, out);
    return true;
}

const char *cg_c_callee(cg_package *pkg, cg_gofile *file, TSNode call) {
    if (!cg_node_is(call, "call_expression")) return NULL;
    TSNode fn = cg_node_unparen(cg_node_field(call, "function"));
    if (!cg_node_is_qualified(file, fn, "C", NULL)) return NULL;
    const char *name = cg_node_text(file, cg_node_field(fn, "field"));
    TSNode args = cg_node_field(call, "arguments");
    if (ts_node_named_child_count(args) == 1 && cg_x_c_name_is_type(pkg, name)) return NULL;
    return name;
}

/* ---- Liveness by later use ---- */

typedef struct use_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *binding;
    const char *name;
    uint32_t after_end;
    TSNode loop; /* innermost for_statement around `after`, or null */
    bool found;
} use_walk;

static bool inside(TSNode node, TSNode outer) {
    return !ts_node_is_null(outer) && ts_node_start_byte(node) >= ts_node_start_byte(outer) &&
           ts_node_end_byte(node) <= ts_node_end_byte(outer);
}

static bool contains(TSNode outer, uint32_t start, uint32_t end) {
    return ts_node_start_byte(outer) <= start && ts_node_end_byte(outer) >= end;
}

void cg_node_path_of(cg_package *pkg, cg_gofile *file, TSNode node, cg_node_path *out) {
    out->len = 0;
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, node);
    TSNode from = fn && !ts_node_eq(fn->node, node) ? fn->node : file->root;
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    if (ts_node_eq(from, node) || !contains(from, start, end)) return;
    TSTreeCursor cur = ts_tree_cursor_new(from);
    for (;;) {
        TSNode here = ts_tree_cursor_current_node(&cur);
        if (ts_node_eq(here, node)) break;
        if (out->len == CG_NODE_PATH_MAX || ts_tree_cursor_goto_first_child_for_byte(&cur, start) < 0) {
            out->len = 0;
            break;
        }
        out->nodes[out->len++] = here;
        /* The first child ending after `start` may be a sibling that ends
         * before the node does (zero-width or adjacent): move on. */
        bool found = true;
        while (!contains(ts_tree_cursor_current_node(&cur), start, end))
            if (!ts_tree_cursor_goto_next_sibling(&cur)) {
                found = false;
                break;
            }
        if (!found) {
            out->len = 0;
            break;
        }
    }
    ts_tree_cursor_delete(&cur);
}

bool cg_node_in_defer(cg_package *pkg, cg_gofile *file, TSNode node) {
    cg_node_path path;
    cg_node_path_of(pkg, file, node, &path);
    for (size_t i = 0; i < path.len; i++)
        if (cg_node_is(path.nodes[i], "defer_statement")) return true;
    return false;
}

/* True when ident is a whole left-hand operand of an assignment (x = ...). */
static bool is_assigned_to(cg_package *pkg, cg_gofile *file, TSNode ident) {
    cg_node_path path;
    cg_node_path_of(pkg, file, ident, &path);
    if (path.len < 2) return false;
    TSNode list = path.nodes[path.len - 1], stmt = path.nodes[path.len - 2];
    return cg_node_is(list, "expression_list") && cg_node_is(stmt, "assignment_statement") &&
           ts_node_eq(cg_node_field(stmt, "left"), list);
}

static cg_walk_action visit_use(TSNode n, void *arg) {
    use_walk *w = arg;
    if (!cg_node_is(n, "identifier") || !cg_node_text_eq(w->file, n, w->name)) return CG_WALK_CONTINUE;
    if (cg_gopkg_binding(w->pkg->go, w->file, n) != w->binding) return CG_WALK_CONTINUE;
    if (is_assigned_to(w->pkg, w->file, n)) return CG_WALK_CONTINUE; /* `w = nil` overwrites, it does not read */
    if (ts_node_start_byte(n) >= w->after_end || inside(n, w->loop) || cg_node_in_defer(w->pkg, w->file, n)) {
        w->found = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

bool cg_local_used_after(cg_package *pkg, cg_gofile *file, TSNode ident, TSNode after) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, ident);
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, after);
    if (!b || !fn) return true; /* unknown: assume alive, so callers stay silent */
    use_walk w = {.pkg = pkg, .file = file, .binding = b, .name = cg_node_text(file, ident), .after_end = ts_node_end_byte(after)};
    cg_node_path path;
    cg_node_path_of(pkg, file, after, &path);
    for (size_t i = path.len; i-- > 0;) {
        TSNode p = path.nodes[i];
        if (cg_node_is(p, "for_statement")) {
            /* Only loops inside the binding's scope: a loop around the
             * declaration re-creates the variable each iteration. */
            if (ts_node_start_byte(p) >= b->scope_start) w.loop = p;
            break;
        }
        if (cg_node_is(p, "func_literal")) break;
    }
    cg_walk(fn->node, visit_use, &w);
    return w.found;
}

/* ---- Local values ---- */

TSNode cg_binding_single_value(const cg_gobinding *b) {
    if (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR) return (TSNode){0};
    if (b->value_index) return (TSNode){0};
    if (ts_node_is_null(b->value)) return b->assigned.len == 1 ? b->assigned.items[0] : (TSNode){0};
    return b->assigned.len == 0 ? b->value : (TSNode){0};
}

TSNode cg_lvalue_root(TSNode expr) {
    for (int i = 0; i < 16; i++) {
        expr = cg_node_unparen(expr);
        if (cg_node_is(expr, "index_expression") || cg_node_is(expr, "selector_expression") ||
            cg_node_is(expr, "slice_expression") || cg_node_is(expr, "unary_expression"))
            expr = cg_node_field(expr, "operand");
        else
            break;
    }
    return expr;
}
