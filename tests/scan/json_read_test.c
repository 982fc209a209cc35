/*
 * json_read_test.c: the JSON reader behind --baseline (src/report/json_read.h).
 * Valid documents must give exactly the values written; every malformed
 * input must be an error with a position, never a crash or a partial tree
 * (the sanitizer build runs this too). Prints one line per failed check and
 * exits 1 if any failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_read.h"

#define CG_CHECK_CONTINUE
#include "../common/check.h"

static void test_values(void) {
    const char *text = "\xEF\xBB\xBF {\"a\": [1, -2.5e3, 0, true, false, null],\n"
                       " \"s\": \"tab\\there \\\"q\\\" \\/ \\u00e9 \\ud83d\\ude00 caf\xC3\xA9\",\n"
                       " \"o\": {}, \"e\": [], \"dup\": 1, \"dup\": \"last\"}  \n";
    cg_jdoc doc;
    char *err = NULL;
    CHECK(cg_jdoc_parse(text, strlen(text), &doc, &err) == CG_OK);
    if (err) {
        fprintf(stderr, "unexpected error: %s\n", err);
        free(err);
        check_failures++;
        return;
    }
    const cg_jvalue *a = cg_jvalue_get(doc.root, "a");
    CHECK(a && a->kind == CG_JARRAY && a->count == 6);
    CHECK(cg_jvalue_at(a, 0)->kind == CG_JNUMBER && cg_jvalue_at(a, 0)->number == 1);
    CHECK(cg_jvalue_at(a, 1)->number == -2500 && strcmp(cg_jvalue_at(a, 1)->text, "-2.5e3") == 0);
    CHECK(cg_jvalue_at(a, 2)->number == 0);
    CHECK(cg_jvalue_at(a, 3)->kind == CG_JBOOL && cg_jvalue_at(a, 3)->boolean);
    CHECK(cg_jvalue_at(a, 4)->kind == CG_JBOOL && !cg_jvalue_at(a, 4)->boolean);
    CHECK(cg_jvalue_at(a, 5)->kind == CG_JNULL);
    CHECK(cg_jvalue_at(a, 6) == NULL);
    CHECK(strcmp(cg_jvalue_string(cg_jvalue_get(doc.root, "s")),
                 "tab\there \"q\" / \xC3\xA9 \xF0\x9F\x98\x80 caf\xC3\xA9") == 0);
    CHECK(cg_jvalue_get(doc.root, "o")->kind == CG_JOBJECT && cg_jvalue_get(doc.root, "o")->count == 0);
    CHECK(cg_jvalue_get(doc.root, "e")->kind == CG_JARRAY && cg_jvalue_get(doc.root, "e")->count == 0);
    CHECK(strcmp(cg_jvalue_string(cg_jvalue_get(doc.root, "dup")), "last") == 0);
    CHECK(cg_jvalue_get(doc.root, "missing") == NULL);
    CHECK(cg_jvalue_get(a, "x") == NULL && cg_jvalue_string(a) == NULL && cg_jvalue_get(NULL, "x") == NULL);
    cg_jdoc_free(&doc);

    /* Scalars at the top level are JSON too. */
    CHECK(cg_jdoc_parse("\"x\"", 3, &doc, &err) == CG_OK && doc.root->kind == CG_JSTRING);
    cg_jdoc_free(&doc);
    /* Length, not NUL, ends the input. */
    CHECK(cg_jdoc_parse("[1]garbage", 3, &doc, &err) == CG_OK && doc.root->count == 1);
    cg_jdoc_free(&doc);
}

/* Each must fail, and the message must contain `where`. */
static void expect_error(const char *text, size_t len, const char *where) {
    cg_jdoc doc;
    char *err = NULL;
    cg_status st = cg_jdoc_parse(text, len, &doc, &err);
    if (st != CG_ERR_PARSE || !err || !strstr(err, where)) {
        fprintf(stderr, "input %.40s: status %d, error '%s', want one containing '%s'\n", text, (int)st,
                err ? err : "(none)", where);
        check_failures++;
    }
    CHECK(st != CG_OK || doc.root != NULL);
    if (st == CG_OK) cg_jdoc_free(&doc);
    free(err);
}

static void test_errors(void) {
    static const struct {
        const char *text, *where;
    } cases[] = {
        {"", "line 1, column 1: unexpected end"},
        {"   \n  ", "line 2, column 3"},
        {"{", "expected a string key"},
        {"{\"a\" 1}", "expected ':'"},
        {"{\"a\": 1,}", "expected a string key"},
        {"[1, 2,]", "expected a value"},
        {"[1 2]", "expected ',' or ']'"},
        {"{\"a\": 1 \"b\": 2}", "expected ',' or '}'"},
        {"{'a': 1}", "expected a string key"},
        {"[01]", "leading zero"},
        {"[-]", "malformed number"},
        {"[1.]", "digits must follow"},
        {"[1e]", "bad exponent"},
        {"[.5]", "expected a value"},
        {"[+1]", "expected a value"},
        {"[1e999]", "out of range"},
        {"[tru]", "expected a value"},
        {"[nul", "expected a value"},
        {"\"abc", "unterminated string"},
        {"\"abc\\", "unterminated string"},
        {"\"a\tb\"", "control character"},
        {"\"\\x\"", "unknown escape"},
        {"\"\\u12\"", "bad \\u escape"},
        {"\"\\ud800\"", "without its low half"},
        {"\"\\ud800\\u0041\"", "without its low half"},
        {"\"\\udc00\"", "lone low surrogate"},
        {"\"\\u0000\"", "\\u0000"},
        {"\"\xC3\x28\"", "ill-formed UTF-8"},
        {"\"\xED\xA0\x80\"", "ill-formed UTF-8"},
        {"{} {}", "unexpected data after"},
        {"[1] x", "line 1, column 5: unexpected data after"},
        {"/* c */ {}", "expected a value"},
        {"[1,\n 2,\n x]", "line 3, column 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(cases[i].text, strlen(cases[i].text), cases[i].where);
    /* A NUL byte inside the input is not whitespace. */
    expect_error("[1]\0", 4, "unexpected data after");

    /* Nesting: the limit is accepted, one more is an error (no stack overflow
     * however deep the input goes). */
    size_t deep = 100000;
    char *s = malloc(2 * deep + 1);
    for (size_t n = CG_JREAD_MAX_DEPTH; n <= CG_JREAD_MAX_DEPTH + 1; n++) {
        memset(s, '[', n);
        memset(s + n, ']', n);
        cg_jdoc doc;
        char *err = NULL;
        cg_status st = cg_jdoc_parse(s, 2 * n, &doc, &err);
        CHECK((st == CG_OK) == (n == CG_JREAD_MAX_DEPTH));
        if (st == CG_OK) cg_jdoc_free(&doc);
        free(err);
    }
    memset(s, '[', deep);
    memset(s + deep, ']', deep);
    expect_error(s, 2 * deep, "nesting too deep");
    free(s);

    /* Every prefix of a valid document is an error, never a crash. */
    const char *doc_text = "{\"runs\": [{\"results\": [{\"ruleId\": \"CG001\", \"n\": -1.5e-3, \"u\": \"\\u00e9\"}]}]}";
    size_t len = strlen(doc_text);
    for (size_t n = 0; n < len; n++) {
        cg_jdoc doc;
        char *err = NULL;
        cg_status st = cg_jdoc_parse(doc_text, n, &doc, &err);
        /* "{...-1" style prefixes may end in a number only inside containers, so none is valid. */
        CHECK(st == CG_ERR_PARSE && err != NULL);
        if (st == CG_OK) cg_jdoc_free(&doc);
        free(err);
    }
}

int main(void) {
    test_values();
    test_errors();
    if (check_failures) {
        fprintf(stderr, "%d checks failed\n", check_failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
