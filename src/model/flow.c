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

static bool is_func(TSNode n) {
    return cg_node_is(n, "function_declaration") || cg_node_is(n, "method_declaration") ||
           cg_node_is(n, "func_literal");
}

/* Nodes whose children are statements (after a case's value list). */
static bool is_list(TSNode n) {
    return cg_node_is(n, "block") || cg_node_is(n, "expression_case") || cg_node_is(n, "default_case") ||
           cg_node_is(n, "type_case") || cg_node_is(n, "communication_case");
}

static bool is_switch(TSNode n) {
    return cg_node_is(n, "expression_switch_statement") || cg_node_is(n, "type_switch_statement") ||
           cg_node_is(n, "select_statement");
}

static bool is_case(TSNode n) {
    return cg_node_is(n, "expression_case") || cg_node_is(n, "default_case") || cg_node_is(n, "type_case") ||
           cg_node_is(n, "communication_case");
}

/* A child of a case that is its label (value, type, communication), not a statement. */
static bool is_case_label(TSNode parent, uint32_t child_index) {
    if (!is_case(parent)) return false;
    const char *field = ts_node_field_name_for_child(parent, child_index);
    return field != NULL;
}

static result leaf(flow *f, TSNode n) {
    if (ts_node_is_null(n) || !f->visit) return R_FALLS;
    switch (f->visit(n, f->arg)) {
    case CG_FLOW_STOP: return R_STOPPED;
    case CG_FLOW_KILL: return R_ENDS;
    default: return R_FALLS;
    }
}

static result walk_stmt(flow *f, TSNode s);

/* The statements of a list node that start at or after byte `from` (0:
 * all). A cursor steps siblings in constant time (ts_node_child(n, i) is
 * linear in i), which keeps long function bodies linear. */
static result walk_list(flow *f, TSNode list, uint32_t from) {
    TSTreeCursor cur = ts_tree_cursor_new(list);
    result r = R_FALLS;
    for (bool more = ts_tree_cursor_goto_first_child(&cur); more && r == R_FALLS;
         more = ts_tree_cursor_goto_next_sibling(&cur)) {
        TSNode c = ts_tree_cursor_current_node(&cur);
        if (!ts_node_is_named(c) || ts_node_start_byte(c) < from || cg_node_is(c, "comment")) continue;
        /* A case's value/type/communication children are labels, not statements. */
        if (is_case(list) && ts_tree_cursor_current_field_name(&cur)) continue;
        r = walk_stmt(f, c);
    }
    ts_tree_cursor_delete(&cur);
    return r;
}

static result join(result a, result b) {
    if (a == R_STOPPED || b == R_STOPPED) return R_STOPPED;
    if (a == R_FALLS || b == R_FALLS) return R_FALLS;
    if (a == R_JUMPS || b == R_JUMPS) return R_JUMPS;
    return R_ENDS;
}

static bool is_panic_call(const flow *f, TSNode s) {
    if (!cg_node_is(s, "expression_statement")) return false;
    TSNode call = ts_node_named_child(s, 0);
    if (!cg_node_is(call, "call_expression")) return false;
    TSNode fn = cg_node_field(call, "function");
    return cg_node_is(fn, "identifier") && cg_node_text_eq(f->file, fn, "panic");
}

static result walk_if(flow *f, TSNode s) {
    result r = leaf(f, cg_node_field(s, "initializer"));
    if (r == R_FALLS) r = leaf(f, cg_node_field(s, "condition"));
    if (r != R_FALLS) return r == R_ENDS ? R_ENDS : r;
    result c = walk_stmt(f, cg_node_field(s, "consequence"));
    TSNode alt = cg_node_field(s, "alternative");
    result a = ts_node_is_null(alt) ? R_FALLS : walk_stmt(f, alt);
    return join(c, a);
}

static result walk_switch(flow *f, TSNode s) {
    bool has_default = false;
    result all = R_ENDS;
    uint32_t n = ts_node_named_child_count(s);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(s, i);
        if (!is_case(c)) {
            result r = leaf(f, c); /* initializer, value, alias */
            if (r != R_FALLS) return r;
            continue;
        }
        if (cg_node_is(c, "default_case")) has_default = true;
        uint32_t cn = ts_node_child_count(c);
        result r = R_FALLS;
        for (uint32_t j = 0; j < cn && r == R_FALLS; j++)
            if (is_case_label(c, j)) r = leaf(f, ts_node_child(c, j));
        if (r == R_FALLS) r = walk_list(f, c, 0);
        if (r == R_STOPPED) return R_STOPPED;
        if (r == R_JUMPS) r = R_FALLS; /* break leaves the switch (continue is approximated so) */
        all = join(all, r);
    }
    return has_default ? all : R_FALLS;
}

static result walk_stmt(flow *f, TSNode s) {
    if (cg_node_is(s, "block")) return walk_list(f, s, 0);
    if (cg_node_is(s, "if_statement")) return walk_if(f, s);
    if (cg_node_is(s, "for_statement")) {
        TSNode body = cg_node_field(s, "body");
        uint32_t n = ts_node_named_child_count(s);
        for (uint32_t i = 0; i < n; i++) {
            TSNode c = ts_node_named_child(s, i);
            if (ts_node_eq(c, body)) continue;
            result r = leaf(f, c);
            if (r == R_STOPPED) return r;
            if (r == R_ENDS) return R_ENDS;
        }
        return walk_stmt(f, body) == R_STOPPED ? R_STOPPED : R_FALLS;
    }
    if (is_switch(s)) return walk_switch(f, s);
    if (cg_node_is(s, "labeled_statement")) {
        uint32_t n = ts_node_named_child_count(s);
        return n ? walk_stmt(f, ts_node_named_child(s, n - 1)) : R_FALLS;
    }
    if (cg_node_is(s, "break_statement") || cg_node_is(s, "continue_statement") ||
        cg_node_is(s, "goto_statement"))
        return R_JUMPS;
    if (cg_node_is(s, "fallthrough_statement") || cg_node_is(s, "empty_statement")) return R_FALLS;
    result r = leaf(f, s);
    if (r != R_FALLS) return r;
    if (cg_node_is(s, "return_statement") || is_panic_call(f, s)) return R_ENDS;
    return R_FALLS;
}

TSNode cg_flow_statement(TSNode node) {
    TSNode cur = node;
    while (!ts_node_is_null(cur)) {
        TSNode parent = ts_node_parent(cur);
        if (ts_node_is_null(parent) || is_func(parent)) break;
        if (is_list(parent) && !cg_node_is(cur, "expression_list") && !cg_node_is(cur, "comment")) {
            /* A case label is not a statement: keep going up. (Cases are
             * short; blocks, which can be long, have no labels.) */
            bool label = false;
            if (is_case(parent)) {
                uint32_t n = ts_node_child_count(parent);
                for (uint32_t i = 0; i < n && !label; i++)
                    if (ts_node_eq(ts_node_child(parent, i), cur)) label = is_case_label(parent, i);
            }
            if (!label) return cur;
        }
        cur = parent;
    }
    return (TSNode){0};
}

bool cg_flow_after(const cg_gofile *file, TSNode from, cg_flow_fn visit, void *arg) {
    flow f = {file, visit, arg};
    bool jumping = false;
    TSNode cur = from;
    while (!ts_node_is_null(cur)) {
        TSNode parent = ts_node_parent(cur);
        if (ts_node_is_null(parent) || is_func(parent)) return true;
        if (is_list(parent) && !jumping) {
            result r = walk_list(&f, parent, ts_node_end_byte(cur));
            if (r == R_STOPPED) return false;
            if (r == R_ENDS) return true;
            if (r == R_JUMPS) jumping = true;
        } else if (cg_node_is(parent, "for_statement")) {
            /* The next iteration runs the whole body again, then the loop exits. */
            jumping = false;
            if (ts_node_eq(cur, cg_node_field(parent, "body")) && walk_stmt(&f, cur) == R_STOPPED) return false;
        } else if (is_switch(parent)) {
            jumping = false;
        }
        cur = parent;
    }
    return true;
}

bool cg_flow_terminates(const cg_gofile *file, TSNode stmt) {
    flow f = {file, NULL, NULL};
    return walk_stmt(&f, stmt) == R_ENDS;
}

cg_gobinding *cg_flow_binding(cg_gopkg *pkg, cg_gofile *file, TSNode ident) {
    if (!cg_node_is(ident, "identifier")) return NULL;
    cg_gofunc *fn = cg_gopkg_func_at(pkg, file, ident);
    for (size_t i = 0; fn && i < fn->bindings.len; i++)
        if (ts_node_eq(fn->bindings.items[i]->ident, ident)) return fn->bindings.items[i];
    return cg_gopkg_binding(pkg, file, ident);
}

uint32_t cg_flow_after_start(TSNode stmt) {
    uint32_t from = ts_node_end_byte(stmt);
    for (TSNode p = ts_node_parent(stmt); !ts_node_is_null(p) && !is_func(p); p = ts_node_parent(p))
        if (cg_node_is(p, "for_statement")) from = ts_node_start_byte(p);
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
