/*
 * json_read.c: the strict JSON reader of json_read.h.
 *
 * A recursive-descent parser over a byte range. Recursion is bounded by
 * CG_JREAD_MAX_DEPTH, so hostile nesting ends in an error, not a stack
 * overflow. Children are gathered in a growable vector per container and
 * copied into the arena when the container closes, so the arena holds only
 * the final tree. The first error stops the parse; its position is computed
 * from the offset only then (no line counting on the hot path).
 */
#include "json_read.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct reader {
    const char *s;
    size_t len, pos;
    cg_arena *arena;
    char *err; /* first error, with its position */
} reader;

static void fail_at(reader *r, size_t at, const char *what) {
    if (r->err) return;
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < at && i < r->len; i++) {
        if (r->s[i] == '\n') line++, col = 1;
        else col++;
    }
    r->err = cg_xasprintf("line %u, column %u: %s", line, col, what);
}

static void skip_ws(reader *r) {
    while (r->pos < r->len) {
        char c = r->s[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        r->pos++;
    }
}

static bool literal(reader *r, const char *word) {
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0) return false;
    r->pos += n;
    return true;
}

static int hex4(reader *r) {
    if (r->len - r->pos < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->s[r->pos + (size_t)i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    r->pos += 4;
    return v;
}

static void put_utf8(cg_strbuf *sb, uint32_t cp) {
    if (cp < 0x80) {
        cg_strbuf_append_char(sb, (char)cp);
    } else if (cp < 0x800) {
        cg_strbuf_append_char(sb, (char)(0xC0 | (cp >> 6)));
        cg_strbuf_append_char(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        cg_strbuf_append_char(sb, (char)(0xE0 | (cp >> 12)));
        cg_strbuf_append_char(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        cg_strbuf_append_char(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        cg_strbuf_append_char(sb, (char)(0xF0 | (cp >> 18)));
        cg_strbuf_append_char(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        cg_strbuf_append_char(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        cg_strbuf_append_char(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

/* \uXXXX (the backslash and 'u' already read), joining surrogate pairs. */
static bool unicode_escape(reader *r, cg_strbuf *sb) {
    size_t at = r->pos - 2;
    int hi = hex4(r);
    if (hi < 0) return fail_at(r, at, "bad \\u escape (want four hex digits)"), false;
    uint32_t cp = (uint32_t)hi;
    if (hi >= 0xDC00 && hi <= 0xDFFF) return fail_at(r, at, "lone low surrogate in \\u escape"), false;
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        if (!(r->len - r->pos >= 2 && r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u'))
            return fail_at(r, at, "high surrogate in \\u escape without its low half"), false;
        r->pos += 2;
        int lo = hex4(r);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail_at(r, at, "high surrogate in \\u escape without its low half"), false;
        cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
    }
    if (cp == 0) return fail_at(r, at, "\\u0000 in a string is not supported"), false;
    put_utf8(sb, cp);
    return true;
}

/* A string (at the opening quote); returns it in the arena or NULL. */
static const char *string(reader *r) {
    size_t start = r->pos++;
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    for (;;) {
        if (r->pos >= r->len) {
            fail_at(r, start, "unterminated string");
            break;
        }
        unsigned char c = (unsigned char)r->s[r->pos];
        if (c == '"') {
            r->pos++;
            const char *out = cg_arena_strndup(r->arena, sb.data ? sb.data : "", sb.len);
            cg_strbuf_free(&sb);
            return out;
        }
        if (c < 0x20) {
            fail_at(r, r->pos, "control character in a string (must be escaped)");
            break;
        }
        if (c == '\\') {
            if (r->pos + 1 >= r->len) {
                fail_at(r, start, "unterminated string");
                break;
            }
            char e = r->s[r->pos + 1];
            r->pos += 2;
            const char *plain = strchr("\"\\/bfnrt", e);
            if (e == 'u') {
                if (!unicode_escape(r, &sb)) break;
            } else if (e && plain) {
                static const char decoded[] = "\"\\/\b\f\n\r\t";
                cg_strbuf_append_char(&sb, decoded[plain - "\"\\/bfnrt"]);
            } else {
                fail_at(r, r->pos - 2, "unknown escape in a string");
                break;
            }
            continue;
        }
        size_t n = c < 0x80 ? 1 : cg_utf8_seq_len((const unsigned char *)r->s + r->pos, r->len - r->pos);
        if (n == 0) {
            fail_at(r, r->pos, "ill-formed UTF-8 in a string");
            break;
        }
        cg_strbuf_append_n(&sb, r->s + r->pos, n);
        r->pos += n;
    }
    cg_strbuf_free(&sb);
    return NULL;
}

static bool digits(reader *r) {
    size_t start = r->pos;
    while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') r->pos++;
    return r->pos > start;
}

/* The RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(reader *r, cg_jvalue *v) {
    size_t start = r->pos;
    if (r->s[r->pos] == '-') r->pos++;
    if (r->pos < r->len && r->s[r->pos] == '0') {
        r->pos++;
        if (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
            return fail_at(r, start, "leading zero in a number"), false;
    } else if (!digits(r)) {
        return fail_at(r, start, "malformed number"), false;
    }
    if (r->pos < r->len && r->s[r->pos] == '.') {
        r->pos++;
        if (!digits(r)) return fail_at(r, start, "malformed number (digits must follow '.')"), false;
    }
    if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
        r->pos++;
        if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-')) r->pos++;
        if (!digits(r)) return fail_at(r, start, "malformed number (bad exponent)"), false;
    }
    v->kind = CG_JNUMBER;
    v->text = cg_arena_strndup(r->arena, r->s + start, r->pos - start);
    errno = 0;
    v->number = strtod(v->text, NULL); /* the grammar is checked: strtod reads it all */
    if (errno == ERANGE && isinf(v->number)) return fail_at(r, start, "number out of range"), false;
    return true;
}

static cg_jvalue *value(reader *r, int depth);

typedef CG_VEC(cg_jvalue *) value_vec;
typedef CG_VEC(const char *) key_vec;

/* Copies the gathered children into the arena. */
static void seal(reader *r, cg_jvalue *v, value_vec *items, key_vec *keys) {
    v->count = items->len;
    if (items->len) {
        v->items = cg_arena_alloc(r->arena, items->len * sizeof(*v->items));
        memcpy(v->items, items->items, items->len * sizeof(*v->items));
        if (keys) {
            v->keys = cg_arena_alloc(r->arena, keys->len * sizeof(*v->keys));
            memcpy(v->keys, keys->items, keys->len * sizeof(*v->keys));
        }
    }
    cg_vec_free(items);
    if (keys) cg_vec_free(keys);
}

static bool container(reader *r, cg_jvalue *v, int depth) {
    bool object = r->s[r->pos] == '{';
    char close = object ? '}' : ']';
    v->kind = object ? CG_JOBJECT : CG_JARRAY;
    r->pos++;
    value_vec items = {0};
    key_vec keys = {0};
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == close) {
        r->pos++;
        seal(r, v, &items, object ? &keys : NULL);
        return true;
    }
    for (;;) {
        if (object) {
            skip_ws(r);
            if (r->pos >= r->len || r->s[r->pos] != '"') {
                fail_at(r, r->pos, "expected a string key");
                break;
            }
            const char *key = string(r);
            if (!key) break;
            skip_ws(r);
            if (r->pos >= r->len || r->s[r->pos] != ':') {
                fail_at(r, r->pos, "expected ':' after an object key");
                break;
            }
            r->pos++;
            cg_vec_push(&keys, key);
        }
        cg_jvalue *child = value(r, depth + 1);
        if (!child) break;
        cg_vec_push(&items, child);
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == close) {
            r->pos++;
            seal(r, v, &items, object ? &keys : NULL);
            return true;
        }
        fail_at(r, r->pos, object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    cg_vec_free(&items);
    cg_vec_free(&keys);
    return false;
}

static cg_jvalue *value(reader *r, int depth) {
    skip_ws(r);
    if (depth > CG_JREAD_MAX_DEPTH) {
        fail_at(r, r->pos, "nesting too deep");
        return NULL;
    }
    if (r->pos >= r->len) {
        fail_at(r, r->pos, "unexpected end of input (expected a value)");
        return NULL;
    }
    cg_jvalue *v = cg_arena_alloc(r->arena, sizeof(*v));
    char c = r->s[r->pos];
    bool ok = true;
    if (c == '{' || c == '[') {
        ok = container(r, v, depth);
    } else if (c == '"') {
        v->kind = CG_JSTRING;
        ok = (v->text = string(r)) != NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        ok = number(r, v);
    } else if (literal(r, "true")) {
        v->kind = CG_JBOOL, v->boolean = true;
    } else if (literal(r, "false")) {
        v->kind = CG_JBOOL;
    } else if (literal(r, "null")) {
        v->kind = CG_JNULL;
    } else {
        fail_at(r, r->pos, "expected a value");
        ok = false;
    }
    return ok ? v : NULL;
}

cg_status cg_jdoc_parse(const char *data, size_t len, cg_jdoc *doc, char **err) {
    memset(doc, 0, sizeof(*doc));
    cg_arena_init(&doc->arena);
    reader r = {data, len, 0, &doc->arena, NULL};
    /* A UTF-8 byte order mark is tolerated: some editors write one. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) r.pos = 3;
    cg_jvalue *root = value(&r, 1);
    if (root) {
        skip_ws(&r);
        if (r.pos < r.len) fail_at(&r, r.pos, "unexpected data after the JSON value");
    }
    if (r.err) {
        *err = r.err;
        cg_jdoc_free(doc);
        return CG_ERR_PARSE;
    }
    doc->root = root;
    return CG_OK;
}

void cg_jdoc_free(cg_jdoc *doc) {
    cg_arena_free(&doc->arena);
    doc->root = NULL;
}

const cg_jvalue *cg_jvalue_get(const cg_jvalue *v, const char *key) {
    if (!v || v->kind != CG_JOBJECT) return NULL;
    for (size_t i = v->count; i-- > 0;)
        if (strcmp(v->keys[i], key) == 0) return v->items[i];
    return NULL;
}

const cg_jvalue *cg_jvalue_at(const cg_jvalue *v, size_t i) {
    if (!v || v->kind != CG_JARRAY || i >= v->count) return NULL;
    return v->items[i];
}

const char *cg_jvalue_string(const cg_jvalue *v) {
    return v && v->kind == CG_JSTRING ? v->text : NULL;
}
