/*
 * exporth.h: the _cgo_export.h that `go build` would generate for a package,
 * synthesized so that the package's .c files parse as they do under cgo.
 */
#ifndef CG_EXPORTH_H
#define CG_EXPORTH_H

#include "package.h"

/* Header text for the package's //export functions; caller frees. */
char *cg_export_header(cg_package *pkg);
/* The C spelling cgo uses for a Go type in exported signatures ("GoInt",
 * "GoString", "char*", "struct s", ...); arena string. */
const char *cg_export_c_type(cg_package *pkg, cg_gotype *type);

#endif
