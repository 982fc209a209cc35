/*
 * goast.h: the Go syntax tree every later stage reads.
 *
 * tree-sitter-go parses a file; gofile.c lowers its tree once into this one
 * and frees it. The lowered tree keeps the named nodes (comments apart),
 * with their kind as an enum (gokinds.def), the field of the parent each
 * one fills (gofields.def), the operator token of operator nodes as an enum,
 * byte and line/column ranges, a parent link and the children in one
 * contiguous array. So a misspelled kind or field is a compile error
 * instead of a rule that silently never fires, the parent of a node costs a
 * load instead of a search from the root, and no stage after the Go
 * front-end depends on tree-sitter.
 *
 * A node is handled through cg_gn, a pointer to a const node; NULL is the
 * null node, and every accessor here accepts it (returning NULL, 0 or
 * CG_GK_NONE), because broken code hands the stages missing children.
 * Nodes live as long as their file (cg_gofile_free).
 */
#ifndef CG_GOAST_H
#define CG_GOAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cg_gk {
    CG_GK_NONE = 0, /* the null node */
    CG_GK_OTHER,    /* a grammar node this model does not name */
    CG_GK_ERROR,    /* a syntax error the parser recovered from */
#define CG_GK(id, name) CG_GK_##id,
#include "gokinds.def"
#undef CG_GK
    CG_GK_COUNT
} cg_gk;

typedef enum cg_gfield {
    CG_GF_NONE = 0,
#define CG_GF(id, name) CG_GF_##id,
#include "gofields.def"
#undef CG_GF
    CG_GF_COUNT
} cg_gfield;

/* Operator tokens: of unary, binary, assignment, inc/dec statements, and
 * the `:=` of a range clause; channel types record their direction. */
typedef enum cg_gop {
    CG_GOP_NONE = 0,
    CG_GOP_AMP,      /* &  */
    CG_GOP_STAR,     /* *  */
    CG_GOP_PLUS,     /* +  */
    CG_GOP_MINUS,    /* -  */
    CG_GOP_NOT,      /* !  */
    CG_GOP_XOR,      /* ^  */
    CG_GOP_ARROW,    /* <- */
    CG_GOP_SLASH,    /* /  */
    CG_GOP_PERCENT,  /* %  */
    CG_GOP_SHL,      /* << */
    CG_GOP_SHR,      /* >> */
    CG_GOP_AND_NOT,  /* &^ */
    CG_GOP_OR,       /* |  */
    CG_GOP_EQ,       /* == */
    CG_GOP_NE,       /* != */
    CG_GOP_LT,       /* <  */
    CG_GOP_LE,       /* <= */
    CG_GOP_GT,       /* >  */
    CG_GOP_GE,       /* >= */
    CG_GOP_ANDAND,   /* && */
    CG_GOP_OROR,     /* || */
    CG_GOP_ASSIGN,   /* =  */
    CG_GOP_DEFINE,   /* := */
    CG_GOP_OP_ASSIGN,/* +=, -=, |=, ... (the arithmetic is not needed) */
    CG_GOP_INC,      /* ++ */
    CG_GOP_DEC,      /* -- */
    CG_GOP_CHAN_SEND,/* chan<- T */
    CG_GOP_CHAN_RECV,/* <-chan T */
} cg_gop;

typedef const struct cg_gnode *cg_gn;

struct cg_gnode {
    uint16_t kind;  /* cg_gk */
    uint8_t field;  /* cg_gfield: the field of the parent this node fills */
    uint8_t op;     /* cg_gop */
    uint32_t child_count;
    uint32_t start, end;           /* bytes */
    uint32_t line, column;         /* 1-based; column in bytes */
    uint32_t end_line, end_column; /* 1-based; the column after the last byte */
    uint32_t index;                /* position among the parent's children */
    cg_gn parent;
    cg_gn children; /* child_count consecutive nodes */
};

static inline cg_gk cg_gn_kind(cg_gn n) { return n ? (cg_gk)n->kind : CG_GK_NONE; }
static inline bool cg_gn_is(cg_gn n, cg_gk kind) { return n && n->kind == kind; }
static inline cg_gop cg_gn_op(cg_gn n) { return n ? (cg_gop)n->op : CG_GOP_NONE; }
static inline cg_gn cg_gn_parent(cg_gn n) { return n ? n->parent : NULL; }
static inline uint32_t cg_gn_count(cg_gn n) { return n ? n->child_count : 0; }
static inline cg_gn cg_gn_child(cg_gn n, uint32_t i) {
    return n && i < n->child_count ? &n->children[i] : NULL;
}
static inline uint32_t cg_gn_start(cg_gn n) { return n ? n->start : 0; }
static inline uint32_t cg_gn_end(cg_gn n) { return n ? n->end : 0; }
static inline unsigned cg_gn_line(cg_gn n) { return n ? n->line : 0; }
static inline unsigned cg_gn_column(cg_gn n) { return n ? n->column : 0; }
/* The next and previous sibling, or NULL. */
static inline cg_gn cg_gn_next(cg_gn n) {
    return n && n->parent && n->index + 1 < n->parent->child_count ? n + 1 : NULL;
}
static inline cg_gn cg_gn_prev(cg_gn n) { return n && n->parent && n->index > 0 ? n - 1 : NULL; }
/* True when inner lies within outer (or is it). */
static inline bool cg_gn_within(cg_gn inner, cg_gn outer) {
    return inner && outer && inner->start >= outer->start && inner->end <= outer->end;
}

/* The first child that fills `field`, or NULL. */
cg_gn cg_gn_field(cg_gn n, cg_gfield field);
/* The index-th child that fills `field` (repeated fields: the names of
 * `a, b int`, the types of `case A, B:`), or NULL. */
cg_gn cg_gn_field_at(cg_gn n, cg_gfield field, uint32_t index);
uint32_t cg_gn_field_count(cg_gn n, cg_gfield field);
/* The first child of a kind, or NULL. */
cg_gn cg_gn_child_of_kind(cg_gn n, cg_gk kind);
/* Skips parenthesized expressions and types. */
cg_gn cg_gn_unparen(cg_gn n);

/* The variable at the root of x.f, x[i], x[a:b], *x chains (through
 * parentheses): the identifier x, or whatever non-chain node ends it. */
cg_gn cg_lvalue_root(cg_gn expr);

/* Names, for messages and `cgoguard dump-tree`. */
const char *cg_gk_name(cg_gk kind);
const char *cg_gfield_name(cg_gfield field);
const char *cg_gop_name(cg_gop op);

/* ---- Typed accessors: what each expression kind is made of. ---- */

/* call_expression: f(args) */
static inline cg_gn cg_go_call_func(cg_gn call) { return cg_gn_field(call, CG_GF_FUNCTION); }
static inline cg_gn cg_go_call_args(cg_gn call) { return cg_gn_field(call, CG_GF_ARGUMENTS); }
static inline uint32_t cg_go_call_argc(cg_gn call) { return cg_gn_count(cg_go_call_args(call)); }
static inline cg_gn cg_go_call_arg(cg_gn call, uint32_t i) { return cg_gn_child(cg_go_call_args(call), i); }
/* unary_expression, binary_expression */
static inline cg_gn cg_go_operand(cg_gn n) { return cg_gn_field(n, CG_GF_OPERAND); }
static inline cg_gn cg_go_left(cg_gn n) { return cg_gn_field(n, CG_GF_LEFT); }
static inline cg_gn cg_go_right(cg_gn n) { return cg_gn_field(n, CG_GF_RIGHT); }
/* &x: the operand x (parentheses stripped), or NULL when n is not &x. */
static inline cg_gn cg_go_addr_operand(cg_gn n) {
    return cg_gn_is(n, CG_GK_UNARY_EXPRESSION) && n->op == CG_GOP_AMP ? cg_gn_unparen(cg_go_operand(n)) : NULL;
}
/* *p: the operand p, or NULL when n is not a dereference. */
static inline cg_gn cg_go_deref_operand(cg_gn n) {
    return cg_gn_is(n, CG_GK_UNARY_EXPRESSION) && n->op == CG_GOP_STAR ? cg_gn_unparen(cg_go_operand(n)) : NULL;
}
/* selector_expression x.f: operand x, field f */
static inline cg_gn cg_go_sel_operand(cg_gn n) { return cg_gn_field(n, CG_GF_OPERAND); }
static inline cg_gn cg_go_sel_field(cg_gn n) { return cg_gn_field(n, CG_GF_FIELD); }
/* index_expression x[i], slice_expression x[a:b:c] */
static inline cg_gn cg_go_index_operand(cg_gn n) { return cg_gn_field(n, CG_GF_OPERAND); }
static inline cg_gn cg_go_index_index(cg_gn n) { return cg_gn_field(n, CG_GF_INDEX); }
/* composite_literal T{...}: its type and literal_value body */
static inline cg_gn cg_go_lit_type(cg_gn n) { return cg_gn_field(n, CG_GF_TYPE); }
static inline cg_gn cg_go_lit_body(cg_gn n) { return cg_gn_field(n, CG_GF_BODY); }
/* function_declaration, method_declaration, func_literal */
static inline cg_gn cg_go_func_body(cg_gn n) { return cg_gn_field(n, CG_GF_BODY); }
static inline cg_gn cg_go_func_params(cg_gn n) { return cg_gn_field(n, CG_GF_PARAMETERS); }
static inline cg_gn cg_go_func_result(cg_gn n) { return cg_gn_field(n, CG_GF_RESULT); }
static inline bool cg_go_is_func(cg_gn n) {
    cg_gk k = cg_gn_kind(n);
    return k == CG_GK_FUNCTION_DECLARATION || k == CG_GK_METHOD_DECLARATION || k == CG_GK_FUNC_LITERAL;
}

/* Pre-order walk of the subtree at root. The visitor returns what to do next. */
typedef enum cg_walk_action { CG_WALK_CONTINUE, CG_WALK_SKIP_CHILDREN, CG_WALK_STOP } cg_walk_action;
typedef cg_walk_action (*cg_walk_fn)(cg_gn node, void *arg);
/* Returns false when the visitor stopped the walk. Not recursive. */
bool cg_walk(cg_gn root, cg_walk_fn visit, void *arg);

#endif /* CG_GOAST_H */
