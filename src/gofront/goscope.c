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

static cg_gobinding *new_binding(walk_state *w, cg_gn ident, cg_gobinding_kind kind, cg_gn decl,
                                 uint32_t scope_start, uint32_t scope_end, uint32_t visible_from) {
    cg_gobinding *b = cg_arena_alloc(&w->pkg->arena, sizeof(*b));
    b->name = cg_node_text(w->file, ident);
    b->kind = kind;
    b->scope_start = scope_start;
    b->scope_end = scope_end;
    b->visible_from = visible_from;
    b->ident = ident;
    b->decl = decl;
    if (strcmp(b->name, "_") != 0) {
        cg_vec_push(&w->fn->bindings, b);
        cg_ptrmap_put(&w->fn->declared, ident, b);
    }
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

static void add_def(cg_gobinding *b, cg_godef_kind kind, cg_gn value, unsigned index, cg_gn stmt) {
    cg_godef d = {kind, value, index, stmt};
    cg_vec_push(&b->defs, d);
}

/* A definition of whatever local `target` names (an identifier on the left
 * of an assignment); other targets (x.f, *p, a[i]) define no local. */
static void define(walk_state *w, cg_gn target, cg_godef_kind kind, cg_gn value, unsigned index, cg_gn stmt) {
    target = cg_gn_unparen(target);
    if (!cg_gn_is(target, CG_GK_IDENTIFIER)) return;
    cg_gobinding *b = lookup_in(w->fn, cg_node_text(w->file, target), cg_gn_start(target));
    if (b) add_def(b, kind, value, index, stmt);
}

/* The value of the i-th of n targets given the right-hand list: the i-th
 * expression when the counts match, else the i-th result of the one call. */
static cg_gn value_for(cg_gn right, uint32_t n, uint32_t i, unsigned *index) {
    uint32_t nright = cg_gn_count(right);
    *index = 0;
    if (nright == n) return cg_gn_child(right, i);
    if (nright == 1) {
        *index = i;
        return cg_gn_child(right, 0);
    }
    return NULL;
}

static void declare_params(walk_state *w, cg_gn list, cg_gobinding_kind kind, cg_gn scope) {
    if (!cg_gn_is(list, CG_GK_PARAMETER_LIST)) return;
    uint32_t n = cg_gn_count(list);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn pd = cg_gn_child(list, i);
        bool variadic = cg_gn_is(pd, CG_GK_VARIADIC_PARAMETER_DECLARATION);
        if (!cg_gn_is(pd, CG_GK_PARAMETER_DECLARATION) && !variadic) continue;
        cg_gn name;
        for (uint32_t j = 0; (name = cg_gn_field_at(pd, CG_GF_NAME, j)) != NULL; j++) {
            cg_gobinding *b = new_binding(w, name, kind, pd, cg_gn_start(scope), cg_gn_end(scope), cg_gn_start(scope));
            b->type_node = cg_gn_field(pd, CG_GF_TYPE);
            b->variadic = variadic;
        }
    }
}

static void walk(walk_state *w, cg_gn node, uint32_t scope_start, uint32_t scope_end);

static void walk_children(walk_state *w, cg_gn node, uint32_t scope_start, uint32_t scope_end) {
    uint32_t n = cg_gn_count(node);
    for (uint32_t i = 0; i < n; i++) walk(w, cg_gn_child(node, i), scope_start, scope_end);
}

/* x, y := a, b   or   x, y := f()   (and a select's case v, ok := <-c) */
static void declare_short(walk_state *w, cg_gn stmt, cg_gn left, cg_gn right, cg_gobinding_kind kind,
                          uint32_t scope_start, uint32_t scope_end, uint32_t visible_from) {
    uint32_t nleft = cg_gn_count(left);
    for (uint32_t i = 0; i < nleft; i++) {
        cg_gn ident = cg_gn_child(left, i);
        if (!cg_gn_is(ident, CG_GK_IDENTIFIER)) continue;
        unsigned index;
        cg_gn value = value_for(right, nleft, i, &index);
        /* := redeclaring a name of the same scope assigns to it. */
        const char *name = cg_node_text(w->file, ident);
        cg_gobinding *existing = lookup_in(w->fn, name, cg_gn_start(ident));
        if (existing && existing->scope_start == scope_start && existing->scope_end == scope_end) {
            add_def(existing, CG_DEF_ASSIGN, value, index, stmt);
            continue;
        }
        cg_gobinding *b = new_binding(w, ident, kind, stmt, scope_start, scope_end, visible_from);
        b->value = value;
        b->value_index = index;
    }
}

static void record_assignment(walk_state *w, cg_gn stmt) {
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT);
    cg_gn right = cg_gn_field(stmt, CG_GF_RIGHT);
    uint32_t nleft = cg_gn_count(left);
    bool plain = cg_gn_op(stmt) == CG_GOP_ASSIGN;
    for (uint32_t i = 0; i < nleft; i++) {
        unsigned index = 0;
        cg_gn value = plain ? value_for(right, nleft, i, &index) : cg_gn_child(right, 0);
        define(w, cg_gn_child(left, i), plain ? CG_DEF_ASSIGN : CG_DEF_UPDATE, value, index, stmt);
    }
}

/* var a, b T = x, y (also var a, b = f()) and const a, b = x, y. */
static void declare_spec(walk_state *w, cg_gn spec, cg_gobinding_kind kind, uint32_t scope_start, uint32_t scope_end) {
    cg_gn values = cg_gn_field(spec, CG_GF_VALUE);
    uint32_t nnames = cg_gn_field_count(spec, CG_GF_NAME);
    cg_gn name;
    for (uint32_t i = 0; (name = cg_gn_field_at(spec, CG_GF_NAME, i)) != NULL; i++) {
        cg_gobinding *b = new_binding(w, name, kind, spec, scope_start, scope_end, cg_gn_end(spec));
        b->type_node = cg_gn_field(spec, CG_GF_TYPE);
        b->value = values ? value_for(values, nnames, i, &b->value_index) : NULL;
    }
}

/* switch v := x.(type): in a clause that names one type, v has that type;
 * in the others (several types, default) it has x's type. */
static void declare_type_switch(walk_state *w, cg_gn s) {
    cg_gn alias = cg_gn_child(cg_gn_field(s, CG_GF_ALIAS), 0);
    if (!cg_gn_is(alias, CG_GK_IDENTIFIER)) return;
    cg_gn guard = cg_gn_field(s, CG_GF_VALUE);
    for (uint32_t i = 0; i < cg_gn_count(s); i++) {
        cg_gn c = cg_gn_child(s, i);
        if (!cg_gn_is(c, CG_GK_TYPE_CASE) && !cg_gn_is(c, CG_GK_DEFAULT_CASE)) continue;
        /* The binding of the first clause takes the declaring identifier;
         * the others are found through the clause's scope only. */
        cg_gobinding *b = new_binding(w, alias, CG_BIND_TYPE_SWITCH, c, cg_gn_start(c), cg_gn_end(c), cg_gn_start(c));
        b->value = guard;
        if (cg_gn_field_count(c, CG_GF_TYPE) == 1) b->type_node = cg_gn_field(c, CG_GF_TYPE);
    }
}

static bool opens_scope(cg_gk kind) {
    return kind == CG_GK_BLOCK || kind == CG_GK_EXPRESSION_CASE || kind == CG_GK_DEFAULT_CASE ||
           kind == CG_GK_TYPE_CASE || kind == CG_GK_COMMUNICATION_CASE || kind == CG_GK_IF_STATEMENT ||
           kind == CG_GK_FOR_STATEMENT || kind == CG_GK_EXPRESSION_SWITCH_STATEMENT ||
           kind == CG_GK_TYPE_SWITCH_STATEMENT || kind == CG_GK_SELECT_STATEMENT;
}

static void walk(walk_state *w, cg_gn node, uint32_t scope_start, uint32_t scope_end) {
    if (!node) return;
    cg_gk kind = cg_gn_kind(node);
    uint32_t start = cg_gn_start(node), end = cg_gn_end(node);

    switch (kind) {
    case CG_GK_FUNC_LITERAL:
        declare_params(w, cg_gn_field(node, CG_GF_PARAMETERS), CG_BIND_PARAM, node);
        declare_params(w, cg_gn_field(node, CG_GF_RESULT), CG_BIND_RESULT, node);
        walk(w, cg_gn_field(node, CG_GF_BODY), start, end);
        return;
    case CG_GK_SHORT_VAR_DECLARATION:
        walk(w, cg_gn_field(node, CG_GF_RIGHT), scope_start, scope_end);
        declare_short(w, node, cg_gn_field(node, CG_GF_LEFT), cg_gn_field(node, CG_GF_RIGHT), CG_BIND_SHORT,
                      scope_start, scope_end, end);
        return;
    case CG_GK_RECEIVE_STATEMENT: /* in a select's communication case: the case's scope */
        walk(w, cg_gn_field(node, CG_GF_RIGHT), scope_start, scope_end);
        if (cg_gn_op(node) == CG_GOP_DEFINE) {
            declare_short(w, node, cg_gn_field(node, CG_GF_LEFT), cg_gn_field(node, CG_GF_RIGHT), CG_BIND_RECEIVE,
                          scope_start, scope_end, end);
        } else {
            cg_gn left = cg_gn_field(node, CG_GF_LEFT);
            for (uint32_t i = 0; i < cg_gn_count(left); i++)
                define(w, cg_gn_child(left, i), CG_DEF_ASSIGN, cg_gn_field(node, CG_GF_RIGHT), i, node);
            walk(w, left, scope_start, scope_end);
        }
        return;
    case CG_GK_RANGE_CLAUSE: {
        cg_gn left = cg_gn_field(node, CG_GF_LEFT);
        cg_gn right = cg_gn_field(node, CG_GF_RIGHT);
        walk(w, right, scope_start, scope_end);
        uint32_t nleft = cg_gn_count(left);
        for (uint32_t i = 0; i < nleft && i < 2; i++) {
            cg_gn target = cg_gn_child(left, i);
            if (cg_gn_op(node) == CG_GOP_DEFINE) {
                if (!cg_gn_is(target, CG_GK_IDENTIFIER)) continue;
                cg_gobinding *b = new_binding(w, target, i == 0 ? CG_BIND_RANGE_KEY : CG_BIND_RANGE_VALUE, node,
                                              scope_start, scope_end, end);
                b->value = right;
            } else {
                define(w, target, CG_DEF_RANGE, right, i, node);
            }
        }
        if (cg_gn_op(node) != CG_GOP_DEFINE) walk(w, left, scope_start, scope_end);
        return;
    }
    case CG_GK_VAR_SPEC:
    case CG_GK_CONST_SPEC:
        walk(w, cg_gn_field(node, CG_GF_VALUE), scope_start, scope_end);
        declare_spec(w, node, kind == CG_GK_VAR_SPEC ? CG_BIND_VAR : CG_BIND_CONST, scope_start, scope_end);
        return;
    case CG_GK_ASSIGNMENT_STATEMENT:
        walk_children(w, node, scope_start, scope_end);
        record_assignment(w, node);
        return;
    case CG_GK_INC_STATEMENT:
    case CG_GK_DEC_STATEMENT:
        walk_children(w, node, scope_start, scope_end);
        define(w, cg_gn_child(node, 0), CG_DEF_UPDATE, NULL, 0, node);
        return;
    case CG_GK_UNARY_EXPRESSION: {
        cg_gn operand = cg_go_addr_operand(node);
        /* &x, also &x.f and &x[i] of an array: x may change through the pointer. */
        while (cg_gn_is(operand, CG_GK_SELECTOR_EXPRESSION) || cg_gn_is(operand, CG_GK_INDEX_EXPRESSION))
            operand = cg_gn_unparen(cg_gn_field(operand, CG_GF_OPERAND));
        if (cg_gn_is(operand, CG_GK_IDENTIFIER)) {
            cg_gobinding *b = lookup_in(w->fn, cg_node_text(w->file, operand), start);
            if (b) b->address_taken = true;
        }
        break;
    }
    default: break;
    }
    if (opens_scope(kind)) {
        if (kind == CG_GK_TYPE_SWITCH_STATEMENT) declare_type_switch(w, node);
        walk_children(w, node, start, end);
        return;
    }
    walk_children(w, node, scope_start, scope_end);
}

static void collect_bindings(cg_gopkg *pkg, cg_gofunc *fn) {
    if (fn->bindings_done) return;
    fn->bindings_done = true;
    walk_state w = {pkg, fn, fn->file};
    cg_gn node = fn->node;
    if (cg_gn_is(node, CG_GK_METHOD_DECLARATION))
        declare_params(&w, cg_gn_field(node, CG_GF_RECEIVER), CG_BIND_RECEIVER, node);
    declare_params(&w, cg_gn_field(node, CG_GF_PARAMETERS), CG_BIND_PARAM, node);
    declare_params(&w, cg_gn_field(node, CG_GF_RESULT), CG_BIND_RESULT, node);
    walk(&w, cg_gn_field(node, CG_GF_BODY), cg_gn_start(node), cg_gn_end(node));
}

/* The top-level function containing node, without collecting its bindings. */
static cg_gofunc *find_func(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    /* funcs are grouped by file (in file order) and sorted by position within
     * a file, so a binary search on (file index, start byte) finds it. */
    size_t file_index = 0;
    while (file_index < pkg->files.len && pkg->files.items[file_index] != file) file_index++;
    uint32_t at = cg_gn_start(node);
    size_t lo = 0, hi = pkg->funcs.len;
    while (lo < hi) { /* first func that starts after `at` in this file or a later one */
        size_t mid = lo + (hi - lo) / 2;
        cg_gofunc *fn = pkg->funcs.items[mid];
        if (fn->file_index < file_index ||
            (fn->file_index == file_index && cg_gn_start(fn->node) <= at))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return NULL;
    cg_gofunc *fn = pkg->funcs.items[lo - 1];
    if (fn->file != file || at >= cg_gn_end(fn->node)) return NULL;
    return fn;
}

cg_gofunc *cg_gopkg_func_at(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    cg_gofunc *fn = find_func(pkg, file, node);
    if (fn) collect_bindings(pkg, fn);
    return fn;
}

cg_gn cg_gopkg_enclosing_func(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    cg_gofunc *fn = find_func(pkg, file, node);
    if (!fn || fn->node == node) return NULL;
    for (cg_gn p = cg_gn_parent(node); p; p = p->parent)
        if (cg_go_is_func(p)) return p;
    return NULL;
}

/* Marks an identifier that refers to no local in the resolved cache. */
static char no_binding;

cg_gobinding *cg_gopkg_binding(cg_gopkg *pkg, cg_gofile *file, cg_gn ident) {
    if (!cg_gn_is(ident, CG_GK_IDENTIFIER)) return NULL;
    cg_gofunc *fn = cg_gopkg_func_at(pkg, file, ident);
    if (!fn) return NULL;
    cg_gobinding *b = cg_ptrmap_get(&fn->declared, ident);
    if (b) return b;
    void *cached = cg_ptrmap_get(&fn->resolved, ident);
    if (cached) return cached == &no_binding ? NULL : cached;
    b = lookup_in(fn, cg_node_text(file, ident), cg_gn_start(ident));
    cg_ptrmap_put(&fn->resolved, ident, b ? (void *)b : &no_binding);
    return b;
}

bool cg_gopkg_declares(cg_gopkg *pkg, cg_gofile *file, cg_gn ident) {
    cg_gofunc *fn = cg_gn_is(ident, CG_GK_IDENTIFIER) ? cg_gopkg_func_at(pkg, file, ident) : NULL;
    return fn && cg_ptrmap_get(&fn->declared, ident) != NULL;
}

cg_gn cg_binding_single_value(const cg_gobinding *b) {
    if (b->kind != CG_BIND_SHORT && b->kind != CG_BIND_VAR) return NULL;
    if (b->value_index) return NULL;
    if (!b->value) {
        if (b->defs.len != 1) return NULL;
        const cg_godef *d = &b->defs.items[0];
        return d->kind == CG_DEF_ASSIGN && d->index == 0 && !cg_gn_is(d->stmt, CG_GK_RECEIVE_STATEMENT) ? d->value : NULL;
    }
    return b->defs.len == 0 ? b->value : NULL;
}

cg_gotype *cg_binding_type(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b) {
    if (b->type) return b->type;
    if (b->resolving) return cg_gotype_unknown(pkg);
    b->resolving = true;
    cg_gotype *t;
    if (b->type_node) {
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
    } else if (b->value) {
        t = cg_value_type(pkg, file, b->value, b->value_index);
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
