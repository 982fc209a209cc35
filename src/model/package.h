/*
 * package.h: the cross-language model of one cgo package.
 *
 * Built from discovery's file lists: every Go file parsed (gofront), the
 * package's declarations indexed, the #cgo CFLAGS/CPPFLAGS collected (with
 * ${SRCDIR} and pkg-config expanded), a virtual _cgo_export.h synthesized
 * from the //export functions, and every preamble and .c file parsed
 * (cfront). Links: C functions by name (C.f call sites to their C
 * declarations), exported Go functions by name. Problems met on the way
 * (unreadable files, syntax errors, missing headers) are kept as data.
 */
#ifndef CG_PACKAGE_H
#define CG_PACKAGE_H

#include "../cfront/cmodel.h"
#include "../discover/discover.h"
#include "../gofront/gopkg.h"

typedef struct cg_problem {
    cg_location loc;
    cg_severity severity;
    const char *message;
} cg_problem;

typedef struct cg_export_link {
    const char *name; /* C name */
    cg_gofile *file;
    const cg_go_export *export;
} cg_export_link;

typedef struct cg_package_options {
    cg_build_target target;
    size_t max_file_bytes; /* larger files are skipped with a note */
    unsigned go_minor;     /* installed Go 1.N, for rules whose facts changed */
    bool go_only;          /* parse no C code (the fuzzers exercise the Go side alone) */
} cg_package_options;

typedef struct cg_package {
    const char *dir;
    cg_gopkg *go;
    cg_cmodel *c;
    CG_VEC(cg_problem) problems;
    CG_VEC(cg_export_link) exports;
    cg_strvec cflags; /* the effective CFLAGS + CPPFLAGS */
    cg_strmap noescape;   /* C function names marked #cgo noescape */
    cg_strmap nocallback; /* ... #cgo nocallback */
    /* Go types that the package's code lays over C memory ((*T)(p) for a
     * pointer p that is not Go memory): indexed on first use (xlang.c). */
    cg_strmap c_backed_types;
    bool c_backed_indexed;
    const cg_package_options *opts;
    cg_arena arena;
} cg_package;

/* Never fails as a whole: what cannot be read or parsed becomes a problem. */
cg_package *cg_package_build(const cg_pkg_files *files, const cg_package_options *opts);
void cg_package_free(cg_package *pkg); /* NULL is a no-op */

const cg_export_link *cg_package_export(const cg_package *pkg, const char *name);

#endif /* CG_PACKAGE_H */
