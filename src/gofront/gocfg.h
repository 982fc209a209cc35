/*
 * gocfg.h: the control-flow graph of one Go function, the one engine the
 * rules use for "what may run after this", "on every path", "can these two
 * both run" and path-by-path state (a C allocation live or freed, a handle
 * deleted).
 *
 * A graph is built once per function body (a declaration, a method or a
 * func literal: a literal's body is a graph of its own) and cached in the
 * package. Its steps are the simple statements and the parts of compound
 * statements that run on their own: an if or for condition, a for clause's
 * initializer and update, a range clause (each iteration), a switch tag and
 * each case's value list, a select's communications. Compound statements
 * are only edges between those. Every Go construct is modelled: branches,
 * loops, labelled break and continue, goto, fallthrough, switch and select
 * (a select without default waits for one of its cases), return, panic and
 * runtime.Goexit (they run the deferred calls), os.Exit and log.Fatal*
 * (nothing runs after them). A defer statement is a step where the call is
 * registered; the call runs at the exits. The two ways out of an if or for
 * condition start with a JOIN step that says which way it is, so that a
 * state can depend on the condition (`if p == nil { ... }`).
 *
 * The nodes of the steps never overlap, so cg_cfg_step_of finds the step of
 * any node of the function's own code by a binary search.
 */
#ifndef CG_GOCFG_H
#define CG_GOCFG_H

#include "gopkg.h"

typedef enum cg_step_kind {
    CG_STEP_ENTRY,      /* the function starts: parameters are bound */
    CG_STEP_EXIT,       /* the function returns normally, after its deferred calls */
    CG_STEP_PANIC_EXIT, /* it ends by a panic or runtime.Goexit, after its deferred calls */
    CG_STEP_STMT,       /* a simple statement (node: the statement) */
    CG_STEP_COND,       /* an if or for condition, a case's value list (node: the expression) */
    CG_STEP_HEADER,     /* a switch tag or type-switch guard, evaluated once (node: the expression) */
    CG_STEP_RANGE,      /* a range clause: before each iteration (node: the range_clause) */
    CG_STEP_DEFER,      /* a defer statement: the call is registered (node: the statement) */
    CG_STEP_RETURN,     /* a return statement (node: the statement) */
    CG_STEP_PANIC,      /* panic(...) or runtime.Goexit() (node: the statement) */
    CG_STEP_FATAL,      /* os.Exit, log.Fatal*: no successor (node: the statement) */
    CG_STEP_JOIN,       /* no code: a loop head, a case clause, a label, a select (node: NULL) */
} cg_step_kind;

typedef enum cg_branch {
    CG_BRANCH_NONE = 0,
    CG_BRANCH_TRUE,  /* a JOIN that starts what runs when the COND before it is true */
    CG_BRANCH_FALSE, /* ... when it is false */
} cg_branch;

typedef struct cg_step {
    cg_step_kind kind;
    cg_branch branch; /* JOIN steps after an if or for condition */
    cg_gn node;  /* see the kinds; NULL for ENTRY, EXIT, PANIC_EXIT and JOIN */
    cg_gn owner; /* the statement or clause the step belongs to (JOIN: the loop, clause, label or select) */
    uint32_t *succ, succ_count;
    uint32_t *pred, pred_count;
} cg_step;

typedef struct cg_cfg {
    cg_gn func; /* function_declaration, method_declaration or func_literal */
    cg_gofile *file;
    cg_step *steps;
    uint32_t count;
    uint32_t *by_position; /* ids of the steps with a node, by start byte */
    uint32_t positioned;
    uint32_t *defers; /* ids of the DEFER steps, in source order */
    uint32_t defer_count;
} cg_cfg;

enum { CG_CFG_ENTRY = 0, CG_CFG_EXIT = 1, CG_CFG_PANIC_EXIT = 2, CG_CFG_NONE = UINT32_MAX };

/* The graph of a function body (built on first use, owned by the package);
 * NULL when func is not a function with a body. */
const cg_cfg *cg_cfg_of(cg_gopkg *pkg, cg_gofile *file, cg_gn func);
/* The graph of the innermost function around node, or NULL. */
const cg_cfg *cg_cfg_around(cg_gopkg *pkg, cg_gofile *file, cg_gn node);

/* The step whose node contains `node` (the statement or header a node of
 * the function's own code is part of); CG_CFG_NONE for nodes outside it,
 * such as the body of a nested func literal. */
uint32_t cg_cfg_step_of(const cg_cfg *cfg, cg_gn node);

/* Is there a path that runs `to` after `from` (through at least one edge;
 * `from` reaches itself only through a loop)? */
bool cg_cfg_reaches(const cg_cfg *cfg, uint32_t from, uint32_t to);
/* Can a and b both run in one call of the function (one reaches the other)? */
bool cg_cfg_exclusive(const cg_cfg *cfg, uint32_t a, uint32_t b);
/* Can node a run before node b in one call of the function around b: a's
 * step reaches b's, or a ends before b in one step? Nodes that are not both
 * steps of that function (one is in a nested func literal, or outside it):
 * by position, a before b. */
bool cg_cfg_may_precede(cg_gopkg *pkg, cg_gofile *file, cg_gn a, cg_gn b);

/* Does every path from the entry to the normal exit pass through one of
 * the steps for which `pass` is true? */
bool cg_cfg_every_path(const cg_cfg *cfg, uint32_t from, bool (*pass)(const cg_cfg *cfg, uint32_t step, void *arg),
                       void *arg);

typedef enum cg_flow_action {
    CG_FLOW_CONTINUE, /* go on past this step */
    CG_FLOW_KILL,     /* the tracked state ends here: not past this step */
    CG_FLOW_STOP,     /* stop the whole walk */
} cg_flow_action;

/* Visits, once each, every step that may run after `from` (in no
 * particular order; `from` itself only when a loop leads back to it),
 * not going past a step for which the visitor says KILL. Returns false
 * when the visitor stopped the walk. */
bool cg_cfg_walk_after(const cg_cfg *cfg, uint32_t from,
                       cg_flow_action (*visit)(const cg_cfg *cfg, uint32_t step, void *arg), void *arg);

/* A forward may-analysis over small state sets (bits, joined by OR): the
 * state flowing out of `from` is `init`; each step turns its input into its
 * output through `transfer`, which must be monotone (more bits in, no
 * fewer out) and may return 0 to end the tracked state. Fills in[] and
 * out[] (cfg->count entries each, caller-allocated) with the fixed point;
 * in[CG_CFG_EXIT] is what reaches a normal return. */
typedef unsigned (*cg_cfg_transfer)(const cg_cfg *cfg, uint32_t step, unsigned in, void *arg);
void cg_cfg_forward(const cg_cfg *cfg, uint32_t from, unsigned init, cg_cfg_transfer transfer, void *arg,
                    unsigned *in, unsigned *out);

/* The same backwards: every step that may run before `from`. */
bool cg_cfg_walk_before(const cg_cfg *cfg, uint32_t from,
                        cg_flow_action (*visit)(const cg_cfg *cfg, uint32_t step, void *arg), void *arg);

/* The definitions of a local that may reach `at` (the value it may have
 * there), found walking back from at's step along the control flow. */
typedef enum cg_reach_kind {
    CG_REACH_INIT,    /* its declaration's initializer (b->value, b->value_index) */
    CG_REACH_ZERO,    /* its declaration without a value: the zero value */
    CG_REACH_DEF,     /* a later definition (def) */
    CG_REACH_ENTRY,   /* a parameter, receiver or result: the value the function got */
    CG_REACH_ADDRESS, /* &x was taken before (a call through the pointer may have changed it) */
    CG_REACH_UNKNOWN, /* declared outside the function (a closure's variable), or not a local of a graph */
} cg_reach_kind;

typedef struct cg_reach {
    cg_reach_kind kind;
    const cg_godef *def; /* CG_REACH_DEF */
    cg_gn at;            /* the statement that makes it (DEF, INIT, ZERO, ADDRESS), or NULL */
} cg_reach;

typedef CG_VEC(cg_reach) cg_reach_vec;

/* Appends the definitions of b that may reach `at` to out (each once). */
void cg_cfg_reaching_defs(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b, cg_gn at, cg_reach_vec *out);

/* The first byte of code that may run after `step`: the least start of the
 * steps it reaches (the end of its own node when it reaches none). With
 * cg_gofile_mentions, a cheap filter before a walk. */
uint32_t cg_cfg_later_code_start(const cg_cfg *cfg, uint32_t step);

/* Is the local read by code that may run after `at` (later in at's own
 * statement, in a step reached from it, or in a deferred call registered on
 * a path through it), before a plain assignment gives it a new value? A
 * local captured by a func literal, or declared outside the function around
 * `at`, counts as read (closures may run at any time): callers use this to
 * stay silent, so the unknown answers yes. */
bool cg_cfg_read_after(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b, cg_gn at);

/* For tests and `cgoguard dump-cfg`: the graph, one step a line. */
void cg_cfg_print(FILE *out, const cg_cfg *cfg);
const char *cg_step_kind_name(cg_step_kind kind);

#endif /* CG_GOCFG_H */
