/*
 * gopkg_internal.h: helpers shared by the files of the Go package model
 * (gopkg.c, goscope.c, goexpr.c); not for other stages.
 */
#ifndef CG_GOPKG_INTERNAL_H
#define CG_GOPKG_INTERNAL_H

#include "gopkg.h"

const char *cg_receiver_type_name(cg_gofile *file, cg_gn method);
cg_gotype *cg_gotype_new(cg_gopkg *pkg, cg_gotype_kind kind);
cg_gotype *cg_gotype_wrap(cg_gopkg *pkg, cg_gotype_kind kind, cg_gotype *elem);
cg_gotype *cg_gotype_unknown(cg_gopkg *pkg);
cg_gotype *cg_gotype_builtin(cg_gopkg *pkg, const char *name);
/* A FUNC type whose items are the results declared by `result`. */
cg_gotype *cg_func_type(cg_gopkg *pkg, cg_gofile *file, cg_gn result);
/* Type of a local binding, resolved lazily. */
cg_gotype *cg_binding_type(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b);
/* The type of the index-th value of a right-hand side (results of a call,
 * comma-ok forms). */
cg_gotype *cg_value_type(cg_gopkg *pkg, cg_gofile *file, cg_gn value, unsigned index);
/* The index-th member of a multi-value type, or the type itself for index 0. */
cg_gotype *cg_tuple_member(cg_gopkg *pkg, cg_gotype *t, unsigned index);

#endif
