/*
 * scan.h: `cgoguard scan` as a library call: patterns in, a finished
 * diagnostic list out (discovery -> packages -> rules -> sink). The CLI and
 * the fixture runner both call this, so they see the same findings.
 */
#ifndef CG_SCAN_H
#define CG_SCAN_H

#include "../discover/discover.h"
#include "../rules/diag.h"

typedef struct cg_scan_options {
    cg_build_target target;
    bool include_vendor;
    size_t max_file_bytes; /* 0: the default (16 MiB) */
    unsigned go_minor;     /* installed Go 1.N; 0 when unknown */
    const char *goroot;    /* its GOROOT, for version-dependent facts; NULL when unknown */
    unsigned jobs;         /* packages analysed at once; 0: the number of CPUs */
    bool use_cache;        /* reuse the findings of unchanged packages (cache.h) */
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/cgoguard */
    bool progress;         /* packages done / total on stderr (the CLI asks when it is a tty) */
    /* Configuration (config.h): read each package's .cgoguard.yml (or the
     * one config_path names) and select rules with enable/disable
     * (selectors already validated). All off: every rule, no file read. */
    bool use_config;
    const char *config_path;
    const cg_strvec *enable, *disable;
} cg_scan_options;

typedef struct cg_scan_result {
    cg_diag_list *diags; /* finished: suppressions applied, sorted */
    size_t packages;     /* packages analysed */
    size_t go_files;
    size_t c_files;
    size_t cache_hits;   /* packages whose findings came from the cache */
    cg_strvec errors;    /* fatal problems with the input (nonexistent paths, ...) */
    cg_strvec notices;   /* not fatal: how packages were loaded when go list failed */
} cg_scan_result;

/* Never aborts on bad input: what cannot be read is reported in
 * result->errors (paths) or as CG000 findings (files), and the rest is
 * analysed. Packages are analysed on a pool of opts->jobs threads; the
 * finished list is the same whatever the number of jobs and whether the
 * cache was used. Free the result with cg_scan_result_free. */
void cg_scan(const char *const *patterns, size_t count, const cg_scan_options *opts,
             cg_scan_result *result);
/* The same for packages found otherwise (go list, go vet's config): takes
 * over *found (it is emptied) and reports its problems as errors. */
void cg_scan_discovered(cg_discovery *found, const cg_scan_options *opts, cg_scan_result *result);
void cg_scan_result_free(cg_scan_result *result);

/* The installed Go's minor version (26 for go1.26.x), by asking `go env
 * GOVERSION GOROOT`; 0 when no Go toolchain answers. When goroot is not
 * NULL it receives GOROOT (caller frees) or NULL. */
unsigned cg_installed_go(char **goroot);

#endif /* CG_SCAN_H */
