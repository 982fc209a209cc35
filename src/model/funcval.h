/*
 * funcval.h: where a pointer-valued Go expression is really a Go func value
 * (or its code pointer), and where a Go value of a runtime-managed kind (map,
 * chan, interface, func) is reinterpreted through unsafe.
 *
 * Both questions are shared by several rules: CG007 reports Go funcs that
 * reach C, CG001 leaves those to CG007, CG014 reports unsafe views of the
 * runtime's own layouts. Answers are yes/no by syntax plus the package's
 * types; an unknown type is never a "yes".
 */
#ifndef CG_FUNCVAL_H
#define CG_FUNCVAL_H

#include "xlang.h"

/* True when the type (after names) is known to be a Go func type. */
bool cg_x_is_func_type(cg_package *pkg, cg_gotype *type);

/* True when expr denotes a Go func value: a func literal, an expression of
 * func type, a function or method declared in the package, or a method
 * value x.M of a package type. */
bool cg_x_is_func_value(cg_package *pkg, cg_gofile *file, cg_gn expr);

/* When expr, through conversions (unsafe.Pointer, *[0]byte, C types),
 * dereferences of such conversions (*(*unsafe.Pointer)(unsafe.Pointer(&f))),
 * reflect.ValueOf(f).Pointer() / .UnsafePointer() and up to four single
 * initializers of locals (p := unsafe.Pointer(&f)), yields a pointer to a Go
 * func value or the code/closure pointer of one, returns the node of the func
 * value and sets *how to a short description for messages (arena string)
 * and *code (when non-NULL) to true for a code or closure pointer (what C
 * would call) and false for the address of a func variable. Otherwise
 * returns a null node. */
cg_gn cg_x_go_func_source(cg_package *pkg, cg_gofile *file, cg_gn expr, const char **how, bool *code);

#endif /* CG_FUNCVAL_H */
