/*
 * json.c: the JSON writer behind `--format=json` and `--format=sarif`, and
 * the UTF-8 check every emitter uses.
 *
 * Source text and identifiers reach messages unfiltered, so a file in
 * Latin-1 or with a stray control byte must still produce a document that
 * any JSON parser and any SARIF consumer accepts: escaping is where that is
 * guaranteed, once. The writer streams to a FILE (a scan with many findings
 * should not be built in memory first) and indents with two spaces so that
 * the golden files and `git diff`s of reports stay readable.
 */
#include "report_internal.h"

#include <string.h>

size_t cg_utf8_seq_len(const unsigned char *s, size_t n) {
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    /* Ranges from the Unicode standard, table 3-7 (well-formed sequences). */
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return len;
}

/* Runs of bytes that need no escaping go out in one fwrite: stdio's
 * per-call cost dominated the SARIF emitter otherwise (bench/report). */
static void write_escaped(FILE *out, const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    fputc('"', out);
    size_t i = 0, run = 0; /* s[run..i) is plain and not yet written */
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t n = c >= 0x80 ? cg_utf8_seq_len(s + i, len - i) : 0;
        if (n) {
            i += n;
            continue;
        }
        fwrite(s + run, 1, i - run, out);
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (c < 0x80) fprintf(out, "\\u%04x", c);   /* control characters */
            else fputs("\\ufffd", out); /* one replacement per ill-formed byte */
        }
        run = ++i;
    }
    fwrite(s + run, 1, i - run, out);
    fputc('"', out);
}

static void indent(FILE *out, int depth) {
    static const char spaces[] = "                                                                ";
    fputc('\n', out);
    fwrite(spaces, 1, (size_t)depth * 2 < sizeof spaces - 1 ? (size_t)depth * 2 : sizeof spaces - 1, out);
}

void cg_json_init(cg_json *j, FILE *out) {
    memset(j, 0, sizeof *j);
    j->out = out;
}

/* Comma, newline and indentation before a value, then its key if any. */
static void begin_value(cg_json *j, const char *key) {
    if (j->depth > 0) {
        if (j->has_items[j->depth]) fputc(',', j->out);
        indent(j->out, j->depth);
    }
    j->has_items[j->depth] = true;
    if (key) {
        write_escaped(j->out, key, strlen(key));
        fputs(": ", j->out);
    }
}

static void open_container(cg_json *j, const char *key, char open) {
    begin_value(j, key);
    fputc(open, j->out);
    CG_ASSERT(j->depth + 1 < CG_JSON_MAX_DEPTH);
    j->depth++;
    j->has_items[j->depth] = false;
}

static void close_container(cg_json *j, char close) {
    CG_ASSERT(j->depth > 0);
    bool had_items = j->has_items[j->depth];
    j->depth--;
    if (had_items) indent(j->out, j->depth);
    fputc(close, j->out);
}

void cg_json_open_object(cg_json *j, const char *key) { open_container(j, key, '{'); }
void cg_json_close_object(cg_json *j) { close_container(j, '}'); }
void cg_json_open_array(cg_json *j, const char *key) { open_container(j, key, '['); }
void cg_json_close_array(cg_json *j) { close_container(j, ']'); }

void cg_json_string(cg_json *j, const char *key, const char *value) {
    if (!value) {
        cg_json_null(j, key);
        return;
    }
    cg_json_string_n(j, key, value, strlen(value));
}

void cg_json_string_n(cg_json *j, const char *key, const char *value, size_t len) {
    begin_value(j, key);
    write_escaped(j->out, value, len);
}

void cg_json_uint(cg_json *j, const char *key, unsigned long long value) {
    begin_value(j, key);
    fprintf(j->out, "%llu", value);
}

void cg_json_bool(cg_json *j, const char *key, bool value) {
    begin_value(j, key);
    fputs(value ? "true" : "false", j->out);
}

void cg_json_null(cg_json *j, const char *key) {
    begin_value(j, key);
    fputs("null", j->out);
}

void cg_json_finish(cg_json *j) {
    CG_ASSERT(j->depth == 0);
    fputc('\n', j->out);
}
