/*
 * bench_rules_flow: how much the ownership walk of CG008 (and the unsafe
 * pattern searches of CG007/CG014) costs on top of a scan.
 *
 * It writes two generated cgo packages of the same shape into a temporary
 * directory: "alloc" where every function allocates C strings (some freed by
 * defer, some on one branch only, some inside nested loops and switches) and
 * takes a func value's and a map's address, and "plain" where the same
 * statements use Go values instead. It scans each with one job and no cache
 * and prints the wall time, the time per function and the findings, so the
 * difference is the rules' share. Numbers only; nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/driver/scan.h"
#include "../common/scanbench.h"

static void indent(FILE *f, int depth) {
    for (int i = 0; i < depth; i++) fputc('\t', f);
}

/* One function: `allocs` allocations, each followed by `depth` nested
 * loop/if/switch levels that use it; every third one leaks on a branch. */
static void write_function(FILE *f, int k, int allocs, int depth, int alloc) {
    fprintf(f, "func f%d(xs []string, n int, m map[string]int) int {\n\ttotal := 0\n", k);
    for (int a = 0; a < allocs; a++) {
        if (alloc) fprintf(f, "\tcs%d := C.CString(xs[%d])\n", a, a);
        else fprintf(f, "\tcs%d := len(xs[%d])\n", a, a);
        if (alloc && a % 3 == 0) fprintf(f, "\tdefer C.free(unsafe.Pointer(cs%d))\n", a);
        for (int d = 0; d < depth; d++) {
            indent(f, d + 1);
            if (d % 3 == 0) fprintf(f, "for i%d := 0; i%d < n; i%d++ {\n", d, d, d);
            else if (d % 3 == 1) fprintf(f, "if n > %d {\n", d);
            else fprintf(f, "switch n {\n");
            if (d % 3 == 2) {
                indent(f, d + 1);
                fprintf(f, "case %d:\n", d);
            }
        }
        indent(f, depth + 1);
        if (alloc) fprintf(f, "total += int(C.peek(cs%d))\n", a);
        else fprintf(f, "total += cs%d\n", a);
        for (int d = depth - 1; d >= 0; d--) {
            indent(f, d + 1);
            fprintf(f, "}\n");
        }
        if (alloc && a % 3 == 1) fprintf(f, "\tif n == 0 {\n\t\treturn total\n\t}\n\tC.free(unsafe.Pointer(cs%d))\n", a);
        else if (alloc && a % 3 == 2) fprintf(f, "\tC.free(unsafe.Pointer(cs%d))\n", a);
    }
    if (alloc) {
        fprintf(f, "\tcb := func() { total++ }\n\tC.keep(unsafe.Pointer(&cb))\n");
        fprintf(f, "\th := (*C.struct_hmap)(*(*unsafe.Pointer)(unsafe.Pointer(&m)))\n\t_ = h\n");
    } else {
        fprintf(f, "\tcb := func() { total++ }\n\tcb()\n\t_ = m\n");
    }
    fprintf(f, "\treturn total\n}\n\n");
}

static int write_package(const char *dir, int functions, int allocs, int depth, int alloc) {
    mkdir(dir, 0755);
    char *path = cg_path_join(dir, "gen.go");
    FILE *f = fopen(path, "w");
    free(path);
    if (!f) return -1;
    fprintf(f, "package gen\n\n/*\n#include <stdlib.h>\n"
               "struct hmap { long count; unsigned char flags, B; unsigned short noverflow; "
               "unsigned hash0; void *buckets, *oldbuckets; unsigned long nevacuate; void *extra; };\n"
               "int peek(const char *s) { return s[0]; }\n"
               "void keep(void *p) { (void)p; }\n*/\nimport \"C\"\n\nimport \"unsafe\"\n\n"
               "var _ unsafe.Pointer\n\n");
    for (int k = 0; k < functions; k++) write_function(f, k, allocs, depth, alloc);
    return fclose(f);
}

static void run(const char *label, const char *dir, int functions) {
    cg_scan_result result = {0};
    double t = cg_bench_scan(dir, &result);
    printf("%-6s %6d functions: %8.1f ms  %7.2f us/function  %zu findings\n", label, functions, t * 1e3,
           t * 1e6 / functions, cg_diag_list_count(result.diags));
    cg_scan_result_free(&result);
}

int main(int argc, char **argv) {
    int functions = argc > 1 ? atoi(argv[1]) : 2000;
    int allocs = argc > 2 ? atoi(argv[2]) : 6;
    int depth = argc > 3 ? atoi(argv[3]) : 4;
    char tmpl[] = "/tmp/bench_rules_flow.XXXXXX";
    const char *root = mkdtemp(tmpl);
    if (!root || functions <= 0 || allocs <= 0 || depth < 0) {
        fprintf(stderr, "usage: bench_rules_flow [functions] [allocations per function] [nesting]\n");
        return 2;
    }
    char *alloc_dir = cg_path_join(root, "alloc"), *plain_dir = cg_path_join(root, "plain");
    if (write_package(alloc_dir, functions, allocs, depth, 1) || write_package(plain_dir, functions, allocs, depth, 0)) {
        fprintf(stderr, "cannot write the generated packages under %s\n", root);
        return 1;
    }
    printf("%d functions, %d allocations each, nesting %d\n", functions, allocs, depth);
    run("plain", plain_dir, functions);
    run("alloc", alloc_dir, functions);
    char *cmd = cg_xasprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    free(alloc_dir);
    free(plain_dir);
    return 0;
}
