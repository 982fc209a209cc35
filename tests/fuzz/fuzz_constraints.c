/*
 * fuzz_constraints.c: libFuzzer target for build constraints: any bytes as
 * the head of a Go or C file, as a //go:build expression and as a #cgo
 * condition line. Must never crash; a //go:build syntax error is -1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = cg_xstrndup((const char *)data, size); /* stops at a NUL, like a C string */
    cg_build_target target = {"linux", "amd64", NULL, 0, 26};
    (void)cg_build_constraints_ok("fuzz_linux_amd64.go", text, &target);
    int r = cg_build_expr_eval(text, &target);
    if (r < -1 || r > 1) abort();
    (void)cg_build_line_ok(text, &target);
    free(text);
    return 0;
}
