/*
 * flow.h: "what may run after this statement" on the syntax tree, for the
 * rules that track a state change along paths of one function (a C.free
 * followed by a use of an alias, a cgo.Handle deleted and used again).
 *
 * The walk follows the statements of the function in execution order as the
 * syntax shows it: the rest of the block, then the rest of each enclosing
 * block; both branches of an if; every case of a switch or select; a loop
 * body again for the next iteration when the start statement is inside the
 * loop. A `return` or a call to panic ends a path; break/continue/goto leave
 * the block and resume after the enclosing loop. The visitor sees the
 * simple statements and the header parts of compound statements (if
 * conditions, for clauses, switch values, case lists), each at most a few
 * times, never the compound statements as a whole, so a kill (the tracked
 * value reassigned) in one branch ends only that branch.
 *
 * This is a syntactic over-approximation of the control flow: a path the
 * walk follows may be infeasible (two ifs with the same condition), so a
 * rule that reports on it says "on some path".
 */
#ifndef CG_FLOW_H
#define CG_FLOW_H

#include "../gofront/gocfg.h"

typedef cg_flow_action (*cg_flow_fn)(cg_gn node, void *arg);

/* The statement that contains node and sits directly in a block or a case
 * (the unit the walk steps over); null when node is not in a function body. */
cg_gn cg_flow_statement(cg_gn node);

/* Calls visit on every statement (or header part) that may run after the
 * statement `from` in its function, stopping at the function boundary (a
 * func literal's body is its own function). Returns false when the visitor
 * stopped the walk. */
bool cg_flow_after(const cg_gofile *file, cg_gn from, cg_flow_fn visit, void *arg);

/* True when `stmt` ends every path through it (return, panic(...), or an
 * if/else whose branches all end). */
bool cg_flow_terminates(const cg_gofile *file, cg_gn stmt);

/* A cheap filter before a walk: the byte from which code that may run
 * after `stmt` is written (the start of the outermost loop around it in its
 * function, since a later iteration runs the loop body again; otherwise the
 * end of stmt), and whether the identifier `name` appears as a whole word
 * in the source between two bytes. */
uint32_t cg_flow_after_start(cg_gn stmt);
bool cg_flow_mentions(const cg_gofile *file, uint32_t from, uint32_t to, const char *name);

/* The local an identifier denotes, including the identifier that declares
 * it (x in `x := v` inside a loop, which a path walk must see as a new
 * value); NULL for package-level names and unknowns. */
cg_gobinding *cg_flow_binding(cg_gopkg *pkg, cg_gofile *file, cg_gn ident);

#endif /* CG_FLOW_H */
