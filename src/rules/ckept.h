/*
 * ckept.h: the Go half of the rules that check Go call sites against C
 * function summaries (csummary.h): CG005 (C keeps a Go pointer), CG016 (C
 * frees Go memory), CG018 (a #cgo noescape function keeps a pointer).
 *
 * They share one question: does this argument of C.f(...) hand the C
 * parameter a Go pointer? (Trace notes come from cside.h.)
 */
#ifndef CG_RULES_CKEPT_H
#define CG_RULES_CKEPT_H

#include "../cfront/csummary.h"
#include "../model/cmemory.h"
#include "check.h"

/* Does argument `index` of `call` give the C parameter a Go pointer? True
 * for pointers whose provenance is Go memory (&x, &s[0], new(T), composite
 * literals, through unsafe.Pointer and C pointer conversions) and for Go
 * strings that are not constants passed to a _GoString_ parameter. On true
 * *what gets a short description for messages (arena string). Unknown
 * provenance is false. `cm` is the rule's cmemory state (cg_cmem_new). */
bool cg_ckept_arg_is_go_pointer(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, uint32_t index,
                                cg_gn arg, const char **what);

/* The summary of the C function a Go call reaches (NULL: no body in the
 * package, or the declaration is unknown). */
const cg_csummary *cg_ckept_summary(cg_check_ctx *ctx, const cg_ccall *call);

/* "p" or "#2": a parameter name of the summarized function for messages. */
const char *cg_ckept_param_name(cg_check_ctx *ctx, const cg_csummary *s, size_t index);

/* Does parameter `index` of the C function outlive the Go call `call`
 * (whose arguments are args[0..n))? Yes when the summary keeps it, when it
 * is stored into the object another argument points to and that argument
 * is C memory, and (with count_returned) when it is returned. Returns the
 * trace that shows it and sets *how ("is stored in global or static
 * memory"); NULL otherwise. */
const cg_ctrace *cg_ckept_outlives(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s,
                                   uint32_t index, const cg_gn *args, uint32_t n, bool count_returned,
                                   const char **how);

/* Adds the note "C parameter 'p' (void *) of f receives it". */
void cg_ckept_note_param(cg_check_ctx *ctx, cg_diag *d, const cg_csummary *s, uint32_t index);

/* Calls fn for every Go call C.f(...) of the package whose C function has
 * a summary, with one cmemory state for the whole run. */
typedef void (*cg_ckept_call_fn)(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s);
void cg_ckept_each_call(cg_check_ctx *ctx, cg_ckept_call_fn fn);

#endif /* CG_RULES_CKEPT_H */
