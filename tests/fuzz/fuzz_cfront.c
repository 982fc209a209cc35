/*
 * fuzz_cfront.c: libFuzzer target for the C side of the scanner: any bytes
 * as a .c file of a package and (up to a NUL byte) as a cgo preamble, then
 * what cgoguard builds from libclang's tree: declarations, record layouts,
 * the facts of every body (cfacts.c), the summaries' fixed point
 * (csummary.c), reachability from Go, and the parse problems. libclang is
 * not instrumented (not ours to fuzz); everything cgoguard does with its
 * cursors is. Must never crash, leak, hang or hit UB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfront/cmodel.h"
#include "cfront/csummary.h"

static char *dir_path;
static char *c_path;
static char *go_path;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char tmpl[] = "/tmp/cgoguard-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) abort();
    dir_path = cg_xstrdup(tmpl);
    c_path = cg_path_join(dir_path, "fuzz.c");
    go_path = cg_path_join(dir_path, "fuzz.go");
    /* Precompiled headers would fill $TMPDIR with one file per include
     * block met twice; their reuse is covered by scan.pch. */
    setenv("CGOGUARD_NO_PCH", "1", 1);
    cg_cfront_init();
    return 0;
}

/* Reads every part of the model, so that a dangling or uninitialised
 * pointer is touched while ASan/MSan watch. */
static size_t touch(const cg_cmodel *m) {
    size_t sum = 0;
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++)
        sum += strlen(cg_cmodel_problem(m, i)->message);
    for (size_t i = 0; i < cg_cmodel_func_count(m); i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(m, i);
        sum += strlen(fn->name) + fn->param_count;
        for (size_t p = 0; p < fn->param_count; p++) sum += strlen(fn->params[p].type.spelling);
        const cg_csummary *s = cg_cmodel_summary(m, fn->name);
        if (!s) continue;
        sum += s->calls_export.len + s->jump_count + s->cast_count + (s->go_root != NULL);
        for (size_t p = 0; p < s->param_count; p++) {
            const cg_cparam_summary *ps = &s->params[p];
            sum += ps->kept.len + ps->freed.len + ps->returned.len + ps->view_count + ps->fn_arg_count;
            for (size_t k = 0; k < ps->kept.len; k++) sum += strlen(ps->kept.steps[k].func);
            if (ps->kept.how) sum += strlen(ps->kept.how);
        }
        for (size_t k = 0; k < s->cast_count; k++) sum += strlen(s->casts[k].from) + strlen(s->casts[k].to);
    }
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(c_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    char *text = cg_xstrndup((const char *)data, size); /* the preamble ends at a NUL byte */

    cg_cmodel *m = cg_cmodel_new();
    cg_cparse_options opts = {.max_file_bytes = 1 << 20};
    char *err = NULL;
    if (cg_cfront_parse_preamble(m, go_path, 3, text, &opts, &err) != CG_OK) free(err);
    err = NULL;
    if (cg_cfront_parse_file(m, c_path, &opts, &err) != CG_OK) free(err);
    /* Functions without a body named go... stand for //export functions;
     * every function with a body is named from Go. */
    CG_VEC(const char *) exports = {0}, roots = {0};
    for (size_t i = 0; i < cg_cmodel_func_count(m); i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(m, i);
        if (fn->has_body) cg_vec_push(&roots, fn->name);
        else if (strncmp(fn->name, "go", 2) == 0 || strncmp(fn->name, "Go", 2) == 0) cg_vec_push(&exports, fn->name);
    }
    cg_cmodel_compute_summaries(m, exports.items, exports.len);
    cg_cmodel_mark_reached(m, roots.items, roots.len / 2 + 1 > roots.len ? roots.len : roots.len / 2 + 1);
    volatile size_t sink = touch(m);
    (void)sink;
    cg_vec_free(&exports);
    cg_vec_free(&roots);
    cg_cmodel_free(m);
    free(text);
    return 0;
}
