/*
 * xlang.h: questions that need both languages at once.
 *
 * - What C type stands behind a Go expression of type C.xxx (a C struct, a
 *   field of one, the result of C.f())?
 * - Does memory of a given type hold pointers, and may those be Go pointers?
 * - Where does a pointer value come from: Go memory (&x, new, make, composite
 *   literals, []byte(s), parameters of Go pointer/slice types and range
 *   values over them) or C memory (C.malloc, C.CString, a C function's
 *   result)?
 *
 * Answers are three-valued: rules report on "yes" and stay silent on
 * "unknown", so a missing fact never produces a finding.
 */
#ifndef CG_XLANG_H
#define CG_XLANG_H

#include "package.h"

typedef enum cg_tristate { CG_NO = 0, CG_YES = 1, CG_MAYBE = 2 } cg_tristate;

typedef enum cg_origin {
    CG_ORIGIN_NONE = 0, /* nil, or not a pointer */
    CG_ORIGIN_GO,       /* points into Go memory */
    CG_ORIGIN_C,        /* points into C memory */
    CG_ORIGIN_UNKNOWN,  /* could be either, or mixed */
} cg_origin;

/* Resolves a CG_GT_C type (or pointer to one, through `elem`) to the C type.
 * Returns false when the C side does not know it. */
bool cg_x_ctype(cg_package *pkg, const cg_gotype *type, cg_ctype *out);

/* True when a call C.name(x) is a conversion to a C type (C.int(x)). */
bool cg_x_c_name_is_type(cg_package *pkg, const char *name);

/* Does a value of this type hold Go pointers by its type alone?
 * YES: map, slice, string, chan, func, interface, Go pointer types, and
 * structs/arrays holding them. NO: numbers, unsafe.Pointer-free C structs
 * without pointers. MAYBE: unsafe.Pointer, C pointers and C structs with
 * pointer fields (they may hold C or Go pointers), unknown types. */
cg_tristate cg_x_type_holds_pointers(cg_package *pkg, cg_gotype *type);

/* The names of the fields (Go or C) of a struct type that hold pointers,
 * comma-separated, for messages; "" when none. Arena string. */
const char *cg_x_pointer_fields(cg_package *pkg, cg_gotype *type);

/* Where a pointer-valued expression points. Follows conversions, unsafe
 * helpers, slicing, locals (all their assignments) and package variables. */
cg_origin cg_x_origin(cg_package *pkg, cg_gofile *file, cg_gn expr);

/* Strips conversions (unsafe.Pointer(x), (*T)(x), T(x)) and parentheses. */
cg_gn cg_x_strip_conversions(cg_package *pkg, cg_gofile *file, cg_gn expr);

/* When expr is &x, &x.f, &x[i] (through conversions), returns the operand of
 * the & and sets *kind to 'v' (whole variable or object), 'f' (a field) or
 * 'e' (an array/slice element). Otherwise returns a null node. */
cg_gn cg_x_address_of(cg_package *pkg, cg_gofile *file, cg_gn expr, char *kind);

/* Given a Go-memory pointer expression, does the pointed-to memory that
 * cgocheck inspects hold a Go pointer? Considers the static type, and for C
 * structs (whose pointer fields may hold C pointers) the values stored into
 * them: composite-literal elements and field assignments in the function.
 * *why receives a short description ("field p holds new(C.int)"); *stored
 * the stored Go pointer value when a store (not the type) decided, else a
 * null node. */
cg_tristate cg_x_pointee_holds_go_pointers(cg_package *pkg, cg_gofile *file, cg_gn expr,
                                           const char **why, cg_gn *stored);

/* Is the Go value named by `expr` pinned with runtime.Pinner.Pin in the
 * function that contains `at`? (Matches the argument text of .Pin calls.) */
bool cg_x_is_pinned(cg_package *pkg, cg_gofile *file, cg_gn at, cg_gn expr);

#endif /* CG_XLANG_H */
