/*
 * scan.c: runs the pipeline for `cgoguard scan` (see scan.h).
 */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/package.h"
#include "../report/report.h"
#include "../rules/check.h"

enum { DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024 };

void cg_scan(const char *const *patterns, size_t count, const cg_scan_options *opts,
             cg_scan_result *result) {
    memset(result, 0, sizeof(*result));
    result->diags = cg_diag_list_new();

    cg_discover_options dopts = {opts->target, opts->include_vendor};
    cg_discovery found;
    cg_discover(patterns, count, &dopts, &found);
    for (size_t i = 0; i < found.problems.len; i++)
        cg_vec_push(&result->errors, cg_xasprintf("%s: %s", found.problems.items[i].path,
                                                  found.problems.items[i].message));

    cg_package_options popts = {opts->target,
                                opts->max_file_bytes ? opts->max_file_bytes : DEFAULT_MAX_FILE_BYTES,
                                opts->go_minor};
    cg_check_options copts = {opts->go_minor};
    cg_strvec analysed = {0};
    for (size_t i = 0; i < found.packages.len; i++) {
        const cg_pkg_files *files = found.packages.items[i];
        cg_package *pkg = cg_package_build(files, &popts);
        cg_check_package(pkg, &copts, result->diags);
        result->packages++;
        result->go_files += files->go_files.len;
        result->c_files += files->c_files.len;
        for (size_t f = 0; f < files->go_files.len; f++) cg_vec_push(&analysed, cg_xstrdup(files->go_files.items[f]));
        for (size_t f = 0; f < files->c_files.len; f++) cg_vec_push(&analysed, cg_xstrdup(files->c_files.items[f]));
        cg_package_free(pkg);
    }
    cg_sink_options sopts = {(const char *const *)analysed.items, analysed.len, popts.max_file_bytes};
    cg_sink_finish(result->diags, &sopts);
    cg_strvec_free(&analysed);
    cg_discovery_free(&found);
}

void cg_scan_result_free(cg_scan_result *result) {
    cg_diag_list_free(result->diags);
    cg_strvec_free(&result->errors);
    memset(result, 0, sizeof(*result));
}

unsigned cg_installed_go_minor(void) {
#ifdef CG_GO_EXECUTABLE
    const char *go = getenv("CGOGUARD_GO");
    if (!go || !*go) go = *CG_GO_EXECUTABLE ? CG_GO_EXECUTABLE : "go";
#else
    const char *go = "go";
#endif
    char *cmd = cg_xasprintf("'%s' env GOVERSION 2>/dev/null", go);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p) return 0;
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    unsigned major = 0, minor = 0;
    if (sscanf(buf, "go%u.%u", &major, &minor) != 2 || major != 1) return 0;
    return minor;
}
