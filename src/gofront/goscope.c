/*
 * goscope.c: local bindings of a function (parameters, results, locals,
 * range variables, names declared in nested function literals) with the byte
 * range where each is visible, and the lookup of an identifier to its binding.
 *
 * Bindings are collected once per top-level function, lazily, by one walk of
 * its body; lookups pick the innermost binding visible at the use.
 */
#include <stdlib.h>
#include <string.h>

#include "gopkg_internal.h"

typedef struct walk_state {
    cg_gopkg *pkg;
    cg_gofunc *fn;
    cg_gofile *file;
} walk_state;

static cg_gobinding *new_binding(walk_state *w, TSNode ident, cg_gobinding_kind kind,
                                 uint32_t scope_start, uint32_t scope_end, uint32_t visible_from) {
    cg_gobinding *b = cg_arena_alloc(&w->pkg->arena, sizeof(*b));
    b->name = cg_node_text(w->file, ident);
    b->kind = kind;
    b->scope_start = scope_start;
    b->scope_end = scope_end;
    b->visible_from = visible_from;
    b->ident = ident;
    if (strcmp(b->name, "_") != 0) cg_vec_push(&w->fn->bindings, b);
    return b;
}

static cg_gobinding *lookup_in(cg_gofunc *fn, const char *name, uint32_t at) {
    cg_gobinding *best = NULL;
    for (size_t i = 0; i < fn->bindings.len; i++) {
        cg_gobinding *b = fn->bindings.items[i];
        if (strcmp(b->name, name) != 0) continue;
        if (at < b->scope_start || at >= b->scope_end || at < b->visible_from) continue;
        /* Innermost scope wins; in the same scope, the later declaration. */
        if (!best || b->scope_start > best->scope_start ||
            (b->scope_start == best->scope_start && b->visible_from >= best->visible_from))
            best = b;
    }
    return best;
}

static void declare_params(walk_state *w, TSNode list, cg_gobinding_kind kind, TSNode scope) {
    if (!cg_node_is(list, "parameter_list")) return;
    uint32_t n = ts_node_named_child_count(list);
    for (uint32_t i = 0; i < n; i++) {
        TSNode pd = ts_node_named_child(list, i);
        bool variadic = cg_node_is(pd, "variadic_parameter_declaration");
        if (!cg_node_is(pd, "parameter_declaration") && !variadic) continue;
        uint32_t c = ts_node_child_count(pd);
        for (uint32_t j = 0; j < c; j++) {
            const char *f = ts_node_field_name_for_child(pd, j);
            if (!f || strcmp(f, "name") != 0) continue;
            cg_gobinding *b = new_binding(w, ts_node_child(pd, j), kind, ts_node_start_byte(scope),
                                          ts_node_end_byte(scope), ts_node_start_byte(scope));
            b->type_node = cg_node_field(pd, "type");
            b->variadic = variadic;
        }
    }
}

static void walk(walk_state *w, TSNode node, uint32_t scope_start, uint32_t scope_end);

static void walk_children(walk_state *w, TSNode node, uint32_t scope_start, uint32_t scope_end) {
    uint32_t n = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < n; i++) walk(w, ts_node_named_child(node, i), scope_start, scope_end);
}

/* x, y := a, b   or   x, y := f() */
static void declare_short(walk_state *w, TSNode left, TSNode right, cg_gobinding_kind kind,
                          uint32_t scope_start, uint32_t scope_end, uint32_t visible_from) {
    uint32_t nleft = ts_node_named_child_count(left);
    uint32_t nright = ts_node_is_null(right) ? 0 : ts_node_named_child_count(right);
    for (uint32_t i = 0; i < nleft; i++) {
        TSNode ident = ts_node_named_child(left, i);
        if (!cg_node_is(ident, "identifier")) continue;
        TSNode value = {0};
        unsigned index = 0;
        if (nright == nleft) {
            value = ts_node_named_child(right, i);
        } else if (nright == 1) {
            value = ts_node_named_child(right, 0);
            index = i;
        }
        /* := redeclaring a name of the same scope is an assignment to it. */
        const char *name = cg_node_text(w->file, ident);
        cg_gobinding *existing = lookup_in(w->fn, name, ts_node_start_byte(ident));
        if (kind == CG_BIND_SHORT && existing && existing->scope_start == scope_start &&
            existing->scope_end == scope_end && !ts_node_is_null(value)) {
            cg_vec_push(&existing->assigned, value);
            continue;
        }
        cg_gobinding *b = new_binding(w, ident, kind, scope_start, scope_end, visible_from);
        b->value = value;
        b->value_index = index;
    }
}

static void record_assignment(walk_state *w, TSNode stmt) {
    TSNode left = cg_node_field(stmt, "left");
    TSNode right = cg_node_field(stmt, "right");
    TSNode op = cg_node_field(stmt, "operator");
    if (!cg_node_text_eq(w->file, op, "=")) return;
    uint32_t nleft = ts_node_named_child_count(left);
    uint32_t nright = ts_node_named_child_count(right);
    for (uint32_t i = 0; i < nleft && nleft == nright; i++) {
        TSNode target = ts_node_named_child(left, i);
        if (!cg_node_is(target, "identifier")) continue;
        cg_gobinding *b = lookup_in(w->fn, cg_node_text(w->file, target), ts_node_start_byte(target));
        if (b) cg_vec_push(&b->assigned, ts_node_named_child(right, i));
    }
}

static void walk(walk_state *w, TSNode node, uint32_t scope_start, uint32_t scope_end) {
    if (ts_node_is_null(node)) return;
    const char *kind = ts_node_type(node);
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);

    if (strcmp(kind, "func_literal") == 0) {
        declare_params(w, cg_node_field(node, "parameters"), CG_BIND_PARAM, node);
        declare_params(w, cg_node_field(node, "result"), CG_BIND_RESULT, node);
        walk(w, cg_node_field(node, "body"), start, end);
        return;
    }
    if (strcmp(kind, "block") == 0 || strcmp(kind, "expression_case") == 0 ||
        strcmp(kind, "default_case") == 0 || strcmp(kind, "type_case") == 0 ||
        strcmp(kind, "communication_case") == 0 || strcmp(kind, "if_statement") == 0 ||
        strcmp(kind, "for_statement") == 0 || strcmp(kind, "expression_switch_statement") == 0 ||
        strcmp(kind, "type_switch_statement") == 0 || strcmp(kind, "select_statement") == 0) {
        if (strcmp(kind, "type_switch_statement") == 0) {
            TSNode alias = cg_node_field(node, "alias");
            if (!ts_node_is_null(alias)) {
                uint32_t c = ts_node_named_child_count(alias);
                for (uint32_t i = 0; i < c; i++)
                    new_binding(w, ts_node_named_child(alias, i), CG_BIND_OTHER, start, end,
                                ts_node_end_byte(alias));
            }
        }
        walk_children(w, node, start, end);
        return;
    }
    if (strcmp(kind, "short_var_declaration") == 0) {
        walk(w, cg_node_field(node, "right"), scope_start, scope_end);
        declare_short(w, cg_node_field(node, "left"), cg_node_field(node, "right"), CG_BIND_SHORT,
                      scope_start, scope_end, end);
        return;
    }
    if (strcmp(kind, "range_clause") == 0) {
        TSNode left = cg_node_field(node, "left");
        TSNode right = cg_node_field(node, "right");
        walk(w, right, scope_start, scope_end);
        bool defines = false;
        uint32_t c = ts_node_child_count(node);
        for (uint32_t i = 0; i < c; i++)
            if (strcmp(ts_node_type(ts_node_child(node, i)), ":=") == 0) defines = true;
        if (defines && !ts_node_is_null(left)) {
            uint32_t nleft = ts_node_named_child_count(left);
            for (uint32_t i = 0; i < nleft && i < 2; i++) {
                cg_gobinding *b = new_binding(w, ts_node_named_child(left, i),
                                              i == 0 ? CG_BIND_RANGE_KEY : CG_BIND_RANGE_VALUE,
                                              scope_start, scope_end, end);
                b->value = right;
            }
        }
        return;
    }
    if (strcmp(kind, "var_spec") == 0) {
        walk(w, cg_node_field(node, "value"), scope_start, scope_end);
        TSNode values = cg_node_field(node, "value");
        uint32_t nvalues = ts_node_is_null(values) ? 0 : ts_node_named_child_count(values);
        unsigned index = 0, nnames = 0;
        uint32_t c = ts_node_child_count(node);
        for (uint32_t i = 0; i < c; i++) {
            const char *f = ts_node_field_name_for_child(node, i);
            if (f && strcmp(f, "name") == 0) nnames++;
        }
        for (uint32_t i = 0; i < c; i++) {
            const char *f = ts_node_field_name_for_child(node, i);
            if (!f || strcmp(f, "name") != 0) continue;
            cg_gobinding *b = new_binding(w, ts_node_child(node, i), CG_BIND_VAR, scope_start,
                                          scope_end, end);
            b->type_node = cg_node_field(node, "type");
            if (nvalues == nnames) {
                b->value = ts_node_named_child(values, index);
            } else if (nvalues == 1) {
                b->value = ts_node_named_child(values, 0);
                b->value_index = index;
            }
            index++;
        }
        return;
    }
    if (strcmp(kind, "assignment_statement") == 0) {
        walk_children(w, node, scope_start, scope_end);
        record_assignment(w, node);
        return;
    }
    if (strcmp(kind, "unary_expression") == 0) {
        TSNode op = cg_node_field(node, "operator");
        TSNode operand = cg_node_unparen(cg_node_field(node, "operand"));
        if (cg_node_text_eq(w->file, op, "&") && cg_node_is(operand, "identifier")) {
            cg_gobinding *b = lookup_in(w->fn, cg_node_text(w->file, operand), start);
            if (b) b->address_taken = true;
        }
    }
    walk_children(w, node, scope_start, scope_end);
}

static void collect_bindings(cg_gopkg *pkg, cg_gofunc *fn) {
    if (fn->bindings_done) return;
    fn->bindings_done = true;
    walk_state w = {pkg, fn, fn->file};
    TSNode node = fn->node;
    if (cg_node_is(node, "method_declaration"))
        declare_params(&w, cg_node_field(node, "receiver"), CG_BIND_RECEIVER, node);
    declare_params(&w, cg_node_field(node, "parameters"), CG_BIND_PARAM, node);
    declare_params(&w, cg_node_field(node, "result"), CG_BIND_RESULT, node);
    walk(&w, cg_node_field(node, "body"), ts_node_start_byte(node), ts_node_end_byte(node));
}

/* The top-level function containing node, without collecting its bindings. */
static cg_gofunc *find_func(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    /* funcs are grouped by file (in file order) and sorted by position within
     * a file, so a binary search on (file index, start byte) finds it. */
    size_t file_index = 0;
    while (file_index < pkg->files.len && pkg->files.items[file_index] != file) file_index++;
    uint32_t at = ts_node_start_byte(node);
    size_t lo = 0, hi = pkg->funcs.len;
    while (lo < hi) { /* first func that starts after `at` in this file or a later one */
        size_t mid = lo + (hi - lo) / 2;
        cg_gofunc *fn = pkg->funcs.items[mid];
        if (fn->file_index < file_index ||
            (fn->file_index == file_index && ts_node_start_byte(fn->node) <= at))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return NULL;
    cg_gofunc *fn = pkg->funcs.items[lo - 1];
    if (fn->file != file || at >= ts_node_end_byte(fn->node)) return NULL;
    return fn;
}

cg_gofunc *cg_gopkg_func_at(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    cg_gofunc *fn = find_func(pkg, file, node);
    if (fn) collect_bindings(pkg, fn);
    return fn;
}

TSNode cg_gopkg_enclosing_func(cg_gopkg *pkg, cg_gofile *file, TSNode node) {
    cg_gofunc *fn = find_func(pkg, file, node);
    if (!fn || ts_node_eq(fn->node, node)) return (TSNode){0};
    /* Descend from the top-level function towards node, remembering the
     * innermost func literal on the way: O(depth), where ts_node_parent
     * would search down from the root of the file at every step. */
    TSNode best = fn->node;
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    TSTreeCursor cursor = ts_tree_cursor_new(fn->node);
    while (ts_tree_cursor_goto_first_child_for_byte(&cursor, start) >= 0) {
        TSNode cur = ts_tree_cursor_current_node(&cursor);
        if (ts_node_start_byte(cur) > start || ts_node_end_byte(cur) < end || ts_node_eq(cur, node))
            break;
        if (cg_node_is(cur, "func_literal")) best = cur;
    }
    ts_tree_cursor_delete(&cursor);
    return best;
}

cg_gobinding *cg_gopkg_binding(cg_gopkg *pkg, cg_gofile *file, TSNode ident) {
    if (!cg_node_is(ident, "identifier")) return NULL;
    cg_gofunc *fn = cg_gopkg_func_at(pkg, file, ident);
    if (!fn) return NULL;
    uint32_t at = ts_node_start_byte(ident);
    cg_gobinding *b = lookup_in(fn, cg_node_text(file, ident), at);
    return b;
}

cg_gotype *cg_binding_type(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b) {
    if (b->type) return b->type;
    if (b->resolving) return cg_gotype_unknown(pkg);
    b->resolving = true;
    cg_gotype *t;
    if (!ts_node_is_null(b->type_node)) {
        t = cg_gopkg_type_of_type(pkg, file, b->type_node);
        if (b->variadic) t = cg_gotype_wrap(pkg, CG_GT_SLICE, t);
    } else if (b->kind == CG_BIND_RANGE_KEY || b->kind == CG_BIND_RANGE_VALUE) {
        cg_gotype *over = cg_gotype_underlying(pkg, cg_gopkg_type_of_expr(pkg, file, b->value));
        if (over && over->kind == CG_GT_POINTER) over = cg_gotype_underlying(pkg, over->elem);
        t = cg_gotype_unknown(pkg);
        if (over) {
            if (b->kind == CG_BIND_RANGE_KEY) {
                if (over->kind == CG_GT_MAP) t = over->key;
                else if (over->kind == CG_GT_SLICE || over->kind == CG_GT_ARRAY ||
                         over->kind == CG_GT_STRING || over->kind == CG_GT_INT)
                    t = cg_gotype_builtin(pkg, "int");
                else if (over->kind == CG_GT_CHAN) t = over->elem;
            } else {
                if (over->kind == CG_GT_MAP || over->kind == CG_GT_SLICE || over->kind == CG_GT_ARRAY)
                    t = over->elem;
                else if (over->kind == CG_GT_STRING) t = cg_gotype_builtin(pkg, "rune");
            }
        }
    } else if (!ts_node_is_null(b->value)) {
        t = cg_tuple_member(pkg, cg_gopkg_type_of_expr(pkg, file, b->value), b->value_index);
        if (t->kind == CG_GT_NIL) t = cg_gotype_unknown(pkg);
    } else {
        t = cg_gotype_unknown(pkg);
    }
    b->type = t;
    b->resolving = false;
    return t;
}

cg_gotype *cg_gopkg_binding_type(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b) {
    return cg_binding_type(pkg, file, b);
}
