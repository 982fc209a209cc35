/*
 * goast.c: names and accessors of the Go syntax tree (see goast.h). The
 * lowering from tree-sitter lives in gofile.c, next to the parse.
 */
#include "goast.h"

#include <stddef.h>

static const char *const kind_names[CG_GK_COUNT] = {
    [CG_GK_NONE] = "(null)",
    [CG_GK_OTHER] = "other",
    [CG_GK_ERROR] = "ERROR",
#define CG_GK(id, name) [CG_GK_##id] = name,
#include "gokinds.def"
#undef CG_GK
};

static const char *const field_names[CG_GF_COUNT] = {
    [CG_GF_NONE] = "",
#define CG_GF(id, name) [CG_GF_##id] = name,
#include "gofields.def"
#undef CG_GF
};

static const char *const op_names[] = {
    [CG_GOP_NONE] = "",     [CG_GOP_AMP] = "&",       [CG_GOP_STAR] = "*",      [CG_GOP_PLUS] = "+",
    [CG_GOP_MINUS] = "-",   [CG_GOP_NOT] = "!",       [CG_GOP_XOR] = "^",       [CG_GOP_ARROW] = "<-",
    [CG_GOP_SLASH] = "/",   [CG_GOP_PERCENT] = "%",   [CG_GOP_SHL] = "<<",      [CG_GOP_SHR] = ">>",
    [CG_GOP_AND_NOT] = "&^", [CG_GOP_OR] = "|",       [CG_GOP_EQ] = "==",       [CG_GOP_NE] = "!=",
    [CG_GOP_LT] = "<",      [CG_GOP_LE] = "<=",       [CG_GOP_GT] = ">",        [CG_GOP_GE] = ">=",
    [CG_GOP_ANDAND] = "&&", [CG_GOP_OROR] = "||",     [CG_GOP_ASSIGN] = "=",    [CG_GOP_DEFINE] = ":=",
    [CG_GOP_OP_ASSIGN] = "op=", [CG_GOP_INC] = "++",  [CG_GOP_DEC] = "--",      [CG_GOP_CHAN_SEND] = "chan<-",
    [CG_GOP_CHAN_RECV] = "<-chan",
};

const char *cg_gk_name(cg_gk kind) {
    return (unsigned)kind < CG_GK_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

const char *cg_gfield_name(cg_gfield field) {
    return (unsigned)field < CG_GF_COUNT && field_names[field] ? field_names[field] : "?";
}

const char *cg_gop_name(cg_gop op) {
    return (size_t)op < sizeof op_names / sizeof op_names[0] && op_names[op] ? op_names[op] : "?";
}

cg_gn cg_gn_field(cg_gn n, cg_gfield field) { return cg_gn_field_at(n, field, 0); }

cg_gn cg_gn_field_at(cg_gn n, cg_gfield field, uint32_t index) {
    for (uint32_t i = 0; i < cg_gn_count(n); i++)
        if (n->children[i].field == field && index-- == 0) return &n->children[i];
    return NULL;
}

uint32_t cg_gn_field_count(cg_gn n, cg_gfield field) {
    uint32_t count = 0;
    for (uint32_t i = 0; i < cg_gn_count(n); i++) count += n->children[i].field == field;
    return count;
}

cg_gn cg_gn_child_of_kind(cg_gn n, cg_gk kind) {
    for (uint32_t i = 0; i < cg_gn_count(n); i++)
        if (n->children[i].kind == kind) return &n->children[i];
    return NULL;
}

cg_gn cg_gn_unparen(cg_gn n) {
    while (cg_gn_is(n, CG_GK_PARENTHESIZED_EXPRESSION) || cg_gn_is(n, CG_GK_PARENTHESIZED_TYPE)) {
        cg_gn inner = cg_gn_child(n, 0);
        if (!inner) break;
        n = inner;
    }
    return n;
}

cg_gn cg_lvalue_root(cg_gn expr) {
    for (int i = 0; i < 16; i++) {
        expr = cg_gn_unparen(expr);
        cg_gk k = cg_gn_kind(expr);
        if (k == CG_GK_INDEX_EXPRESSION || k == CG_GK_SELECTOR_EXPRESSION || k == CG_GK_SLICE_EXPRESSION ||
            k == CG_GK_UNARY_EXPRESSION)
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        else
            break;
    }
    return expr;
}

bool cg_walk(cg_gn root, cg_walk_fn visit, void *arg) {
    if (!root) return true;
    cg_gn n = root;
    for (;;) {
        cg_walk_action action = visit(n, arg);
        if (action == CG_WALK_STOP) return false;
        if (action == CG_WALK_CONTINUE && n->child_count) {
            n = &n->children[0];
            continue;
        }
        /* Next sibling, or the next sibling of the nearest ancestor below root. */
        while (n != root && !cg_gn_next(n)) n = n->parent;
        if (n == root) return true;
        n = cg_gn_next(n);
    }
}
