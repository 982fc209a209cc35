/*
 * bench_rules_cmemory.c: cost of the C-memory rules (CG002, CG003, CG006)
 * and their shared model (src/model/cmemory.c) as a package grows; see
 * README.md. Writes a generated cgo package of N wrapper types (each with a
 * C-backed field, stores into C memory through it, a uintptr hand-off and an
 * //export returning a Go string) and scans it with every rule, twice: the
 * time per wrapper should stay flat if the field index keeps the rules
 * linear. Prints numbers, checks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver/scan.h"
#include "../common/scanbench.h"

static void write_package(const char *dir, unsigned wrappers) {
    char path[512];
    snprintf(path, sizeof path, "%s/gen.go", dir);
    FILE *out = fopen(path, "wb");
    if (!out) {
        perror(path);
        exit(1);
    }
    fputs("package gen\n\n/*\n#include <stdint.h>\n#include <stdlib.h>\n"
          "struct node { void *user; int *value; uintptr_t ctx; };\n"
          "struct node *node_new(void);\nvoid keep(uintptr_t x);\n*/\nimport \"C\"\n\n"
          "import (\n\t\"strings\"\n\t\"unsafe\"\n)\n\n",
          out);
    for (unsigned i = 0; i < wrappers; i++) {
        fprintf(out,
                "type W%u struct{ c *C.struct_node }\n\n"
                "func NewW%u() *W%u { return &W%u{c: C.node_new()} }\n\n"
                "func (w *W%u) Set(v []int, n int) {\n"
                "\tw.c.user = unsafe.Pointer(&v)\n"
                "\tw.c.value = new(C.int)\n"
                "\tw.c.ctx = C.uintptr_t(n)\n"
                "\tc := w.c\n\tc.value = (*C.int)(C.malloc(4))\n}\n\n"
                "func F%u(x *int) {\n\taddr := uintptr(unsafe.Pointer(x))\n"
                "\tC.keep(C.uintptr_t(addr))\n}\n\n"
                "//export E%u\nfunc E%u(n C.int) string { return strings.Repeat(\"a\", int(n)) }\n\n",
                i, i, i, i, i, i, i, i);
    }
    fclose(out);
}

static void run(unsigned wrappers) {
    char dir[] = "/tmp/cgbench-cmemory-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    write_package(dir, wrappers);
    char path[512];
    snprintf(path, sizeof path, "%s/gen.go", dir);
    struct stat st;
    double kb = stat(path, &st) == 0 ? (double)st.st_size / 1024.0 : 0;

    double best = 1e9;
    size_t findings = 0;
    for (int rep = 0; rep < 2; rep++) {
        cg_scan_result result = {0};
        double t = cg_bench_scan(dir, &result);
        if (t < best) best = t;
        findings = cg_diag_list_count(result.diags);
        cg_scan_result_free(&result);
    }
    printf("%8u wrappers %9.0f KB %9.1f ms %8.1f us/wrapper %8zu findings\n", wrappers, kb,
           best * 1e3, best * 1e6 / wrappers, findings);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            unsigned n = (unsigned)strtoul(argv[i], NULL, 10);
            if (n == 0) {
                fprintf(stderr, "usage: bench_rules_cmemory [WRAPPERS...]\n");
                return 2;
            }
            run(n);
        }
        return 0;
    }
    const unsigned sizes[] = {250, 1000, 4000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) run(sizes[i]);
    return 0;
}
