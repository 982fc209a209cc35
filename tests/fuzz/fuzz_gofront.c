/*
 * fuzz_gofront.c: libFuzzer target for the Go side of the scanner: any bytes
 * as a Go file of a package, then the Go front-end (tree-sitter, preamble
 * and directive extraction, declarations, bindings, expression types) and
 * every rule over it. No C code is parsed (libclang is not ours to fuzz), so
 * the rules see an empty C model. Must never crash, leak or hit UB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/package.h"
#include "rules/check.h"

static char *dir_path;
static char *file_path;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char tmpl[] = "/tmp/cgoguard-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) abort();
    dir_path = cg_xstrdup(tmpl);
    file_path = cg_path_join(dir_path, "fuzz.go");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(file_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);

    cg_pkg_files files = {0};
    files.dir = dir_path;
    cg_vec_push(&files.go_files, cg_xstrdup(file_path));
    cg_package_options opts = {0};
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.target.go_minor = 99;
    opts.max_file_bytes = 1 << 20;
    opts.go_only = true;
    cg_package *pkg = cg_package_build(&files, &opts);
    cg_check_options copts = {0};
    cg_diag_list *diags = cg_diag_list_new();
    cg_check_package(pkg, &copts, diags);
    cg_diag_list_free(diags);
    cg_package_free(pkg);
    cg_strvec_free(&files.go_files);
    return 0;
}
