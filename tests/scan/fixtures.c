/*
 * fixtures.c: the annotated-source test runner (in the spirit of Go's
 * analysistest and sparse's validation suite).
 *
 *   fixtures DIR      scans DIR/... and compares findings with expectations
 *   fixtures --self-test TESTDATA_RULES_DIR
 *                     checks every registered rule: well-formed descriptor,
 *                     an embedded doc, and a fixture folder with at least 4
 *                     positive (want) and 4 look-alike safe (// safe:) cases
 *
 * Expectations are comments on the line that must be reported:
 *   Go:  code // want CG001 CG006
 *   C:   code  / * want CG005 * /   (or "// want CG005" in C and in preambles)
 *   `want CG017:note` also requires the finding's severity;
 *   `want CG001@13` also requires the column of the finding's start;
 *   `want CG001 "holds Go pointers: .*map"` also requires its message to
 *   match a POSIX extended regex (as analysistest does; \" inside);
 *   a comment line "// want-next CG000" expects on the line after it, for
 *   lines that cannot carry a comment (a #cgo directive takes it as text).
 * A line without `want` must stay silent. `want CG001 known-to-fail` marks a
 * known false negative: a miss is tolerated (and counted), a hit fails so the
 * marker gets removed. The runner fails on a missed and on an unexpected finding.
 */
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/scan.h"
#include "rules/rule.h"

typedef struct expectation {
    char *file;
    unsigned line;
    char id[8];
    char severity[8]; /* "" or "note"/"warning"/"error": CG017:note */
    unsigned column;  /* 0, or the required start column: CG001@13 */
    char *pattern;    /* NULL, or the regex the message must match */
    regex_t regex;
    bool known_to_fail;
    bool matched;
} expectation;

typedef CG_VEC(expectation) expectation_vec;

static void expectation_free(expectation *e) {
    free(e->file);
    if (e->pattern) regfree(&e->regex);
    free(e->pattern);
}

static void parse_expectations(const char *path, expectation_vec *out, size_t *safe_markers) {
    char *text = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(path, 64u << 20, &text, &len, &err) != CG_OK) {
        free(err);
        return;
    }
    unsigned lineno = 1;
    for (char *line = text; line && *line; lineno++) {
        char *eol = strchr(line, '\n');
        if (eol) *eol = '\0';
        if (strstr(line, "// safe:")) (*safe_markers)++;
        /* "want-next CG000" expects on the following line, for lines that
         * cannot carry a comment (a #cgo directive passes it on as text). */
        char *want = strstr(line, "want CG");
        unsigned target = lineno;
        size_t skip = 5;
        if (!want && (want = strstr(line, "want-next CG")) != NULL) {
            target = lineno + 1;
            skip = 10;
        }
        if (want && (want == line || strchr(" \t*/", want[-1]))) {
            bool known = strstr(want, "known-to-fail") != NULL;
            for (char *p = want + skip; *p;) {
                while (*p == ' ' || *p == ',') p++;
                if (strncmp(p, "CG", 2) != 0 || !isdigit((unsigned char)p[2])) break;
                expectation e = {.file = cg_xstrdup(path), .line = target, .known_to_fail = known};
                size_t n = 0;
                while (n < 7 && (isalnum((unsigned char)p[n]))) n++;
                memcpy(e.id, p, n);
                p += n;
                if (*p == ':') { /* an expected severity */
                    size_t m = 1;
                    while (m < 8 && islower((unsigned char)p[m])) m++;
                    memcpy(e.severity, p + 1, m - 1);
                    p += m;
                }
                if (*p == '@') /* a required column */
                    e.column = (unsigned)strtoul(p + 1, &p, 10);
                while (*p == ' ') p++;
                if (*p == '"') { /* a message pattern, up to the closing quote */
                    cg_strbuf sb;
                    cg_strbuf_init(&sb);
                    for (p++; *p && *p != '"'; p++) {
                        if (*p == '\\' && p[1] == '"') p++;
                        cg_strbuf_append_char(&sb, *p);
                    }
                    if (*p == '"') p++;
                    e.pattern = cg_strbuf_detach(&sb);
                    if (regcomp(&e.regex, e.pattern, REG_EXTENDED | REG_NOSUB) != 0) {
                        printf("BADPATTERN  %s:%u: %s\n", path, target, e.pattern);
                        free(e.pattern);
                        e.pattern = NULL;
                        e.column = UINT32_MAX; /* never matches: the test fails */
                    }
                }
                cg_vec_push(out, e);
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    free(text);
}

static void collect_files(const char *dir, cg_strvec *out) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.') continue;
        char *path = cg_path_join(dir, ent->d_name);
        if (cg_is_dir(path)) {
            collect_files(path, out);
            free(path);
        } else if (cg_str_has_suffix(path, ".go") || cg_str_has_suffix(path, ".c") ||
                   cg_str_has_suffix(path, ".h")) {
            cg_vec_push(out, path);
        } else {
            free(path);
        }
    }
    closedir(d);
}

/* The same file, also when one path goes through ".." (a header reached by
 * -I${SRCDIR}/../include is named that way). */
static bool same_file(const char *a, const char *b) {
    if (strcmp(a, b) == 0) return true;
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    bool same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

static int run_fixture(const char *dir) {
    cg_strvec files = {0};
    collect_files(dir, &files);
    expectation_vec want = {0};
    size_t safe_markers = 0;
    for (size_t i = 0; i < files.len; i++) parse_expectations(files.items[i], &want, &safe_markers);

    char *pattern = cg_xasprintf("%s/...", dir);
    const char *patterns[] = {pattern};
    cg_scan_options opts = {0};
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.target.go_minor = 99;
    opts.go_minor = 0; /* latest semantics */
    cg_scan_result result;
    cg_scan(patterns, 1, &opts, &result);

    int failures = 0;
    for (size_t i = 0; i < result.errors.len; i++) {
        printf("ERROR  %s\n", result.errors.items[i]);
        failures++;
    }
    size_t count = cg_diag_list_count(result.diags);
    for (size_t i = 0; i < count; i++) {
        const cg_diag *d = cg_diag_list_at_const(result.diags, i);
        if (d->suppressed) continue;
        bool expected = false;
        for (size_t j = 0; j < want.len; j++) {
            expectation *e = &want.items[j];
            if (e->line == d->loc.line && strcmp(e->id, d->rule_id) == 0 &&
                same_file(e->file, d->loc.file) &&
                (!e->severity[0] || strcmp(e->severity, cg_severity_name(d->severity)) == 0) &&
                (!e->column || e->column == d->loc.column) &&
                (!e->pattern || regexec(&e->regex, d->message, 0, NULL, 0) == 0)) {
                e->matched = true;
                expected = true;
            }
        }
        if (!expected) {
            printf("UNEXPECTED  %s:%u:%u: %s [%s]\n", d->loc.file, d->loc.line, d->loc.column,
                   d->message, d->rule_id);
            failures++;
        }
        /* One finding once: a header shared by packages (or units) is
         * still one place, however its path was spelled. */
        for (size_t k = 0; k < i; k++) {
            const cg_diag *o = cg_diag_list_at_const(result.diags, k);
            if (o->suppressed || o->loc.line != d->loc.line || o->loc.column != d->loc.column ||
                strcmp(o->rule_id, d->rule_id) != 0 || strcmp(o->message, d->message) != 0 ||
                !same_file(o->loc.file, d->loc.file))
                continue;
            printf("DUPLICATE  %s:%u:%u: reported again as %s [%s]\n", o->loc.file, o->loc.line,
                   o->loc.column, d->loc.file, d->rule_id);
            failures++;
            break;
        }
    }
    size_t known_missed = 0;
    for (size_t j = 0; j < want.len; j++) {
        expectation *e = &want.items[j];
        if (e->matched && e->known_to_fail) {
            printf("FIXED  %s:%u: %s is found now: remove its known-to-fail marker\n", e->file, e->line, e->id);
            failures++;
        } else if (!e->matched && e->known_to_fail) {
            known_missed++;
        } else if (!e->matched) {
            printf("MISSED  %s:%u: expected %s%s%s%s\n", e->file, e->line, e->id, e->pattern ? " matching \"" : "",
                   e->pattern ? e->pattern : "", e->pattern ? "\"" : "");
            failures++;
        }
    }
    printf("%s %s: %zu expectations, %zu findings, %zu known false negatives, %zu safe cases\n",
           failures ? "FAIL" : "ok", dir, want.len, count, known_missed, safe_markers);
    for (size_t j = 0; j < want.len; j++) expectation_free(&want.items[j]);
    cg_vec_free(&want);
    cg_scan_result_free(&result);
    cg_strvec_free(&files);
    free(pattern);
    return failures ? 1 : 0;
}

static bool summary_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 60 || s[n - 1] == '.') return false;
    return islower((unsigned char)s[0]) || isdigit((unsigned char)s[0]);
}

static bool name_ok(const char *s) {
    if (!*s || *s == '-') return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-')) return false;
    return true;
}

static int self_test(const char *rules_dir) {
    int failures = 0;
    const char *prev = "";
    for (size_t i = 0; i < cg_rule_count(); i++) {
        const cg_rule *r = cg_rule_at(i);
        const char *problem = NULL;
        if (strlen(r->id) != 5 || strncmp(r->id, "CG", 2) != 0) problem = "id is not CGnnn";
        else if (strcmp(prev, r->id) >= 0) problem = "rules.def is not sorted by id (or has a duplicate)";
        else if (!name_ok(r->name)) problem = "name is not kebab-case";
        else if (!r->summary || !summary_ok(r->summary)) problem = "summary must be lowercase, <= 60 chars, no final period";
        else if (!r->check) problem = "no check function";
        else if (!cg_rule_doc(r->id)) problem = "no docs/rules/<id>.md";
        char *dir = cg_path_join(rules_dir, r->id);
        if (!problem && !cg_is_dir(dir)) problem = "no fixture folder testdata/rules/<id>";
        if (!problem) {
            cg_strvec files = {0};
            collect_files(dir, &files);
            expectation_vec want = {0};
            size_t safe = 0, positives = 0;
            for (size_t f = 0; f < files.len; f++) parse_expectations(files.items[f], &want, &safe);
            for (size_t j = 0; j < want.len; j++) {
                if (strcmp(want.items[j].id, r->id) == 0) positives++;
                expectation_free(&want.items[j]);
            }
            cg_vec_free(&want);
            cg_strvec_free(&files);
            if (positives < 4) problem = "fewer than 4 positive fixture cases (// want <id>)";
            else if (safe < 4) problem = "fewer than 4 look-alike safe cases (// safe: ...)";
        }
        free(dir);
        printf("%s %s %s%s%s\n", problem ? "FAIL" : "ok", r->id, r->name, problem ? ": " : "",
               problem ? problem : "");
        if (problem) failures++;
        prev = r->id;
    }
    if (!cg_rule_doc(CG_ID_INCOMPLETE) || !cg_rule_doc(CG_ID_BAD_SUPPRESSION)) {
        printf("FAIL meta ids CG000/CG099 need docs/rules/CG000.md and CG099.md\n");
        failures++;
    }
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--self-test") == 0) return self_test(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: fixtures DIR | fixtures --self-test TESTDATA_RULES_DIR\n");
        return 2;
    }
    return run_fixture(argv[1]);
}
