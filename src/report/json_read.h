/*
 * json_read.h: a small JSON reader (RFC 8259) for files cgoguard reads back:
 * --baseline takes a previous JSON or SARIF report. The whole document is
 * parsed into a tree owned by one arena; lookups are by key or index.
 *
 * It is strict, because a baseline that parses "approximately" would hide or
 * invent findings: trailing commas, comments, leading zeros, lone
 * surrogates, control characters in strings, ill-formed UTF-8, data after
 * the value and nesting deeper than CG_JREAD_MAX_DEPTH are
 * errors that name the line and column. Numbers are kept as their text and
 * as a double. String values are NUL-terminated UTF-8 (\u0000 is rejected
 * so that C strings are exact).
 *
 * Thread-safety: a document is immutable after parsing; separate documents
 * are independent.
 */
#ifndef CG_JSON_READ_H
#define CG_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

enum { CG_JREAD_MAX_DEPTH = 256 };

typedef enum cg_jkind {
    CG_JNULL = 0,
    CG_JBOOL,
    CG_JNUMBER,
    CG_JSTRING,
    CG_JARRAY,
    CG_JOBJECT,
} cg_jkind;

typedef struct cg_jvalue cg_jvalue;
struct cg_jvalue {
    cg_jkind kind;
    bool boolean;
    double number;
    const char *text;   /* string value, or the number as written */
    size_t count;       /* array elements or object members */
    cg_jvalue **items;  /* array elements, object member values */
    const char **keys;  /* object member names (NULL for arrays) */
};

typedef struct cg_jdoc {
    cg_arena arena; /* owns every value and string */
    cg_jvalue *root;
} cg_jdoc;

/* Parses len bytes (need not be NUL-terminated). On success fills *doc
 * (free it with cg_jdoc_free) and returns CG_OK. On malformed input returns
 * CG_ERR_PARSE and *err (caller frees) says what and where ("line 3, column
 * 7: expected ',' or '}'"); *doc is then empty. */
cg_status cg_jdoc_parse(const char *data, size_t len, cg_jdoc *doc, char **err);
void cg_jdoc_free(cg_jdoc *doc);

/* The member called key of an object (the last one when repeated), or NULL
 * when v is not an object or has no such member. NULL v gives NULL. */
const cg_jvalue *cg_jvalue_get(const cg_jvalue *v, const char *key);
/* Element i of an array, or NULL. */
const cg_jvalue *cg_jvalue_at(const cg_jvalue *v, size_t i);
/* The string value, or NULL when v is not a string (or NULL). */
const char *cg_jvalue_string(const cg_jvalue *v);

#endif /* CG_JSON_READ_H */
