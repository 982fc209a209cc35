/*
 * cmemory.h: where Go code writes into C memory, and which values carry Go
 * pointers when they are stored there or handed back to C.
 *
 * The runtime checks both directions only dynamically: with
 * GOEXPERIMENT=cgocheck2 every pointer write into non-Go memory goes through
 * runtime.cgoCheckPtrWrite, and results of //export functions go through
 * runtime.cgoCheckResult. These helpers answer the static side of the same
 * questions for the rules (CG002 stores, CG003 results, CG006 integers):
 *
 * - Is the memory an assignable Go expression denotes (*p, p.f, p[i], a C
 *   global) C memory? Yes only when the pointer it goes through is known to
 *   come from C (cg_x_origin says C, or it is a pointer field read out of C
 *   memory, or a C global of pointer type).
 * - Does a value carry a Go pointer the runtime would reject? Yes when it
 *   points into Go memory by provenance, or when it is of a kind whose
 *   non-nil values the Go runtime always allocates itself (string, slice,
 *   map, chan, closure, interface) and nothing shows it came from C or from
 *   static data (string literals, constants, top-level functions, nil).
 *
 * Answers are three-valued like xlang.h: rules report on CG_YES only.
 */
#ifndef CG_CMEMORY_H
#define CG_CMEMORY_H

#include "xlang.h"

/* The per-package state of these questions: the values stored into each
 * field of the package's Go struct types (composite literals and `x.f = v`
 * assignments, indexed in one walk on first use), so that a field such as
 * `img.c` whose every store is C.image_new(...) counts as C memory. Owns
 * only its index; the package must outlive it. */
typedef struct cg_cmem cg_cmem;
cg_cmem *cg_cmem_new(cg_package *pkg);
void cg_cmem_free(cg_cmem *cm); /* NULL is a no-op */

/* Origin of a pointer value, like cg_x_origin, except that parameters of
 * //export functions (and slices of them) are unknown rather than Go: the C
 * caller made them, usually from C memory. Plus C sources that
 * cg_x_origin leaves unknown: a C global variable of pointer type (C.gp), a
 * pointer-typed field read out of C memory (cp.next where cp is C), a field
 * of a Go struct type that only ever receives C pointers, and locals with a
 * single initializer of those. */
cg_origin cg_cmem_pointer_origin(cg_cmem *cm, cg_gofile *file, cg_gn expr);

/* When `lvalue` (the left side of an assignment, or a copy destination
 * element) denotes C memory, returns the expression that makes it so: the
 * pointer `p` of *p / p.f / p[i] whose origin is C, or the C global itself;
 * otherwise a null node. */
cg_gn cg_cmem_lvalue_base(cg_cmem *cm, cg_gofile *file, cg_gn lvalue);

/* The node that produced the value of `expr`: follows locals with a single
 * initializer and no later assignment (p := C.malloc(n) gives the call) and
 * strips conversions; returns expr itself when there is nothing to follow.
 * For notes that show where C memory or a Go pointer comes from. */
cg_gn cg_cmem_source(cg_package *pkg, cg_gofile *file, cg_gn expr);

/* When `expr` reads a field of a Go struct type whose stores all hold C
 * pointers, sets the first such store (file and value node) and returns
 * true; for notes ("Image.c is only ever set to C.image_new(...)"). */
bool cg_cmem_field_source(cg_cmem *cm, cg_gofile *file, cg_gn expr, cg_gofile **store_file,
                          cg_gn *store);

/* Does the value `value` hold a Go pointer (one the runtime checks would
 * reject unless pinned)? `type` is the static type the value is stored or
 * returned as (the assignment target's or the result's), used when the
 * value's own type is unknown (a call into another package); may be NULL.
 * On CG_YES *why gets a short arena explanation
 * ("new(C.int) points into Go memory") and *culprit the expression that
 * carries the Go pointer (value itself, or an element of a composite
 * literal). CG_NO for nil, literals, constants, numbers, C memory;
 * CG_MAYBE when provenance or type is unknown. */
cg_tristate cg_cmem_value_go_pointer(cg_cmem *cm, cg_gofile *file, cg_gn value,
                                     cg_gotype *type, const char **why, cg_gn *culprit);

#endif /* CG_CMEMORY_H */
