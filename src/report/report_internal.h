/*
 * report_internal.h: what the files of src/report share and nobody else
 * needs: UTF-8 checking, a small streaming JSON writer (used by the JSON and
 * SARIF emitters) and the three emitters' entry points.
 */
#ifndef CG_REPORT_INTERNAL_H
#define CG_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* Length (1..4) of the well-formed UTF-8 sequence at s (n bytes left), or 0
 * when the bytes there are not well-formed UTF-8 (stray continuation byte,
 * overlong form, surrogate, above U+10FFFF, truncated). */
size_t cg_utf8_seq_len(const unsigned char *s, size_t n);

/* A streaming JSON writer with two-space indentation. Members of objects
 * take a key; array elements pass key NULL. Strings are escaped so that the
 * output is valid JSON and valid UTF-8 whatever the input bytes: control
 * characters become \u escapes, ill-formed UTF-8 becomes U+FFFD. */
enum { CG_JSON_MAX_DEPTH = 32 };
typedef struct cg_json {
    FILE *out;
    int depth;
    bool has_items[CG_JSON_MAX_DEPTH];
} cg_json;

void cg_json_init(cg_json *j, FILE *out);
void cg_json_open_object(cg_json *j, const char *key);
void cg_json_close_object(cg_json *j);
void cg_json_open_array(cg_json *j, const char *key);
void cg_json_close_array(cg_json *j);
void cg_json_string(cg_json *j, const char *key, const char *value); /* NULL: null */
void cg_json_string_n(cg_json *j, const char *key, const char *value, size_t len);
void cg_json_uint(cg_json *j, const char *key, unsigned long long value);
void cg_json_bool(cg_json *j, const char *key, bool value);
void cg_json_null(cg_json *j, const char *key);
/* Ends the document with a newline. */
void cg_json_finish(cg_json *j);

/* The emitters; each returns CG_ERR_IO when the stream reports an error. */
cg_status cg_report_emit_text(FILE *out, const cg_diag_list *list, const cg_report_options *opts);
cg_status cg_report_emit_json(FILE *out, const cg_diag_list *list, const cg_report_options *opts);
cg_status cg_report_emit_sarif(FILE *out, const cg_diag_list *list, const cg_report_options *opts);

const char *cg_report_tool_version(const cg_report_options *opts);

/* A scanned path as a SARIF artifact URI (baseline.c): a relative path
 * becomes a relative reference (forward slashes, no "./", percent-encoded)
 * and *relative is set; an absolute one becomes file:///..., relative again
 * when it lies under srcroot_uri (may be NULL). Caller frees. Fingerprints
 * hash this URI, so SARIF and JSON reports agree on them. */
char *cg_report_path_uri(const char *path, const char *srcroot_uri, bool *relative);

#endif /* CG_REPORT_INTERNAL_H */
