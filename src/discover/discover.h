/*
 * discover.h: from command-line patterns to the cgo packages to analyse.
 *
 * Patterns work like the go tool's: "dir/..." walks the tree (skipping
 * testdata, vendor unless asked, and directories starting with "." or "_"),
 * "dir" is one package, "a.go b.go" is an ad-hoc package of those files.
 * Build constraints (file name suffixes, //go:build and // +build lines) are
 * evaluated for the target GOOS/GOARCH; excluded files are not analysed.
 * A package is kept when one of its Go files imports "C".
 */
#ifndef CG_DISCOVER_H
#define CG_DISCOVER_H

#include <stdbool.h>

#include "../base/base.h"

typedef struct cg_build_target {
    const char *goos;   /* "linux" */
    const char *goarch; /* "amd64" */
    const char *const *tags; /* extra tags from --tags */
    size_t tag_count;
    unsigned go_minor; /* go1.N tags are satisfied for N <= go_minor */
} cg_build_target;

typedef struct cg_pkg_files {
    char *dir;
    cg_strvec go_files; /* satisfy the constraints; no _test.go */
    cg_strvec c_files; /* .c files that satisfy the constraints */
    size_t excluded_count;   /* files left out by build constraints */
    /* Set by the driver from the go command and the package's config:
     * CGO_CPPFLAGS and CGO_CFLAGS as the build uses them (before the
     * package's #cgo flags), and CG012's thread API lists (config.h). */
    cg_strvec env_cflags;
    cg_strvec thread_error_api;
    cg_strvec thread_affine;
} cg_pkg_files;

typedef struct cg_discover_problem {
    char *path;
    char *message;
} cg_discover_problem;

typedef struct cg_discovery {
    CG_VEC(cg_pkg_files *) packages;    /* sorted by directory */
    CG_VEC(cg_discover_problem) problems; /* nonexistent paths, unreadable dirs */
    cg_strvec notices; /* not fatal: what the loader did instead (a failed go list walked) */
} cg_discovery;

typedef struct cg_discover_options {
    cg_build_target target;
    bool include_vendor;
} cg_discover_options;

/* Never fails as a whole: bad patterns become problems, the rest is found. */
void cg_discover(const char *const *patterns, size_t pattern_count, const cg_discover_options *opts,
                 cg_discovery *out);
void cg_discovery_free(cg_discovery *d);
void cg_pkg_files_free(cg_pkg_files *pkg); /* NULL is a no-op */

/* Evaluates a "// +build"-style line ("linux,amd64 !windows"): space = OR,
 * comma = AND, ! = NOT. #cgo directive conditions use the same syntax. */
bool cg_build_line_ok(const char *line, const cg_build_target *target);
/* Exposed for tests: does the file (name + contents) satisfy the target? */
bool cg_build_constraints_ok(const char *file_name, const char *contents,
                             const cg_build_target *target);
/* Evaluates one //go:build expression ("linux && (amd64 || arm64)"). Returns
 * -1 on a syntax error. */
int cg_build_expr_eval(const char *expr, const cg_build_target *target);

#endif /* CG_DISCOVER_H */
