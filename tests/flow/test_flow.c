/*
 * test_flow.c: unit tests of the //cgoguard:thread-error-api and
 * //cgoguard:thread-affine directives of src/model/thread_affine.c (CG012).
 * The control-flow graph has its own test (test_cfg.c).
 *   test_flow DATA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/thread_affine.h"

static int failures;

#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);  \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static void test_directives(const char *data_dir) {
    static cg_package_options opts;
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.max_file_bytes = 1u << 20;
    char *dir = cg_path_join(data_dir, "pkg");
    cg_pkg_files files = {0};
    files.dir = cg_xstrdup(dir);
    cg_vec_push(&files.go_files, cg_path_join(dir, "pkg.go"));
    cg_package *pkg = cg_package_build(&files, &opts);
    cg_affine_config cfg;
    cg_affine_config_load(&cfg, pkg);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_errstr") == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_errcode") == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_bind") == CG_AFFINE_CONTEXT);
    /* Words after a comment marker, prose mentions and unknown names. */
    EXPECT(cg_affine_config_lookup(&cfg, "trailing") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, "not_declared") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_open") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, NULL) == CG_AFFINE_NONE);
    cg_affine_config_free(&cfg);
    cg_package_free(pkg);
    free(files.dir);
    cg_strvec_free(&files.go_files);
    cg_strvec_free(&files.c_files);
    free(dir);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_flow DATA_DIR\n");
        return 2;
    }
    test_directives(argv[1]);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
