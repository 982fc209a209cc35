/*
 * bench_rules_lifetime: what the lifetime rules (CG020-CG024) cost on top of
 * a scan. Writes an "owners" package (finalizers, keep-alive races, address
 * taken outside calls, integers as pointers, freed C strings handed off) and
 * a "plain" package of the same shape without those patterns, scans each
 * with one job and no cache, and prints the times. Numbers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "../../src/driver/scan.h"
#include "../common/scanbench.h"

static void write_type(FILE *f, int k, int owners) {
    fprintf(f, "type T%d struct{ p *C.thing }\n\n", k);
    fprintf(f, "func New%d() *T%d {\n\tt := &T%d{p: C.thing_new()}\n", k, k, k);
    if (owners) fprintf(f, "\truntime.SetFinalizer(t, func(t *T%d) { C.thing_free(t.p) })\n", k);
    fprintf(f, "\treturn t\n}\n\n");
    fprintf(f, "func (t *T%d) Do(v []byte) int {\n", k);
    if (owners) fprintf(f, "\tp := unsafe.Pointer(&v[0])\n\tC.use(p)\n");
    else fprintf(f, "\tC.use(unsafe.Pointer(&v[0]))\n");
    fprintf(f, "\tcounter++\n\tid := counter\n");
    if (owners) fprintf(f, "\tC.use(unsafe.Pointer(uintptr(id)))\n");
    else fprintf(f, "\tC.use_id(C.uintptr_t(id))\n");
    fprintf(f, "\tcs := C.CString(\"x\")\n");
    if (owners) fprintf(f, "\tdefer C.free(unsafe.Pointer(cs))\n");
    fprintf(f, "\tlast = cs\n");
    fprintf(f, "\treturn int(C.thing_do(t.p))\n}\n\n");
}

static int write_package(const char *dir, int types, int owners) {
    mkdir(dir, 0755);
    char *path = cg_path_join(dir, "gen.go");
    FILE *f = fopen(path, "w");
    free(path);
    if (!f) return -1;
    fprintf(f, "package gen\n\n/*\n#include <stdint.h>\n#include <stdlib.h>\n"
               "typedef struct thing { int n; } thing;\n"
               "static thing *thing_new(void) { return calloc(1, sizeof(thing)); }\n"
               "static void thing_free(thing *t) { free(t); }\n"
               "static int thing_do(thing *t) { return t->n; }\n"
               "static void use(void *p) { (void)p; }\n"
               "static void use_id(uintptr_t id) { (void)id; }\n*/\nimport \"C\"\n\n"
               "import (\n\t\"runtime\"\n\t\"unsafe\"\n)\n\n"
               "var _ = runtime.GC\n\nvar counter int\n\nvar last *C.char\n\n");
    for (int k = 0; k < types; k++) write_type(f, k, owners);
    return fclose(f);
}

static void run(const char *label, const char *dir, int types) {
    cg_scan_result result = {0};
    double t = cg_bench_scan(dir, &result);
    size_t lifetime = 0, total = cg_diag_list_count(result.diags);
    for (size_t i = 0; i < total; i++) {
        const cg_diag *d = cg_diag_list_at_const(result.diags, i);
        if (d->rule_id && d->rule_id[0] == 'C' && d->rule_id[2] == '0' && d->rule_id[3] == '2') lifetime++;
    }
    printf("%-7s %6d types: %8.1f ms  %7.2f us/type  %zu findings (%zu from CG02x)\n", label, types, t * 1e3,
           t * 1e6 / types, total, lifetime);
    cg_scan_result_free(&result);
}

int main(int argc, char **argv) {
    int types = argc > 1 ? atoi(argv[1]) : 2000;
    char tmpl[] = "/tmp/bench_rules_lifetime.XXXXXX";
    const char *root = mkdtemp(tmpl);
    if (!root || types <= 0) {
        fprintf(stderr, "usage: bench_rules_lifetime [types]\n");
        return 2;
    }
    char *owners = cg_path_join(root, "owners"), *plain = cg_path_join(root, "plain");
    if (write_package(owners, types, 1) || write_package(plain, types, 0)) {
        fprintf(stderr, "cannot write the generated packages under %s\n", root);
        return 1;
    }
    run("plain", plain, types);
    run("owners", owners, types);
    char *cmd = cg_xasprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    free(owners);
    free(plain);
    return 0;
}
