/*
 * report_golden.c: pins the exact text, JSON and SARIF output of one small
 * report end to end (sink included) against tests/report/golden/.
 *
 * The findings are made by hand against tests/report/data/pkg, with test-only
 * rule ids (CG901, CG902) that the registry never defines, so the golden
 * files do not change when rules are added; the meta ids CG000 and CG099
 * come from the real catalog and the real suppression pass.
 *
 * Usage (working directory tests/report/data):
 *   report_golden GOLDEN_DIR OUT_DIR
 * Writes every output to OUT_DIR and compares it with GOLDEN_DIR; with
 * CG_UPDATE_GOLDEN=1 in the environment it rewrites the golden files instead.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static cg_diag *add(cg_diag_list *l, const char *id, const char *name, cg_severity sev,
                    cg_location loc, const char *msg) {
    cg_diag d = {.rule_id = id, .rule_name = name, .severity = sev, .loc = loc, .message = msg};
    return cg_diag_list_add(l, &d);
}

/* Added out of order and with a duplicate, as rules running per package
 * would; the sink sorts and de-duplicates. */
static cg_diag_list *build(void) {
    cg_diag_list *l = cg_diag_list_new();
    cg_diag *d;
    add(l, "CG902", "test-leak", CG_SEV_WARNING, (cg_location){"pkg/keep.c", 4, 0, 0, 0},
        "global 'saved' keeps a pointer passed from Go")->confidence =
        cg_diag_list_intern(l, "assumes keep is called with Go memory");
    add(l, "CG000", "incomplete-analysis", CG_SEV_NOTE, (cg_location){"pkg/main.go", 19, 2, 0, 0},
        "C.CString result flows into an unknown C function");
    add(l, "CG000", "incomplete-analysis", CG_SEV_NOTE, (cg_location){"pkg/main.go", 22, 2, 22, 16},
        "C.call_later has no visible definition");
    for (int copy = 0; copy < 2; copy++) {
        d = add(l, "CG901", "test-go-pointer", CG_SEV_ERROR,
                (cg_location){"pkg/main.go", 16, 9, 16, 27},
                "Go map passed to C: C.keep receives a pointer to Go memory that holds Go pointers");
        cg_diag_relate(l, d, (cg_location){"pkg/keep.c", 6, 22, 6, 34}, "C.keep stores %s in the global '%s'",
                       "p", "saved");
        cg_diag_relate(l, d, (cg_location){"pkg/keep.c", 10, 17, 10, 22},
                       "and reads it after the call returned");
        d->fix = cg_diag_list_intern(l, "pass a cgo.Handle to C and look the map up in an //export function");
    }
    d = add(l, "CG901", "test-go-pointer", CG_SEV_ERROR, (cg_location){"pkg/main.go", 18, 24, 18, 35},
            "pointer to the first element of a slice of Go pointers passed to C");
    /* A machine-applicable fix: JSON suggested_fix, SARIF fixes[]. */
    d->fix = cg_diag_list_intern(l, "pin the slice while C uses it");
    d->fix_title = cg_diag_list_intern(l, "insert a comment");
    cg_diag_add_edit(l, d, &(cg_edit){"pkg/main.go", 0, 0, 1, 1, 1, 1, "// fixed\n"});
    add(l, "CG000", "incomplete-analysis", CG_SEV_NOTE, (cg_location){"pkg/latin1.go", 4, 5, 4, 9},
        "identifier 'caf\xe9' is not valid UTF-8");
    add(l, "CG000", "incomplete-analysis", CG_SEV_NOTE, (cg_location){NULL, 0, 0, 0, 0},
        "pkg-config is not installed; #cgo pkg-config lines were not expanded");
    return l;
}

static char *emit(const cg_diag_list *l, cg_report_options opts, size_t *len) {
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f || cg_report_emit(f, l, &opts) != CG_OK) {
        fprintf(stderr, "report_golden: emitting failed\n");
        exit(1);
    }
    fclose(f);
    return buf;
}

static int write_all(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "report_golden: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* Compares with the golden file; on a difference names the first line. */
static int compare(const char *golden_dir, const char *out_dir, const char *name, const char *data,
                   size_t len) {
    char *golden = cg_path_join(golden_dir, name);
    char *actual = cg_path_join(out_dir, name);
    int failed = write_all(actual, data, len);
    const char *update = getenv("CG_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        failed |= write_all(golden, data, len);
        if (!failed) printf("%s: updated\n", name);
    } else if (!failed) {
        char *want = NULL, *err = NULL;
        size_t want_len = 0;
        if (cg_read_file(golden, 1 << 24, &want, &want_len, &err) != CG_OK) {
            fprintf(stderr, "%s: %s (CG_UPDATE_GOLDEN=1 creates it)\n", name, err);
            free(err);
            failed = 1;
        } else if (want_len != len || memcmp(want, data, len) != 0) {
            unsigned line = 1;
            for (size_t i = 0; i < len && i < want_len && want[i] == data[i]; i++) line += data[i] == '\n';
            fprintf(stderr, "%s: differs from the golden file from line %u on\n  diff -u %s %s\n"
                    "  (CG_UPDATE_GOLDEN=1 rewrites it if the change is intended)\n", name, line, golden, actual);
            failed = 1;
        } else {
            printf("%s: ok\n", name);
        }
        free(want);
    }
    free(golden);
    free(actual);
    return failed;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: report_golden GOLDEN_DIR OUT_DIR\n");
        return 2;
    }
    cg_diag_list *l = build();
    cg_sink_finish(l, NULL);
    static const struct {
        const char *file;
        cg_report_options opts;
    } outputs[] = {
        {"report.txt", {.format = CG_REPORT_TEXT, .tool_version = "test"}},
        {"report-color.txt", {.format = CG_REPORT_TEXT, .color = true, .tool_version = "test"}},
        {"report.json", {.format = CG_REPORT_JSON, .tool_version = "test"}},
        {"report.sarif", {.format = CG_REPORT_SARIF, .tool_version = "test"}},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        size_t len = 0;
        char *data = emit(l, outputs[i].opts, &len);
        failed |= compare(argv[1], argv[2], outputs[i].file, data, len);
        free(data);
    }
    cg_diag_list_free(l);
    return failed;
}
