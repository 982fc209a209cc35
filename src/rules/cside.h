/*
 * cside.h: helpers shared by the rules whose primary evidence is a C
 * function summary (csummary.h): turning a summary's call chain into trace
 * notes (findings at a C location use cg_check_report_at), and finding the Go side of a C fact (the //export declaration a
 * chain ends in, the Go calls C.f that enter a C function).
 *
 * Rules call these from their check function only; nothing here keeps state
 * between packages.
 */
#ifndef CG_RULES_CSIDE_H
#define CG_RULES_CSIDE_H

#include "../cfront/csummary.h"
#include "check.h"

/* Adds one note per step of a summary trace: "f calls g" for every call
 * step, then "<last func>: <how>" (or `last` when given) for the final one.
 * Omitted middle steps are said in the note of the step before them. At
 * most max_notes notes are added (the last step is always kept). */
void cg_cside_note_trace(cg_check_ctx *ctx, cg_diag *diag, const cg_ctrace *trace, const char *last,
                         unsigned max_notes);

/* The location of the Go function declared with //export name; false when
 * the package has no such export. */
bool cg_cside_export_loc(cg_check_ctx *ctx, const char *name, cg_location *out);

/* The first Go call C.name(...) of the package (source order of the
 * index), or NULL. */
const cg_ccall *cg_cside_go_call_to(cg_check_ctx *ctx, const char *name);

/* The package's C function whose body contains loc (C functions do not
 * nest: the one with a body that starts last before loc in the same file),
 * or NULL. */
const cg_cfunc *cg_cside_cfunc_at(cg_check_ctx *ctx, cg_location loc);

/* Adds a note at the first Go call C.cfunc(...) of the package: "Go
 * function F calls C.cfunc, which <what>". Does nothing when cfunc is NULL
 * or Go never calls it directly. */
void cg_cside_note_go_entry(cg_check_ctx *ctx, cg_diag *diag, const char *cfunc, const char *what);

/* The Go function (by name, "F" or "T.M") containing a Go C call, or NULL. */
const char *cg_cside_go_caller(cg_check_ctx *ctx, const cg_ccall *call);

#endif /* CG_RULES_CSIDE_H */
