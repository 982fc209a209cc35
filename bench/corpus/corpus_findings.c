/*
 * corpus_findings: turns one `cgoguard scan --format=json` report of a corpus module into one
 * TSV line per finding, keyed by a fingerprint that the judged ledger (verdicts.tsv) uses.
 *
 *   corpus_findings MODULE MODULE_ROOT REPORT.json
 *
 * MODULE is the module path without version; MODULE_ROOT is the directory the scan ran in (the
 * report's relative paths are relative to it). Output columns (tab-separated, one line each):
 *
 *   fingerprint  module  rule  severity  file:line  function  message
 *
 * The fingerprint survives unrelated edits of the scanned code and of the scanner's wording: it
 * hashes the rule id, the module path, the file path relative to the module root (outside the
 * module: the absolute path with every "@version" element removed), the whitespace-normalised
 * text of the primary source line and the name of the enclosing Go or C function (found by a
 * cheap backwards look for the definition). Line numbers and messages are not in it. Findings with
 * the same key are told apart by an occurrence counter in report order (":1", ":2", ...). The
 * JSON "fingerprint" field is not used (it hashes the path relative to the working directory).
 *
 * Exits 0, or 2 on bad usage or an unreadable/malformed report (the message says which).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "report/json_read.h"

enum { MAX_SOURCE = 64 << 20 };

/* A source file read once, split into lines (pointers into data, NUL-terminated in place). */
typedef struct source {
    char *data;
    char **lines;
    size_t nlines;
} source;

static source *source_load(cg_strmap *cache, const char *path) {
    source *s = cg_strmap_get(cache, path);
    if (s) return s;
    s = cg_xcalloc(1, sizeof *s);
    size_t len = 0;
    char *err = NULL;
    if (cg_read_file(path, MAX_SOURCE, &s->data, &len, &err) != CG_OK) {
        free(err); /* unreadable: the line text is empty, the key still has file and rule */
        s->data = NULL;
    } else {
        size_t cap = 1024;
        s->lines = cg_xmalloc(cap * sizeof *s->lines);
        char *p = s->data;
        while (p < s->data + len) {
            if (s->nlines == cap) {
                cap *= 2;
                s->lines = cg_xrealloc(s->lines, cap * sizeof *s->lines);
            }
            s->lines[s->nlines++] = p;
            char *nl = memchr(p, '\n', (size_t)(s->data + len - p));
            if (!nl) break;
            *nl = '\0';
            p = nl + 1;
        }
    }
    cg_strmap_put(cache, path, s);
    return s;
}

static const char *source_line(const source *s, long line) {
    if (!s->data || line < 1 || (size_t)line > s->nlines) return "";
    return s->lines[line - 1];
}

/* Collapses runs of whitespace to one space, trims both ends, drops a leading "//" (preamble
 * lines written as line comments) so that reformatting does not change the key. */
static char *normalise(const char *text) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    while (isspace((unsigned char)*text)) text++;
    if (text[0] == '/' && text[1] == '/') text += 2;
    bool space = false;
    for (; *text; text++) {
        if (isspace((unsigned char)*text)) {
            space = true;
            continue;
        }
        if (space && sb.len) cg_strbuf_append_char(&sb, ' ');
        space = false;
        cg_strbuf_append_char(&sb, *text);
    }
    return cg_strbuf_detach(&sb);
}

static bool is_ident(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* "func (r *T[K]) Name[...](" -> "T.Name"; "func Name(" -> "Name". */
static char *go_func_name(const char *l) {
    const char *p = l + 5;
    char recv[128] = "";
    if (*p == '(') {
        const char *close = strchr(p, ')');
        if (!close) return cg_xstrdup("");
        /* the receiver type is the last identifier before ')' or '[' */
        const char *end = close;
        const char *br = memchr(p, '[', (size_t)(close - p));
        if (br) end = br;
        const char *b = end;
        while (b > p && !is_ident(b[-1])) b--;
        const char *e = b;
        while (b > p && is_ident(b[-1])) b--;
        snprintf(recv, sizeof recv, "%.*s.", (int)(e - b), b);
        p = close + 1;
        while (*p == ' ') p++;
    }
    const char *b = p;
    while (is_ident(*p)) p++;
    return cg_xasprintf("%s%.*s", recv, (int)(p - b), b);
}

/* A C function definition head at column 0: "type name(" not ending in ';', not a preprocessor
 * line, not a typedef; the identifier before the first '(' is the name. */
static char *c_func_name(const char *l) {
    if (!is_ident(l[0]) || cg_str_has_prefix(l, "typedef") || cg_str_has_prefix(l, "extern ") ||
        cg_str_has_prefix(l, "return") || cg_str_has_prefix(l, "else"))
        return NULL;
    const char *paren = strchr(l, '(');
    if (!paren) return NULL;
    size_t n = strlen(l);
    while (n && isspace((unsigned char)l[n - 1])) n--;
    if (n && l[n - 1] == ';') return NULL;
    if (strchr(l, '=') && strchr(l, '=') < paren) return NULL; /* an initialiser */
    const char *e = paren;
    while (e > l && isspace((unsigned char)e[-1])) e--;
    const char *b = e;
    while (b > l && is_ident(b[-1])) b--;
    if (b == e) return NULL;
    return cg_xstrndup(b, (size_t)(e - b));
}

/* The enclosing function of line (1-based): the nearest definition head above it. In a .go file,
 * lines above `import "C"` are preamble C. */
static char *enclosing(const source *s, const char *path, long line) {
    if (!s->data || line < 1 || (size_t)line > s->nlines) return cg_xstrdup("");
    bool go = cg_str_has_suffix(path, ".go");
    long import_c = 0;
    if (go) {
        for (size_t i = 0; i < s->nlines; i++) {
            if (cg_str_has_prefix(s->lines[i], "import \"C\"") ||
                (strcmp(s->lines[i], "\t\"C\"") == 0)) {
                import_c = (long)i + 1;
                break;
            }
        }
    }
    bool c_side = !go || line < import_c;
    for (long i = line; i >= 1; i--) {
        const char *l = s->lines[i - 1];
        if (go && !c_side) {
            if (cg_str_has_prefix(l, "func ")) return go_func_name(l);
            continue;
        }
        if (go && cg_str_has_prefix(l, "//")) l += 2 + (l[2] == ' ');
        char *name = c_func_name(l);
        if (name) return name;
    }
    return cg_xstrdup("");
}

/* Path relative to the module root; outside it, absolute without "@version" elements. */
static char *key_path(const char *file, const char *root) {
    size_t rl = strlen(root);
    if (file[0] == '/' && strncmp(file, root, rl) == 0 && file[rl] == '/') file += rl + 1;
    while (file[0] == '.' && file[1] == '/') file += 2;
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    for (const char *p = file; *p; p++) {
        if (*p == '@') {
            while (*p && *p != '/') p++;
            if (!*p) break;
        }
        cg_strbuf_append_char(&sb, *p);
    }
    return cg_strbuf_detach(&sb);
}

static void put_field(const char *s) {
    for (; *s; s++) putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: corpus_findings MODULE MODULE_ROOT REPORT.json\n");
        return 2;
    }
    const char *module = argv[1], *root = argv[2], *report = argv[3];
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(report, (size_t)1 << 30, &data, &len, &err) != CG_OK) {
        fprintf(stderr, "corpus_findings: %s: %s\n", report, err ? err : "cannot read");
        free(err);
        return 2;
    }
    cg_jdoc doc;
    if (cg_jdoc_parse(data, len, &doc, &err) != CG_OK) {
        fprintf(stderr, "corpus_findings: %s: %s\n", report, err);
        free(err);
        free(data);
        return 2;
    }
    const cg_jvalue *findings = cg_jvalue_get(doc.root, "findings");
    if (!findings || findings->kind != CG_JARRAY) {
        fprintf(stderr, "corpus_findings: %s: no \"findings\" array\n", report);
        return 2;
    }
    cg_strmap sources, seen;
    cg_strmap_init(&sources);
    cg_strmap_init(&seen);
    for (size_t i = 0; i < findings->count; i++) {
        const cg_jvalue *f = findings->items[i];
        const char *rule = cg_jvalue_string(cg_jvalue_get(f, "rule_id"));
        const char *sev = cg_jvalue_string(cg_jvalue_get(f, "severity"));
        const char *file = cg_jvalue_string(cg_jvalue_get(f, "file"));
        const char *msg = cg_jvalue_string(cg_jvalue_get(f, "message"));
        const cg_jvalue *lv = cg_jvalue_get(f, "line");
        long line = lv && lv->kind == CG_JNUMBER ? (long)lv->number : 0;
        if (!rule) rule = "?";
        if (!sev) sev = "?";
        if (!file) file = "";
        if (!msg) msg = "";
        char *abs = file[0] == '/' ? cg_xstrdup(file) : cg_path_join(root, file);
        source *s = source_load(&sources, abs);
        char *text = normalise(source_line(s, line));
        char *func = enclosing(s, abs, line);
        char *kpath = key_path(file, root);
        cg_strbuf key;
        cg_strbuf_init(&key);
        const char *parts[] = {rule, module, kpath, text, func};
        for (size_t k = 0; k < 5; k++) cg_strbuf_append_n(&key, parts[k], strlen(parts[k]) + 1);
        uint64_t h = cg_hash_bytes(key.data, key.len, 0x636f72707573ULL);
        char hex[17];
        snprintf(hex, sizeof hex, "%016" PRIx64, h);
        uintptr_t n = (uintptr_t)cg_strmap_get(&seen, hex) + 1;
        cg_strmap_put(&seen, hex, (void *)n);
        printf("%s:%" PRIuPTR "\t", hex, n);
        put_field(module);
        putchar('\t');
        put_field(rule);
        putchar('\t');
        put_field(sev);
        printf("\t");
        put_field(kpath);
        printf(":%ld\t", line);
        put_field(func);
        putchar('\t');
        put_field(msg);
        putchar('\n');
        cg_strbuf_free(&key);
        free(kpath);
        free(func);
        free(text);
        free(abs);
    }
    cg_strmap_free(&seen);
    for (size_t i = 0; i < sources.capacity; i++) {
        source *s = sources.slots[i].key ? sources.slots[i].value : NULL;
        if (!s) continue;
        free(s->lines);
        free(s->data);
        free(s);
    }
    cg_strmap_free(&sources);
    cg_jdoc_free(&doc);
    free(data);
    return 0;
}
