/*
 * check.h: what a rule sees while it checks one package.
 *
 * The driver walks every Go file once and indexes the nodes rules subscribe
 * to (calls, C calls, assignments, composite literals, func literals,
 * returns, defers); rules iterate those lists and ask the model (gopkg.h for
 * Go types, cmodel.h for C facts, xlang.h for cross-language questions).
 * Findings go through cg_check_report; rules never print.
 */
#ifndef CG_CHECK_H
#define CG_CHECK_H

#include "../model/cmemory.h"
#include "../model/xlang.h"
#include "rule.h"

/* A node of a Go file, with the file it belongs to. */
typedef struct cg_noderef {
    cg_gofile *file;
    cg_gn node;
} cg_noderef;
typedef CG_VEC(cg_noderef) cg_nodevec;

/* A call C.name(args...) that is not a conversion to a C type. */
typedef struct cg_ccall {
    cg_gofile *file;
    cg_gn call;
    const char *name;      /* "keep" for C.keep(...) */
    cg_gn args;           /* argument_list */
    uint32_t arg_count;
    const cg_cfunc *cfunc; /* the C declaration, or NULL when the C side lacks it */
} cg_ccall;

typedef struct cg_facts {
    CG_VEC(cg_ccall) ccalls;
    cg_nodevec calls;       /* every call_expression (including C calls) */
    cg_nodevec assignments; /* assignment_statement */
    cg_nodevec short_vars;  /* short_var_declaration */
    cg_nodevec composites;  /* composite_literal */
    cg_nodevec func_literals;
    cg_nodevec defers; /* defer_statement */
} cg_facts;

typedef struct cg_check_options {
    unsigned go_minor;  /* the installed Go is 1.N (0: unknown) */
    const char *goroot; /* its GOROOT (NULL: unknown), see model/goroot.h */
} cg_check_options;

struct cg_check_ctx {
    cg_package *pkg;
    const cg_facts *facts;
    const cg_rule *rule; /* the rule running now */
    cg_diag_list *diags;
    const cg_check_options *opts;
    cg_cmem *cmem; /* shared C-memory index; use cg_check_cmem() */
};

/* Runs every rule over the package; problems become CG000 findings. */
void cg_check_package(cg_package *pkg, const cg_check_options *opts, cg_diag_list *diags);

/* ---- For rules ---- */

/* The location of a node (with its end). */
cg_location cg_check_loc(const cg_gofile *file, cg_gn node);
/* The location of the last byte of a node (the closing brace of a block). */
cg_location cg_check_loc_last_byte(const cg_gofile *file, cg_gn node);
/* Adds a finding of the running rule at node; returns it for notes/fix. */
cg_diag *cg_check_report(cg_check_ctx *ctx, const cg_gofile *file, cg_gn node, const char *fmt, ...)
    CG_PRINTF(4, 5);
/* The same at a location that is not a Go node (a C line of a preamble or
 * .c file, for the rules whose finding starts on the C side). */
cg_diag *cg_check_report_at(cg_check_ctx *ctx, cg_location loc, const char *fmt, ...) CG_PRINTF(3, 4);
/* Adds a `note:` (a step of the trace) to a finding. */
void cg_check_note(cg_check_ctx *ctx, cg_diag *diag, cg_location loc, const char *fmt, ...)
    CG_PRINTF(4, 5);
/* Sets the fix text of a finding. */
void cg_check_fix(cg_check_ctx *ctx, cg_diag *diag, const char *fmt, ...) CG_PRINTF(3, 4);

/* The package's C-memory index (cmemory.h), built on first use and shared by
 * every rule of the run. */
cg_cmem *cg_check_cmem(cg_check_ctx *ctx);

/* One call level up: for a parameter or the receiver of an unexported
 * top-level function or method, calls visit(file, call, arg, ctx_arg) for
 * every call of that function in the package, with the argument it passes
 * for the parameter (the operand x of x.M(...) for the receiver; NULL when
 * not a plain argument, e.g. variadic). Stops when visit returns false.
 * Returns false when the callers cannot be enumerated (an exported
 * function, called from outside the package; not a top-level function's
 * parameter), true otherwise (also with no caller at all). */
typedef bool (*cg_caller_fn)(cg_gofile *file, cg_gn call, cg_gn arg, void *arg_ctx);
bool cg_check_each_caller(cg_check_ctx *ctx, cg_gofile *file, const cg_gobinding *param, cg_caller_fn visit,
                          void *arg_ctx);

/* The argument nodes of a call, in order (up to max); returns the count. */
uint32_t cg_call_args(cg_gn call, cg_gn *out, uint32_t max);
/* Name of a C parameter for messages ("p" or "#1"). */
const char *cg_check_param_name(cg_check_ctx *ctx, const cg_cfunc *fn, uint32_t index);

#endif /* CG_CHECK_H */
