/*
 * cfront_internal.h: the model's private layout, shared by the files of the
 * C front-end only (cmodel.c stores and answers, cfront.c parses with
 * libclang, cfacts.c/csummary.c extract and combine function-body facts).
 * Nothing outside src/cfront includes this header; other stages use
 * cmodel.h and csummary.h.
 */
#ifndef CG_CFRONT_INTERNAL_H
#define CG_CFRONT_INTERNAL_H

#include "cmodel.h"

typedef struct cg_cfacts cg_cfacts; /* per-function body facts, see cfacts.h */

struct cg_cmodel {
    cg_arena arena;    /* every string, type and record the model hands out */
    cg_strmap funcs;   /* name -> cg_cfunc* */
    cg_strmap structs; /* tag -> cg_crecord* */
    cg_strmap unions;  /* tag -> cg_crecord* */
    cg_strmap enums;   /* tag -> its spelling "enum e" (enums only need to exist) */
    cg_strmap typedefs; /* name -> cg_ctypedef* */
    cg_strmap vars;     /* name -> cg_cvar* */
    cg_strmap paths;    /* interned file names -> arena copy */
    cg_strmap problem_keys; /* "file:line:col:msg" -> non-NULL, for de-duplication */
    /* Problems that stand for many occurrences (a missing header, functions
     * defined twice): group key -> cg_cproblem_group* (heap, owned here). */
    cg_strmap problem_groups;
    CG_VEC(cg_cproblem) problems;
    bool headers_missing; /* a header was not found: some names are unknown */
    CG_VEC(const cg_cfunc *) func_order; /* sorted by name after each parse */
    void *clang_index;                   /* CXIndex, created on first parse */
    /* Precompiled #include blocks (cfront.c): block key -> 1 when this
     * package may use the process-wide .pch, 2 when its directory shadows
     * one of the block's headers. */
    cg_strmap pch_blocks;

    /* Part 2: body facts of every function defined in the package, gathered
     * while its translation unit was alive; name -> cg_cfacts*. */
    cg_strmap facts;
    /* Summaries, valid after cg_cmodel_compute_summaries; name -> cg_csummary*. */
    cg_strmap summaries;
    bool summaries_ready;
    cg_strmap go_exports; /* the //export names given to the last computation */

    /* Every file the parser read (headers included), for result caching. */
    cg_strmap dependency_set;
    CG_VEC(const char *) dependencies;
};

/* Returns the arena copy of path (same pointer for equal strings). */
const char *cg_cmodel_intern_path(cg_cmodel *model, const char *path);

/* Records a problem unless an identical one (same place and text) exists. */
void cg_cmodel_add_problem(cg_cmodel *model, cg_location loc, cg_severity severity,
                           const char *message);

/* A header not found by one unit, at the #include in loc (chain: the
 * includers of loc's file, "" when loc is in the unit itself). One problem
 * per header for the whole package: the first place, how many other places
 * include it. Returns the header's group for cg_cmodel_missing_header_error. */
void *cg_cmodel_missing_header(cg_cmodel *model, const char *header, cg_location loc,
                               const char *chain);
/* A C error in a unit after a header of group went missing: its likely
 * consequence (unknown names, types and macros), counted, not listed. */
void cg_cmodel_missing_header_error(cg_cmodel *model, void *group);
/* A second body for function name at loc (first: the one analysed). One
 * problem for the package, naming a few of the functions. */
void cg_cmodel_second_body(cg_cmodel *model, const char *name, cg_location loc, cg_location first);

/* Rebuilds func_order after functions were added. */
void cg_cmodel_sort_funcs(cg_cmodel *model);

#endif /* CG_CFRONT_INTERNAL_H */
