/*
 * bench_rules_paths: what the path walks of CG009, CG015 and CG012 cost on
 * top of a scan.
 *
 * CG009 follows every statement that may run after each C.free for every
 * view of the freed pointer, and CG015 after each h.Delete(), so their cost
 * grows with (frees x views x statements after the free) in one function.
 * The program writes two generated cgo packages of the same shape into a
 * temporary directory: "paths", where each function allocates C memory,
 * makes views of it, frees it and then runs `stmts` statements in nested
 * loops and ifs (plus a handle that is deleted and a dlopen/dlerror pair
 * under LockOSThread), and "plain", where the same statements work on Go
 * values. It scans each with one job and no cache and prints the wall time,
 * the time per function and the findings; the difference is the rules'
 * share. A third line scans one large function (all frees in one body) to
 * show the worst case of the per-function walk. Numbers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/driver/scan.h"
#include "../common/scanbench.h"

/* `frees` blocks, each: allocate, two views, use, free, then `stmts`
 * statements (every fourth in an if or a loop) that do not use the views,
 * so the walks run to the end of the function without a finding. */
static void write_body(FILE *f, int frees, int stmts, int c) {
    fprintf(f, "\ttotal := 0\n");
    for (int a = 0; a < frees; a++) {
        if (c) {
            fprintf(f, "\tp%d := C.malloc(64)\n", a);
            fprintf(f, "\tv%d := unsafe.Slice((*byte)(p%d), 64)\n", a, a);
            fprintf(f, "\tw%d := v%d[8:]\n", a, a);
            fprintf(f, "\ttotal += int(v%d[0]) + int(w%d[0])\n", a, a);
            fprintf(f, "\tC.free(p%d)\n", a);
            fprintf(f, "\th%d := cgo.NewHandle(total)\n\tC.take(C.uintptr_t(h%d))\n\th%d.Delete()\n", a, a, a);
        } else {
            fprintf(f, "\tp%d := make([]byte, 64)\n", a);
            fprintf(f, "\tv%d := p%d[:]\n", a, a);
            fprintf(f, "\tw%d := v%d[8:]\n", a, a);
            fprintf(f, "\ttotal += int(v%d[0]) + int(w%d[0])\n", a, a);
            fprintf(f, "\tp%d = nil\n", a);
            fprintf(f, "\th%d := total\n\ttotal += h%d\n\th%d = 0\n", a, a, a);
        }
        for (int s = 0; s < stmts; s++) {
            if (s % 4 == 1) fprintf(f, "\tif total > %d {\n\t\ttotal -= %d\n\t}\n", s, s);
            else if (s % 4 == 3) fprintf(f, "\tfor i := 0; i < n; i++ {\n\t\ttotal += i\n\t}\n");
            else fprintf(f, "\ttotal += %d\n", s);
        }
    }
    if (c) fprintf(f, "\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n"
                      "\tif C.dlopen(nil, 0) == nil {\n\t\ttotal += int(C.GoString(C.dlerror())[0])\n\t}\n");
    fprintf(f, "\treturn total\n");
}

static int write_package(const char *dir, int functions, int frees, int stmts, int c) {
    mkdir(dir, 0755);
    char *path = cg_path_join(dir, "gen.go");
    FILE *f = fopen(path, "w");
    free(path);
    if (!f) return -1;
    fprintf(f, "package gen\n\n/*\n#include <dlfcn.h>\n#include <stdint.h>\n#include <stdlib.h>\n"
               "static void take(uintptr_t h) { (void)h; }\n*/\nimport \"C\"\n\n"
               "import (\n\t\"runtime\"\n\t\"runtime/cgo\"\n\t\"unsafe\"\n)\n\n"
               "var _ unsafe.Pointer\nvar _ cgo.Handle\nvar _ = runtime.GOOS\n\n");
    for (int k = 0; k < functions; k++) {
        fprintf(f, "func f%d(n int) int {\n", k);
        write_body(f, frees, stmts, c);
        fprintf(f, "}\n\n");
    }
    return fclose(f);
}

static void run(const char *label, const char *dir, int functions) {
    cg_scan_result result = {0};
    double t = cg_bench_scan(dir, &result);
    printf("%-9s %6d functions: %8.1f ms  %8.2f us/function  %zu findings\n", label, functions, t * 1e3,
           t * 1e6 / functions, cg_diag_list_count(result.diags));
    cg_scan_result_free(&result);
}

int main(int argc, char **argv) {
    int functions = argc > 1 ? atoi(argv[1]) : 1000;
    int frees = argc > 2 ? atoi(argv[2]) : 4;
    int stmts = argc > 3 ? atoi(argv[3]) : 20;
    char tmpl[] = "/tmp/bench_rules_paths.XXXXXX";
    const char *root = mkdtemp(tmpl);
    if (!root || functions <= 0 || frees <= 0 || stmts < 0) {
        fprintf(stderr, "usage: bench_rules_paths [functions] [frees per function] [statements after each free]\n");
        return 2;
    }
    char *paths = cg_path_join(root, "paths"), *plain = cg_path_join(root, "plain");
    char *big = cg_path_join(root, "big"), *bigplain = cg_path_join(root, "bigplain");
    /* The large function holds as many frees as all small ones together
     * (capped so the generated file stays reasonable). */
    int big_frees = functions * frees > 200 ? 200 : functions * frees;
    if (write_package(paths, functions, frees, stmts, 1) || write_package(plain, functions, frees, stmts, 0) ||
        write_package(big, 1, big_frees, stmts, 1) || write_package(bigplain, 1, big_frees, stmts, 0)) {
        fprintf(stderr, "cannot write the generated packages under %s\n", root);
        return 1;
    }
    printf("%d functions, %d frees each, %d statements after each free\n", functions, frees, stmts);
    run("plain", plain, functions);
    run("paths", paths, functions);
    printf("one function with %d frees, %d statements after each\n", big_frees, stmts);
    run("plain", bigplain, 1);
    run("paths", big, 1);
    char *cmd = cg_xasprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    free(paths);
    free(plain);
    free(big);
    free(bigplain);
    return 0;
}
