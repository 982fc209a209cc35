/*
 * report_test.c: unit tests of the report stage (src/report, src/rules/diag.c).
 *
 * Diag lists are built by hand and point at the small sources under
 * tests/report/data (the test runs with that folder as its working
 * directory, so paths stay relative as the scanner gives them). Rules are
 * not needed: suppression cases use the meta ids CG000/CG099, which always
 * exist, and the first registry rule when the registry has one.
 *
 * Usage: report_test [case]   (no case: run all; CTest runs one per case)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "report/report.h"
#include "rules/rule.h"


/* ---- helpers ---- */

static cg_diag *add(cg_diag_list *l, const char *id, cg_severity sev, const char *file, unsigned line,
                    unsigned col, const char *msg) {
    cg_catalog_entry e;
    const char *name = cg_catalog_find(id, &e) ? e.name : "test-rule";
    cg_diag d = {.rule_id = id, .rule_name = name, .severity = sev,
                 .loc = {file, line, col, 0, 0}, .message = msg};
    return cg_diag_list_add(l, &d);
}

/* The first diag with this id at file:line, or NULL. */
static const cg_diag *at(const cg_diag_list *l, const char *id, const char *file, unsigned line) {
    for (size_t i = 0; i < cg_diag_list_count(l); i++) {
        const cg_diag *d = cg_diag_list_at_const(l, i);
        if (strcmp(d->rule_id, id) == 0 && d->loc.file && strcmp(d->loc.file, file) == 0 &&
            d->loc.line == line)
            return d;
    }
    return NULL;
}

static size_t count_id(const cg_diag_list *l, const char *id, const char *file) {
    size_t n = 0;
    for (size_t i = 0; i < cg_diag_list_count(l); i++) {
        const cg_diag *d = cg_diag_list_at_const(l, i);
        n += strcmp(d->rule_id, id) == 0 && (!file || (d->loc.file && strcmp(d->loc.file, file) == 0));
    }
    return n;
}

static char *emit(const cg_diag_list *l, cg_report_options opts) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK(cg_report_emit(f, l, &opts) == CG_OK);
    fclose(f);
    return buf;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* A fresh temporary directory; the caller chdirs in and out. */
static char *temp_dir(void) {
    const char *base = getenv("TMPDIR");
    char *tmpl = cg_xasprintf("%s/cgreport-XXXXXX", base && *base ? base : "/tmp");
    CHECK(mkdtemp(tmpl) != NULL);
    return tmpl;
}

/* ---- cases ---- */

static void test_severity(void) {
    cg_severity s;
    CHECK(cg_severity_parse("warning", &s) == 0 && s == CG_SEV_WARNING);
    CHECK(cg_severity_parse("error", &s) == 0 && s == CG_SEV_ERROR);
    CHECK(cg_severity_parse("note", &s) == 0 && s == CG_SEV_NOTE);
    CHECK(cg_severity_parse("Error", &s) != 0);
    CHECK(cg_severity_parse("", &s) != 0);
    CHECK(cg_severity_parse(NULL, &s) != 0);
    CHECK_STR(cg_severity_name(CG_SEV_NOTE), "note");
    cg_report_format f;
    CHECK(cg_report_format_parse("sarif", &f) == 0 && f == CG_REPORT_SARIF);
    CHECK(cg_report_format_parse("xml", &f) != 0);
}

static void test_diag_list(void) {
    cg_diag_list *l = cg_diag_list_new();
    char file[] = "pkg/a.go", msg[] = "message";
    cg_diag *first = add(l, "CG000", CG_SEV_NOTE, file, 3, 1, msg);
    first->suppressed = 1; /* a stale value must not survive a copy */
    cg_diag copy = *first;
    cg_diag *again = cg_diag_list_add(l, &copy);
    CHECK(again->suppressed == 0 && again->source_line == NULL);
    file[0] = 'X', msg[0] = 'X'; /* the list owns copies */
    CHECK_STR(first->loc.file, "pkg/a.go");
    CHECK_STR(first->message, "message");
    for (int i = 0; i < 1000; i++) add(l, "CG000", CG_SEV_NOTE, "f.go", (unsigned)i, 1, "m");
    CHECK_STR(first->message, "message"); /* pointers stay valid while the list grows */
    for (int i = 0; i < CG_MAX_RELATED + 3; i++)
        cg_diag_relate(l, first, (cg_location){"b.c", (unsigned)i + 1, 2, 0, 0}, "step %d", i);
    CHECK(first->related_count == CG_MAX_RELATED);
    CHECK_STR(first->related[0].message, "step 0");
    CHECK_STR(first->related[CG_MAX_RELATED - 1].loc.file, "b.c");
    CHECK(cg_diag_list_count(l) == 1002);
    cg_diag_list_free(l);
    cg_diag_list_free(NULL);
}

static void test_sort_dedup(void) {
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG002", CG_SEV_ERROR, "b.go", 1, 1, "b");
    add(l, "CG001", CG_SEV_ERROR, "a.go", 10, 2, "second at 10:2");
    add(l, "CG001", CG_SEV_ERROR, "a.go", 10, 2, "third at 10:2");
    add(l, "CG001", CG_SEV_ERROR, "a.go", 10, 2, "second at 10:2"); /* duplicate, not adjacent */
    add(l, "CG001", CG_SEV_ERROR, "a.go", 9, 7, "earlier line");
    add(l, "CG000", CG_SEV_NOTE, "a.go", 10, 2, "lower id");
    add(l, "CG003", CG_SEV_ERROR, "a.go", 10, 1, "lower column");
    add(l, "CG000", CG_SEV_NOTE, NULL, 0, 0, "no file");
    add(l, "CG002", CG_SEV_ERROR, "b.go", 1, 1, "b"); /* duplicate */
    cg_sink_finish(l, NULL);
    static const char *const want[] = {"no file", "earlier line", "lower column", "lower id",
                                       "second at 10:2", "third at 10:2", "b"};
    CHECK(cg_diag_list_count(l) == sizeof want / sizeof want[0]);
    for (size_t i = 0; i < cg_diag_list_count(l) && i < sizeof want / sizeof want[0]; i++)
        CHECK_STR(cg_diag_list_at_const(l, i)->message, want[i]);
    cg_diag_list_free(l);
}

static void test_suppress_go(void) {
    const char *f = "sup/cases.go";
    static const struct {
        unsigned line;
        int suppressed;
        const char *reason;
    } cases[] = {
        {8, 1, "the preamble form inside a Go block comment"},
        {13, 1, "same line: a is an int"},
        {15, 1, "line above: the value is copied by C"},
        {17, 0, NULL}, /* wrong id */
        {19, 0, NULL}, /* no reason */
        {21, 1, "several ids, with a space after the comma"},
        {23, 1, "a name instead of an id"},
        {24, 0, NULL}, /* the directive is inside a string */
        {27, 0, NULL}, /* two lines below the directive */
        {29, 1, "one unknown id next to a known one"},
        {31, 1, "lower-case id, and a space after the slashes"},
        {34, 0, NULL}, /* inside a raw string */
        {36, 0, NULL}, /* the directive names no rule */
        {38, 0, NULL}, /* "0" is not an id in a directive (explain accepts it) */
    };
    cg_diag_list *l = cg_diag_list_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        add(l, "CG000", CG_SEV_NOTE, f, cases[i].line, 2, "finding");
    cg_sink_finish(l, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cg_diag *d = at(l, "CG000", f, cases[i].line);
        CHECK(d != NULL);
        if (!d) continue;
        if (d->suppressed != cases[i].suppressed)
            fprintf(stderr, "  line %u: suppressed=%d, expected %d\n", cases[i].line, d->suppressed,
                    cases[i].suppressed);
        CHECK(d->suppressed == cases[i].suppressed);
        if (cases[i].reason) CHECK_STR(d->suppression, cases[i].reason);
        CHECK(d->source_line != NULL);
    }
    CHECK_STR(at(l, "CG000", f, 13)->source_line, "\ta := 1 //cgoguard:ignore CG000 same line: a is an int");
    /* Exactly four malformed directives, each reported once where it is. */
    CHECK(count_id(l, CG_ID_BAD_SUPPRESSION, f) == 4);
    const cg_diag *no_reason = at(l, CG_ID_BAD_SUPPRESSION, f, 18);
    CHECK(no_reason && no_reason->severity == CG_SEV_WARNING && no_reason->loc.column == 4);
    if (no_reason) {
        CHECK_CONTAINS(no_reason->message, "without a reason");
        CHECK_STR(no_reason->rule_name, CG_NAME_BAD_SUPPRESSION);
        CHECK(no_reason->loc.end_line == 18 && no_reason->loc.end_column == 25);
    }
    const cg_diag *unknown = at(l, CG_ID_BAD_SUPPRESSION, f, 28);
    CHECK(unknown != NULL);
    if (unknown) CHECK_CONTAINS(unknown->message, "unknown rule 'CGX77'");
    const cg_diag *empty = at(l, CG_ID_BAD_SUPPRESSION, f, 35);
    CHECK(empty != NULL);
    if (empty) CHECK_CONTAINS(empty->message, "names no rule");
    const cg_diag *number = at(l, CG_ID_BAD_SUPPRESSION, f, 37);
    CHECK(number != NULL);
    if (number) CHECK_CONTAINS(number->message, "unknown rule '0'");
    cg_report_summary s = cg_report_summarize(l);
    CHECK(s.suppressed == 7 && s.notes == 7 && s.warnings == 4 && s.errors == 0);
    cg_diag_list_free(l);
}

static void test_suppress_c(void) {
    const char *f = "sup/cases.c";
    static const struct {
        unsigned line;
        int suppressed;
    } cases[] = {{8, 1}, {9, 1}, {11, 1}, {13, 0}, {14, 0}, {17, 1}};
    cg_diag_list *l = cg_diag_list_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        add(l, "CG000", CG_SEV_NOTE, f, cases[i].line, 5, "finding");
    cg_sink_finish(l, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cg_diag *d = at(l, "CG000", f, cases[i].line);
        CHECK(d && d->suppressed == cases[i].suppressed);
        if (d && d->suppressed != cases[i].suppressed)
            fprintf(stderr, "  line %u: suppressed=%d\n", cases[i].line, d->suppressed);
    }
    CHECK_STR(at(l, "CG000", f, 17)->suppression, "a line inside a multi-line block comment");
    CHECK_STR(at(l, "CG000", f, 9)->suppression, "trailing C block comment");
    CHECK(count_id(l, CG_ID_BAD_SUPPRESSION, f) == 1);
    const cg_diag *bad = at(l, CG_ID_BAD_SUPPRESSION, f, 12);
    CHECK(bad && bad->loc.column == 8);
    cg_diag_list_free(l);
}

/* The rule a suppression names may be any catalog entry; with a registry
 * rule when there is one (the registry grows; the test does not care which). */
static void test_suppress_by_registry_rule(void) {
    char *dir = temp_dir();
    char *cwd = getcwd(NULL, 0);
    CHECK(chdir(dir) == 0);
    cg_catalog_entry rules[2];
    size_t n = 0;
    if (cg_rule_count() > 0) {
        const cg_rule *r = cg_rule_at(0);
        CHECK(cg_catalog_find(r->id, &rules[n]));
        n++;
    }
    CHECK(cg_catalog_find(CG_ID_BAD_SUPPRESSION, &rules[n]));
    n++;
    for (size_t i = 0; i < n; i++) {
        char *text = cg_xasprintf("package x\n//cgoguard:ignore %s by name\nx := 1\n"
                                  "//cgoguard:ignore %s by id\ny := 2\n",
                                  rules[i].name, rules[i].id);
        write_file("x.go", text);
        free(text);
        cg_diag_list *l = cg_diag_list_new();
        add(l, rules[i].id, rules[i].severity, "x.go", 3, 1, "by name");
        add(l, rules[i].id, rules[i].severity, "x.go", 5, 1, "by id");
        add(l, rules[i].id, rules[i].severity, "x.go", 1, 1, "not covered");
        cg_sink_finish(l, NULL);
        CHECK(cg_diag_list_count(l) == 3);
        CHECK(at(l, rules[i].id, "x.go", 3)->suppressed);
        CHECK(at(l, rules[i].id, "x.go", 5)->suppressed);
        CHECK(!at(l, rules[i].id, "x.go", 1)->suppressed);
        cg_diag_list_free(l);
    }
    /* A CG099 finding is itself suppressible. */
    write_file("y.go", "package y\n//cgoguard:ignore CG099 generated code keeps its markers\n"
                       "//cgoguard:ignore CG000\n");
    cg_diag_list *l = cg_diag_list_new();
    cg_sink_options opts = {.files = (const char *const[]){"y.go"}, .file_count = 1};
    cg_sink_finish(l, &opts);
    CHECK(cg_diag_list_count(l) == 1);
    CHECK(cg_diag_list_count(l) == 1 && cg_diag_list_at_const(l, 0)->suppressed);
    cg_diag_list_free(l);
    unlink("x.go");
    unlink("y.go");
    CHECK(chdir(cwd) == 0);
    rmdir(dir);
    free(cwd);
    free(dir);
}

static void test_extra_files(void) {
    /* No finding in cases.c, but its reasonless directive is still reported;
     * a file named twice is read once (one CG099, not two). */
    cg_diag_list *l = cg_diag_list_new();
    const char *files[] = {"sup/cases.c", "sup/cases.c", "sup/missing.c"};
    cg_sink_options opts = {.files = files, .file_count = 3};
    cg_sink_finish(l, &opts);
    CHECK(cg_diag_list_count(l) == 1);
    CHECK(at(l, CG_ID_BAD_SUPPRESSION, "sup/cases.c", 12) != NULL);
    CHECK(cg_report_exit_status(l, CG_SEV_WARNING) == 1);
    CHECK(cg_report_exit_status(l, CG_SEV_ERROR) == 0);
    cg_diag_list_free(l);
}

static void test_unreadable_and_limit(void) {
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "sup/no-such-file.go", 3, 1, "gone");
    add(l, "CG000", CG_SEV_NOTE, "sup", 3, 1, "a directory");
    add(l, "CG000", CG_SEV_NOTE, "sup/cases.go", 99, 1, "past the end");
    add(l, "CG000", CG_SEV_NOTE, "sup/cases.go", 0, 0, "whole file");
    cg_sink_finish(l, NULL);
    CHECK(cg_diag_list_count(l) == 4 + 4); /* plus cases.go's four CG099 */
    for (size_t i = 0; i < cg_diag_list_count(l); i++) {
        const cg_diag *d = cg_diag_list_at_const(l, i);
        if (strcmp(d->rule_id, "CG000") != 0) continue;
        CHECK(!d->suppressed && d->source_line == NULL);
    }
    char *text = emit(l, (cg_report_options){0});
    CHECK_CONTAINS(text, "sup/cases.go:99:1: note: past the end [CG000 incomplete-analysis]\n"
                         "sup/no-such-file.go:3:1: note: gone [CG000 incomplete-analysis]\n8 findings (4 warnings, 4 notes)\n");
    CHECK_CONTAINS(text, "sup/cases.go: note: whole file [CG000 incomplete-analysis]\n");
    free(text);
    cg_diag_list_free(l);

    /* Over the size limit: no suppression, no source line, no CG099. */
    l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "sup/cases.go", 13, 2, "big");
    cg_sink_options opts = {.max_source_bytes = 100};
    cg_sink_finish(l, &opts);
    CHECK(cg_diag_list_count(l) == 1);
    CHECK(!cg_diag_list_at_const(l, 0)->suppressed && !cg_diag_list_at_const(l, 0)->source_line);
    cg_diag_list_free(l);
}

static void test_exit_status_and_summary(void) {
    cg_diag_list *l = cg_diag_list_new();
    cg_sink_finish(l, NULL);
    CHECK(cg_report_exit_status(l, CG_SEV_NOTE) == 0);
    cg_report_summary s = cg_report_summarize(l);
    char *t = cg_report_summary_text(&s);
    CHECK_STR(t, "no findings");
    free(t);
    cg_diag_list_free(l);

    l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "a.go", 1, 1, "n");
    CHECK(cg_report_exit_status(l, CG_SEV_WARNING) == 0);
    CHECK(cg_report_exit_status(l, CG_SEV_NOTE) == 1);
    cg_diag *w = add(l, "CG006", CG_SEV_WARNING, "a.go", 2, 1, "w");
    CHECK(cg_report_exit_status(l, CG_SEV_WARNING) == 1);
    CHECK(cg_report_exit_status(l, CG_SEV_ERROR) == 0);
    cg_diag *e = add(l, "CG001", CG_SEV_ERROR, "a.go", 3, 1, "e");
    add(l, "CG001", CG_SEV_ERROR, "a.go", 4, 1, "e2");
    CHECK(cg_report_exit_status(l, CG_SEV_ERROR) == 1);
    e->suppressed = 1; /* as the sink would */
    s = cg_report_summarize(l);
    t = cg_report_summary_text(&s);
    CHECK_STR(t, "3 findings (1 error, 1 warning, 1 note), 1 suppressed");
    free(t);
    w->suppressed = 1;
    cg_diag_list_at(l, 3)->suppressed = 1;
    CHECK(cg_report_exit_status(l, CG_SEV_WARNING) == 0); /* suppressed do not count */
    s = cg_report_summarize(l);
    t = cg_report_summary_text(&s);
    CHECK_STR(t, "1 finding (1 note), 3 suppressed");
    free(t);
    cg_diag_list_free(l);
}

static void test_json_escape(void) {
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "a\"b.go", 1, 1,
        "q\"b\\s\n\t\x01\x7f|\xff|\xed\xa0\x80|\xc0\xaf|\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80|\xe2\x82");
    char *out = emit(l, (cg_report_options){.format = CG_REPORT_JSON, .tool_version = "t"});
    CHECK_CONTAINS(out, "\"file\": \"a\\\"b.go\"");
    CHECK_CONTAINS(out, "\"message\": \"q\\\"b\\\\s\\n\\t\\u0001\\u007f|\\ufffd|\\ufffd\\ufffd\\ufffd|"
                        "\\ufffd\\ufffd|\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80|\\ufffd\\ufffd\"");
    CHECK_CONTAINS(out, "\"related\": [],");
    CHECK_CONTAINS(out, "\"fix\": null,");
    CHECK_CONTAINS(out, "\"summary\": {\n    \"findings\": 1,");
    free(out);
    cg_diag_list_free(l);
}

static void test_text_output(void) {
    cg_diag_list *l = cg_diag_list_new();
    cg_diag *d = add(l, "CG901", CG_SEV_ERROR, "pkg/main.go", 16, 9, "go map passed to C");
    d->loc.end_line = 16, d->loc.end_column = 27;
    cg_diag_relate(l, d, (cg_location){"pkg/keep.c", 6, 30, 0, 0}, "stored in '%s'", "saved");
    d->fix = cg_diag_list_intern(l, "use cgo.Handle");
    cg_diag *u = add(l, "CG901", CG_SEV_WARNING, "pkg/main.go", 18, 24, "utf-8 before the caret");
    u->loc.end_line = 18, u->loc.end_column = 35;
    add(l, "CG000", CG_SEV_NOTE, "pkg/latin1.go", 4, 9, "not utf-8");
    cg_sink_finish(l, NULL);
    CHECK_STR(d->related[0].source_line, "void keep(void *p) { saved = p; }");
    char *out = emit(l, (cg_report_options){0});
    CHECK_CONTAINS(out, "pkg/main.go:16:9: error: go map passed to C [CG901 test-rule]\n"
                        "\tC.keep(unsafe.Pointer(&m))\n"
                        "\t       ^~~~~~~~~~~~~~~~~~\n"
                        "pkg/keep.c:6:30: note: stored in 'saved'\n"
                        "fix: use cgo.Handle\n");
    CHECK_CONTAINS(out, "\tC.keep(unsafe.Pointer(&gr\xc3\xb6\xc3\x9f" "e[0]))\n"
                        "\t                      ^~~~~~~~~\n");
    /* Latin-1 and ESC bytes are shown as '?'; the caret still counts one each. */
    CHECK_CONTAINS(out, "var caf? = \"gr??e?[31m\"\n        ^\n");
    CHECK(strchr(out, '\033') == NULL);
    CHECK_CONTAINS(out, "4 findings (1 error, 2 warnings, 1 note)\n"); /* + CG099 at main.go:21 */
    free(out);
    out = emit(l, (cg_report_options){.color = true});
    CHECK_CONTAINS(out, "\033[1;31merror:\033[0m ");
    CHECK_CONTAINS(out, "\033[1;32m^~~~~~~~~~~~~~~~~~\033[0m\n");
    free(out);
    cg_diag_list_free(l);
}

static void test_sarif(void) {
    cg_diag_list *l = cg_diag_list_new();
    cg_diag *u = add(l, "CG099", CG_SEV_WARNING, "./pkg/main.go", 18, 24, "utf-8 before");
    u->loc.end_line = 18, u->loc.end_column = 35;
    cg_diag_relate(l, u, (cg_location){"pkg/keep.c", 6, 1, 0, 0}, "related");
    add(l, "CG000", CG_SEV_NOTE, "pkg/main.go", 20, 2, "suppressed by the same-line directive above");
    add(l, "CG000", CG_SEV_NOTE, "pkg/main.go", 19, 2, "suppressed");
    cg_sink_finish(l, NULL);
    char *out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF, .tool_version = "t"});
    CHECK_CONTAINS(out, "\"version\": \"2.1.0\"");
    CHECK_CONTAINS(out, "\"$schema\": \"https://");
    CHECK_CONTAINS(out, "\"executionSuccessful\": true");
    CHECK_CONTAINS(out, "\"columnKind\": \"unicodeCodePoints\"");
    /* Referenced rules only, sorted: CG000 is rules[0], CG099 rules[1]. */
    CHECK_CONTAINS(out, "\"ruleId\": \"CG000\",\n          \"ruleIndex\": 0,");
    CHECK_CONTAINS(out, "\"ruleId\": \"CG099\",\n          \"ruleIndex\": 1,");
    CHECK(strstr(out, "\"id\": \"CG000\"") && strstr(out, "\"id\": \"CG099\""));
    CHECK(strstr(out, "\"id\": \"CG000\"") < strstr(out, "\"id\": \"CG099\""));
    /* "./" dropped, relative to %SRCROOT%; code point columns for "größe". */
    CHECK_CONTAINS(out, "\"uri\": \"pkg/main.go\",\n                  \"uriBaseId\": \"%SRCROOT%\"");
    CHECK_CONTAINS(out, "\"startColumn\": 24,\n                  \"endLine\": 18,\n"
                        "                  \"endColumn\": 33");
    CHECK_CONTAINS(out, "\"kind\": \"inSource\"");
    CHECK_CONTAINS(out, "\"justification\": \"freed by keep's owner\"");
    CHECK_CONTAINS(out, "\"relatedLocations\": [");
    CHECK_CONTAINS(out, "\"sourceLanguage\": \"c\"");
    CHECK(strstr(out, "originalUriBaseIds") == NULL);
    free(out);

    out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF, .sarif_all_rules = true,
                                      .srcroot_uri = "file:///src/", .execution_failed = true});
    CHECK_CONTAINS(out, "\"%SRCROOT%\": {\n          \"uri\": \"file:///src/\"");
    CHECK_CONTAINS(out, "\"executionSuccessful\": false");
    size_t rules = 0;
    for (const char *p = out; (p = strstr(p, "\"defaultConfiguration\"")); p++) rules++;
    CHECK(rules == cg_catalog_count());
    free(out);
    cg_diag_list_free(l);
}

static char *fingerprint_of(const char *text, unsigned line, const char *id) {
    write_file("f.go", text);
    cg_diag_list *l = cg_diag_list_new();
    add(l, id, CG_SEV_ERROR, "f.go", line, 2, "m");
    cg_sink_finish(l, NULL);
    char *out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF});
    cg_diag_list_free(l);
    const char *p = strstr(out, "\"cgoguard/v1\": \"");
    CHECK(p != NULL);
    char *fp = p ? cg_xstrndup(p + 16, strcspn(p + 16, "\"")) : cg_xstrdup("");
    free(out);
    return fp;
}

static void test_fingerprints(void) {
    char *dir = temp_dir();
    char *cwd = getcwd(NULL, 0);
    CHECK(chdir(dir) == 0);
    char *a = fingerprint_of("package x\n\nfunc f() {\n\tC.keep(p)\n}\n", 4, "CG000");
    /* Unrelated lines above and re-indentation: same fingerprint. */
    char *b = fingerprint_of("package x\n\n// new\n// lines\n\nfunc f() {\n    C.keep( p )\n}\n", 7, "CG000");
    char *c = fingerprint_of("package x\n\nfunc f() {\n\tC.keep(q)\n}\n", 4, "CG000");
    char *d = fingerprint_of("package x\n\nfunc f() {\n\tC.keep(p)\n}\n", 4, "CG099");
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0); /* the code changed */
    CHECK(strcmp(a, d) != 0); /* another rule */
    CHECK(strlen(a) == 18 && cg_str_has_suffix(a, ":1"));
    /* Two identical lines: occurrence 1 and 2. */
    write_file("f.go", "package x\nC.keep(p)\nC.keep(p)\n");
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "f.go", 3, 1, "m");
    add(l, "CG000", CG_SEV_NOTE, "f.go", 2, 1, "m");
    cg_sink_finish(l, NULL);
    char *out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF});
    const char *p1 = strstr(out, "\"cgoguard/v1\"");
    const char *p2 = p1 ? strstr(p1 + 1, "\"cgoguard/v1\"") : NULL;
    CHECK(p1 && p2 && strncmp(p1 + 16, p2 + 16, 16) == 0);
    CHECK(p1 && p1[16 + 17] == '1' && p2 && p2[16 + 17] == '2');
    free(out);
    cg_diag_list_free(l);
    unlink("f.go");
    CHECK(chdir(cwd) == 0);
    rmdir(dir);
    free(a), free(b), free(c), free(d), free(cwd), free(dir);
}

static void test_uris(void) {
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "/abs/dir/x y.go", 1, 1, "abs");
    add(l, "CG000", CG_SEV_NOTE, "/other/z.c", 1, 1, "abs, outside the root");
    add(l, "CG000", CG_SEV_NOTE, "./sub\\win#1.go", 1, 1, "rel");
    char *out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF, .srcroot_uri = "file:///abs/"});
    CHECK_CONTAINS(out, "\"uri\": \"dir/x%20y.go\",\n");
    CHECK_CONTAINS(out, "\"uri\": \"file:///other/z.c\",\n                  \"index\"");
    CHECK_CONTAINS(out, "\"uri\": \"sub/win%231.go\"");
    free(out);
    cg_diag_list_free(l);
}

static void test_catalog(void) {
    size_t n = cg_catalog_count();
    CHECK(n == cg_rule_count() + 2 || n == cg_rule_count() + 1 || n == cg_rule_count());
    cg_catalog_entry prev = {0}, e;
    for (size_t i = 0; i < n; i++) {
        CHECK(cg_catalog_at(i, &e));
        CHECK(e.id && e.name && e.summary);
        if (i) CHECK(strcmp(prev.id, e.id) < 0);
        prev = e;
    }
    CHECK(!cg_catalog_at(n, &e));
    CHECK(cg_catalog_find("CG000", &e) && strcmp(e.name, CG_NAME_INCOMPLETE) == 0);
    CHECK(cg_catalog_find("incomplete-analysis", &e) && strcmp(e.id, "CG000") == 0);
    CHECK(cg_catalog_find("0", &e) && strcmp(e.id, "CG000") == 0);
    CHECK(cg_catalog_find("cg99", &e) && strcmp(e.id, "CG099") == 0 && e.severity == CG_SEV_WARNING);
    CHECK(!cg_catalog_find("CG0991", &e));
    CHECK(!cg_catalog_find("", &e));
    CHECK_STR(cg_catalog_suggest("suppression-without-reasom"), CG_NAME_BAD_SUPPRESSION);
    CHECK(cg_catalog_suggest("completely-different-words") == NULL);
    for (size_t i = 0; i < cg_rule_count(); i++) {
        const cg_rule *r = cg_rule_at(i);
        CHECK(cg_catalog_find(r->id, &e) && strcmp(e.name, r->name) == 0);
    }
}

static void test_explain_and_rules(void) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char *err = NULL;
    CHECK(cg_report_explain(f, "suppression-without-reason", &err) == CG_OK);
    fclose(f);
    CHECK(cg_str_has_prefix(buf, "CG099 suppression-without-reason (warning): "));
    CHECK(buf[len - 1] == '\n');
    free(buf);

    f = open_memstream(&buf, &len);
    CHECK(cg_report_explain(f, "suppression-without-reasn", &err) == CG_ERR_USAGE);
    fclose(f);
    CHECK(len == 0);
    CHECK_STR(err, "unknown rule 'suppression-without-reasn'; did you mean 'suppression-without-reason'?");
    free(err), free(buf);
    err = NULL;
    CHECK(cg_report_explain(stdout, "xyzzy-plugh-frobnicate", &err) == CG_ERR_USAGE);
    CHECK_CONTAINS(err, "cgoguard rules");
    free(err);

    f = open_memstream(&buf, &len);
    cg_report_print_rules(f);
    fclose(f);
    CHECK(cg_str_has_prefix(buf, "ID     NAME"));
    size_t lines = 0;
    for (const char *p = buf; *p; p++) lines += *p == '\n';
    CHECK(lines == cg_catalog_count() + 1);
    const char *row = strstr(buf, "\nCG099  suppression-without-reason ");
    CHECK(row != NULL);
    if (row) CHECK(strstr(row, " warning ") && strstr(row, " warning ") < strchr(row + 1, '\n'));
    free(buf);
}

/* A large file is read once and lexed in one pass; the directive at its end
 * still applies (and nothing in it confuses the lexer). */
static void test_large_file(void) {
    char *dir = temp_dir();
    char *cwd = getcwd(NULL, 0);
    CHECK(chdir(dir) == 0);
    FILE *f = fopen("big.go", "wb");
    CHECK(f != NULL);
    unsigned lines = 0;
    for (; lines < 200000; lines++)
        fputs("\tx = append(x, \"/* not a comment */\", `raw`, '\\'') // comment\n", f);
    fputs("//cgoguard:ignore CG000 at the end of a big file\nend()\n", f);
    fclose(f);
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "big.go", lines + 2, 1, "end");
    add(l, "CG000", CG_SEV_NOTE, "big.go", lines, 2, "before");
    cg_sink_finish(l, NULL);
    CHECK(cg_diag_list_count(l) == 2);
    CHECK(at(l, "CG000", "big.go", lines + 2)->suppressed);
    CHECK(!at(l, "CG000", "big.go", lines)->suppressed);
    cg_diag_list_free(l);
    unlink("big.go");
    CHECK(chdir(cwd) == 0);
    rmdir(dir);
    free(cwd), free(dir);
}

/* CRLF line ends, NUL bytes and absurd columns from a buggy rule: the
 * output stays sane and nothing loops or reads out of bounds. */
static void test_hostile_input(void) {
    char *dir = temp_dir();
    char *cwd = getcwd(NULL, 0);
    CHECK(chdir(dir) == 0);
    FILE *f = fopen("w.go", "wb");
    CHECK(f != NULL);
    fputs("package w\r\n//cgoguard:ignore CG000 windows line ends\r\nx()\r\n", f);
    fwrite("a\0b\n", 1, 4, f);
    fclose(f);
    cg_diag_list *l = cg_diag_list_new();
    add(l, "CG000", CG_SEV_NOTE, "w.go", 3, 1, "crlf");
    cg_diag *far = add(l, "CG000", CG_SEV_NOTE, "w.go", 1, 4000000000u, "far column");
    far->loc.end_line = 1, far->loc.end_column = 4000000001u;
    cg_diag *wide = add(l, "CG000", CG_SEV_NOTE, "w.go", 1, 3, "end far away");
    wide->loc.end_line = 1, wide->loc.end_column = 4000000000u;
    add(l, "CG000", CG_SEV_NOTE, "w.go", 4, 3, "after a NUL");
    cg_sink_finish(l, NULL);
    const cg_diag *crlf = at(l, "CG000", "w.go", 3);
    CHECK(crlf && crlf->suppressed);
    if (crlf) CHECK_STR(crlf->suppression, "windows line ends");
    CHECK_STR(at(l, "CG000", "w.go", 1)->source_line, "package w");
    char *out = emit(l, (cg_report_options){0});
    CHECK_CONTAINS(out, "w.go:1:4000000000: note: far column [CG000 incomplete-analysis]\npackage w\nw.go:4:3:");
    CHECK_CONTAINS(out, "package w\n  ^~~~~~~~\n");
    CHECK_CONTAINS(out, "w.go:4:3: note: after a NUL [CG000 incomplete-analysis]\na\n");
    free(out);
    out = emit(l, (cg_report_options){.format = CG_REPORT_SARIF});
    CHECK_CONTAINS(out, "\"startColumn\": 4000000000,");
    free(out);
    cg_diag_list_free(l);
    unlink("w.go");
    CHECK(chdir(cwd) == 0);
    rmdir(dir);
    free(cwd), free(dir);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"hostile_input", test_hostile_input},
    {"severity", test_severity},
    {"diag_list", test_diag_list},
    {"sort_dedup", test_sort_dedup},
    {"suppress_go", test_suppress_go},
    {"suppress_c", test_suppress_c},
    {"suppress_by_registry_rule", test_suppress_by_registry_rule},
    {"extra_files", test_extra_files},
    {"unreadable_and_limit", test_unreadable_and_limit},
    {"exit_status_and_summary", test_exit_status_and_summary},
    {"json_escape", test_json_escape},
    {"text_output", test_text_output},
    {"sarif", test_sarif},
    {"fingerprints", test_fingerprints},
    {"uris", test_uris},
    {"catalog", test_catalog},
    {"explain_and_rules", test_explain_and_rules},
    {"large_file", test_large_file},
};

int main(int argc, char **argv) {
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        int before = check_failures;
        tests[i].run();
        printf("%s: %s\n", tests[i].name, check_failures == before ? "ok" : "FAILED");
        ran++;
    }
    if (ran == 0) {
        fprintf(stderr, "report_test: no case named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    return check_failures ? 1 : 0;
}
