/*
 * load.h: from command-line patterns to packages, asking the go command
 * where it can (golist.c) and walking directories where it cannot
 * (discover.h).
 *
 * With a go command that answers, a directory inside a module and an
 * import path ("example.com/m/...") are listed by `go list`, with the
 * target's GOOS/GOARCH and tags: exactly the files the build compiles, and
 * with deps, the cgo packages of the module's dependencies (the module
 * cache or vendor directory; not the standard library). Directories
 * outside any module, single files, and everything when no go command
 * answers, are walked. A directory given without "/..." that holds no cgo
 * package while some lie below it is a problem: "did you mean DIR/...?".
 */
#ifndef CG_LOAD_H
#define CG_LOAD_H

#include "discover.h"

typedef enum cg_loader {
    CG_LOAD_AUTO = 0, /* go list inside modules, the walk elsewhere */
    CG_LOAD_GO,       /* go list for every directory pattern */
    CG_LOAD_WALK,     /* never run the go command */
} cg_loader;

typedef struct cg_load_options {
    cg_build_target target;
    bool include_vendor; /* the walk only; go list decides vendoring itself */
    bool deps;           /* also the cgo packages the patterns depend on */
    cg_loader loader;
} cg_load_options;

/* Never fails as a whole: what cannot be loaded becomes a problem. */
void cg_load_packages(const char *const *patterns, size_t count, const cg_load_options *opts, cg_discovery *out);

/* Adds the "did you mean DIR/...?" problem for each directory (given
 * without "/...") that has no package in out but cgo packages below it. */
void cg_load_suggest_recursive(const char *const *dirs, size_t count, const cg_load_options *opts,
                               cg_discovery *out);
/* Sorts the packages by directory. */
void cg_load_sort(cg_discovery *found);

#endif /* CG_LOAD_H */
