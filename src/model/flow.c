/*
 * flow.c: the statement-order walk of flow.h.
 *
 * Each compound statement is walked by its own function, which reports how
 * control leaves it: it falls through to the next statement, it ends the
 * path (return, panic), it jumps (break, continue, goto: resume after the
 * enclosing loop), or the visitor stopped the walk. Going up from the start
 * statement then walks the rest of each enclosing block, and a loop body a
 * second time for the next iteration.
 */
#include "flow.h"

#include <ctype.h>
#include <string.h>

typedef enum result { R_FALLS, R_ENDS, R_JUMPS, R_STOPPED } result;

typedef struct flow {
    const cg_gofile *file;
    cg_flow_fn visit;
    void *arg;
} flow;

static bool is_func(cg_gn n) {
    return cg_gn_is(n, CG_GK_FUNCTION_DECLARATION) || cg_gn_is(n, CG_GK_METHOD_DECLARATION) ||
           cg_gn_is(n, CG_GK_FUNC_LITERAL);
}

/* Nodes whose children are statements (after a case's value list). */
static bool is_list(cg_gn n) {
    return cg_gn_is(n, CG_GK_BLOCK) || cg_gn_is(n, CG_GK_EXPRESSION_CASE) || cg_gn_is(n, CG_GK_DEFAULT_CASE) ||
           cg_gn_is(n, CG_GK_TYPE_CASE) || cg_gn_is(n, CG_GK_COMMUNICATION_CASE);
}

static bool is_switch(cg_gn n) {
    return cg_gn_is(n, CG_GK_EXPRESSION_SWITCH_STATEMENT) || cg_gn_is(n, CG_GK_TYPE_SWITCH_STATEMENT) ||
           cg_gn_is(n, CG_GK_SELECT_STATEMENT);
}

static bool is_case(cg_gn n) {
    return cg_gn_is(n, CG_GK_EXPRESSION_CASE) || cg_gn_is(n, CG_GK_DEFAULT_CASE) || cg_gn_is(n, CG_GK_TYPE_CASE) ||
           cg_gn_is(n, CG_GK_COMMUNICATION_CASE);
}

/* A child of a case that is its label (value, type, communication), not a statement. */
static bool is_case_label(cg_gn child) { return is_case(cg_gn_parent(child)) && child->field != CG_GF_NONE; }

static result leaf(flow *f, cg_gn n) {
    if (!n || !f->visit) return R_FALLS;
    switch (f->visit(n, f->arg)) {
    case CG_FLOW_STOP: return R_STOPPED;
    case CG_FLOW_KILL: return R_ENDS;
    default: return R_FALLS;
    }
}

static result walk_stmt(flow *f, cg_gn s);

/* The statements of a list node that start at or after byte `from` (0: all). */
static result walk_list(flow *f, cg_gn list, uint32_t from) {
    result r = R_FALLS;
    for (uint32_t i = 0; i < cg_gn_count(list) && r == R_FALLS; i++) {
        cg_gn c = cg_gn_child(list, i);
        if (c->start < from || is_case_label(c)) continue;
        r = walk_stmt(f, c);
    }
    return r;
}

static result join(result a, result b) {
    if (a == R_STOPPED || b == R_STOPPED) return R_STOPPED;
    if (a == R_FALLS || b == R_FALLS) return R_FALLS;
    if (a == R_JUMPS || b == R_JUMPS) return R_JUMPS;
    return R_ENDS;
}

static bool is_panic_call(const flow *f, cg_gn s) {
    if (!cg_gn_is(s, CG_GK_EXPRESSION_STATEMENT)) return false;
    cg_gn call = cg_gn_child(s, 0);
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return false;
    cg_gn fn = cg_gn_field(call, CG_GF_FUNCTION);
    return cg_gn_is(fn, CG_GK_IDENTIFIER) && cg_node_text_eq(f->file, fn, "panic");
}

static result walk_if(flow *f, cg_gn s) {
    result r = leaf(f, cg_gn_field(s, CG_GF_INITIALIZER));
    if (r == R_FALLS) r = leaf(f, cg_gn_field(s, CG_GF_CONDITION));
    if (r != R_FALLS) return r == R_ENDS ? R_ENDS : r;
    result c = walk_stmt(f, cg_gn_field(s, CG_GF_CONSEQUENCE));
    cg_gn alt = cg_gn_field(s, CG_GF_ALTERNATIVE);
    result a = !alt ? R_FALLS : walk_stmt(f, alt);
    return join(c, a);
}

static result walk_switch(flow *f, cg_gn s) {
    bool has_default = false;
    result all = R_ENDS;
    uint32_t n = cg_gn_count(s);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn c = cg_gn_child(s, i);
        if (!is_case(c)) {
            result r = leaf(f, c); /* initializer, value, alias */
            if (r != R_FALLS) return r;
            continue;
        }
        if (cg_gn_is(c, CG_GK_DEFAULT_CASE)) has_default = true;
        result r = R_FALLS;
        for (uint32_t j = 0; j < cg_gn_count(c) && r == R_FALLS; j++)
            if (is_case_label(cg_gn_child(c, j))) r = leaf(f, cg_gn_child(c, j));
        if (r == R_FALLS) r = walk_list(f, c, 0);
        if (r == R_STOPPED) return R_STOPPED;
        if (r == R_JUMPS) r = R_FALLS; /* break leaves the switch (continue is approximated so) */
        all = join(all, r);
    }
    return has_default ? all : R_FALLS;
}

static result walk_stmt(flow *f, cg_gn s) {
    if (cg_gn_is(s, CG_GK_BLOCK)) return walk_list(f, s, 0);
    if (cg_gn_is(s, CG_GK_IF_STATEMENT)) return walk_if(f, s);
    if (cg_gn_is(s, CG_GK_FOR_STATEMENT)) {
        cg_gn body = cg_gn_field(s, CG_GF_BODY);
        uint32_t n = cg_gn_count(s);
        for (uint32_t i = 0; i < n; i++) {
            cg_gn c = cg_gn_child(s, i);
            if (c == body) continue;
            result r = leaf(f, c);
            if (r == R_STOPPED) return r;
            if (r == R_ENDS) return R_ENDS;
        }
        return walk_stmt(f, body) == R_STOPPED ? R_STOPPED : R_FALLS;
    }
    if (is_switch(s)) return walk_switch(f, s);
    if (cg_gn_is(s, CG_GK_LABELED_STATEMENT)) {
        uint32_t n = cg_gn_count(s);
        return n ? walk_stmt(f, cg_gn_child(s, n - 1)) : R_FALLS;
    }
    if (cg_gn_is(s, CG_GK_BREAK_STATEMENT) || cg_gn_is(s, CG_GK_CONTINUE_STATEMENT) ||
        cg_gn_is(s, CG_GK_GOTO_STATEMENT))
        return R_JUMPS;
    if (cg_gn_is(s, CG_GK_FALLTHROUGH_STATEMENT) || cg_gn_is(s, CG_GK_EMPTY_STATEMENT)) return R_FALLS;
    result r = leaf(f, s);
    if (r != R_FALLS) return r;
    if (cg_gn_is(s, CG_GK_RETURN_STATEMENT) || is_panic_call(f, s)) return R_ENDS;
    return R_FALLS;
}

cg_gn cg_flow_statement(cg_gn node) {
    cg_gn cur = node;
    while (cur) {
        cg_gn parent = cg_gn_parent(cur);
        if (!parent || is_func(parent)) break;
        /* A case label is not a statement: keep going up. */
        if (is_list(parent) && !is_case_label(cur)) return cur;
        cur = parent;
    }
    return NULL;
}

bool cg_flow_after(const cg_gofile *file, cg_gn from, cg_flow_fn visit, void *arg) {
    flow f = {file, visit, arg};
    bool jumping = false;
    cg_gn cur = from;
    while (cur) {
        cg_gn parent = cg_gn_parent(cur);
        if (!parent || is_func(parent)) return true;
        if (is_list(parent) && !jumping) {
            result r = walk_list(&f, parent, cg_gn_end(cur));
            if (r == R_STOPPED) return false;
            if (r == R_ENDS) return true;
            if (r == R_JUMPS) jumping = true;
        } else if (cg_gn_is(parent, CG_GK_FOR_STATEMENT)) {
            /* The next iteration runs the whole body again, then the loop exits. */
            jumping = false;
            if ((cur) == (cg_gn_field(parent, CG_GF_BODY)) && walk_stmt(&f, cur) == R_STOPPED) return false;
        } else if (is_switch(parent)) {
            jumping = false;
        }
        cur = parent;
    }
    return true;
}

bool cg_flow_terminates(const cg_gofile *file, cg_gn stmt) {
    flow f = {file, NULL, NULL};
    return walk_stmt(&f, stmt) == R_ENDS;
}

cg_gobinding *cg_flow_binding(cg_gopkg *pkg, cg_gofile *file, cg_gn ident) {
    if (!cg_gn_is(ident, CG_GK_IDENTIFIER)) return NULL;
    cg_gofunc *fn = cg_gopkg_func_at(pkg, file, ident);
    for (size_t i = 0; fn && i < fn->bindings.len; i++)
        if (fn->bindings.items[i]->ident == ident) return fn->bindings.items[i];
    return cg_gopkg_binding(pkg, file, ident);
}

uint32_t cg_flow_after_start(cg_gn stmt) {
    uint32_t from = cg_gn_end(stmt);
    for (cg_gn p = cg_gn_parent(stmt); p && !is_func(p); p = cg_gn_parent(p))
        if (cg_gn_is(p, CG_GK_FOR_STATEMENT)) from = cg_gn_start(p);
    return from;
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

bool cg_flow_mentions(const cg_gofile *file, uint32_t from, uint32_t to, const char *name) {
    size_t n = strlen(name);
    if (!n || to > file->source_len || from >= to || to - from < n) return false;
    const char *s = file->source, *p = s + from, *end = s + to - n;
    while (p <= end && (p = memchr(p, name[0], (size_t)(end - p) + 1)) != NULL) {
        if (memcmp(p, name, n) == 0 && (p == s || !ident_char(p[-1])) && (p + n == s + file->source_len || !ident_char(p[n])))
            return true;
        p++;
    }
    return false;
}
