/*
 * sink.c: turns what the rules reported into the finished list the emitters
 * print (the contract is in report.h): in-source suppressions, CG099 for
 * malformed ones, de-duplication, and the stable (file, line, column, id)
 * order.
 *
 * Each source file is read once. A small lexer finds its comments, so that a
 * `cgoguard:ignore` inside a string literal is not a directive; it knows
 * Go's raw strings and otherwise treats Go and C alike (both have "..."
 * strings, '...' literals, line and block comments). Interpreted strings and
 * character literals end at a newline at the latest, so one stray quote in
 * broken input cannot hide the rest of the file's comments.
 */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/rule.h"

enum { DEFAULT_MAX_SOURCE = 256u << 20 };
static const char KEYWORD[] = "cgoguard:ignore";
/* The whole file: staticcheck's lint:file-ignore, in our words. */
static const char FILE_KEYWORD[] = "cgoguard:file-ignore";

typedef struct directive {
    unsigned line;
    bool whole_file; /* cgoguard:file-ignore */
    const char **ids;   /* catalog ids (static strings); known rules only */
    size_t id_count;
    const char *reason; /* in the list's arena; NULL when missing */
} directive;

typedef struct source_file {
    const char *path; /* in the list's arena */
    char *data;       /* NULL when the file could not be read */
    size_t len;
    CG_VEC(size_t) line_starts; /* offset of line i+1 */
    CG_VEC(directive) directives; /* in line order */
    const char **lines; /* line i+1 interned in the list, or NULL; made on first use */
} source_file;

typedef struct sink {
    cg_diag_list *list;
    cg_strmap files; /* path -> source_file* */
    size_t max_source;
} sink;

/* ---- Lines ---- */

static void index_lines(source_file *f) {
    cg_vec_push(&f->line_starts, (size_t)0);
    for (size_t i = 0; i < f->len; i++)
        if (f->data[i] == '\n' && i + 1 < f->len) cg_vec_push(&f->line_starts, i + 1);
}

static unsigned line_of(const source_file *f, size_t offset) {
    size_t lo = 0, hi = f->line_starts.len; /* last start <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->line_starts.items[mid] <= offset) lo = mid; else hi = mid;
    }
    return (unsigned)lo + 1;
}

/* The text of a 1-based line without its "\n" or "\r\n"; false if absent. */
static bool line_text(const source_file *f, unsigned line, const char **text, size_t *len) {
    if (!f->data || line == 0 || line > f->line_starts.len) return false;
    size_t start = f->line_starts.items[line - 1];
    const char *nl = memchr(f->data + start, '\n', f->len - start);
    size_t end = nl ? (size_t)(nl - f->data) : f->len;
    if (end > start && f->data[end - 1] == '\r') end--;
    *text = f->data + start;
    *len = end - start;
    return true;
}

/* ---- Directives ---- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static void report_bad(sink *s, source_file *f, unsigned line, unsigned col, unsigned end_col,
                       const char *message, const char *fix) {
    cg_diag d = {
        .rule_id = CG_ID_BAD_SUPPRESSION,
        .rule_name = CG_NAME_BAD_SUPPRESSION,
        .severity = CG_SEV_WARNING,
        .loc = {f->path, line, col, line, end_col},
        .message = message,
        .fix = fix,
    };
    cg_diag_list_add(s->list, &d);
}

/* One line of comment text [p, end), pointing into f->data: if it is a
 * directive, record it and report what is wrong with it. */
static void parse_segment(sink *s, source_file *f, const char *p, const char *end) {
    /* Skip spaces and comment markers so that the preamble forms work:
     * "// /" "* cgoguard:ignore" and " * cgoguard:ignore". */
    for (;;) {
        while (p < end && is_space(*p)) p++;
        if (end - p >= 2 && p[0] == '/' && (p[1] == '/' || p[1] == '*')) p += 2;
        else if (end - p >= 2 && p[0] == '*' && is_space(p[1])) p += 1;
        else break;
    }
    size_t klen = sizeof KEYWORD - 1, flen = sizeof FILE_KEYWORD - 1;
    bool whole_file = (size_t)(end - p) >= flen && memcmp(p, FILE_KEYWORD, flen) == 0;
    const char *keyword = whole_file ? FILE_KEYWORD : KEYWORD;
    if (whole_file) klen = flen;
    else if ((size_t)(end - p) < klen || memcmp(p, KEYWORD, klen) != 0) return;
    const char *kw = p;
    p += klen;
    if (p < end && !is_space(*p) && !(end - p >= 2 && p[0] == '*' && p[1] == '/')) return;

    /* The directive's text ends at the end of the line or at a "*" "/". */
    const char *stop = p;
    while (stop < end && !(end - stop >= 2 && stop[0] == '*' && stop[1] == '/')) stop++;
    const char *text_end = stop;
    while (text_end > p && is_space(text_end[-1])) text_end--;

    unsigned line = line_of(f, (size_t)(kw - f->data));
    size_t line_start = f->line_starts.items[line - 1];
    unsigned col = (unsigned)((size_t)(kw - f->data) - line_start) + 1;
    unsigned end_col = (unsigned)((size_t)(text_end - f->data) - line_start) + 1;

    directive dir = {.line = line, .whole_file = whole_file};
    CG_VEC(const char *) ids = {0};
    size_t named = 0;
    for (;;) {
        while (p < text_end && is_space(*p)) p++;
        const char *tok = p;
        while (p < text_end && !is_space(*p) && *p != ',') p++;
        if (p > tok) {
            named++;
            char *name = cg_xstrndup(tok, (size_t)(p - tok));
            cg_catalog_entry e;
            /* Exact ids and names only: "//cgoguard:ignore 2 lines below"
             * must not read as CG002 (explain may be lenient, this may not). */
            if (cg_catalog_find(name, &e) && (strcasecmp(name, e.id) == 0 || strcmp(name, e.name) == 0)) {
                cg_vec_push(&ids, e.id);
            } else {
                const char *hint = cg_catalog_suggest(name);
                char *msg = hint ? cg_xasprintf("%s names unknown rule '%s'; did you "
                                                "mean '%s'?", keyword, name, hint)
                                 : cg_xasprintf("%s names unknown rule '%s'", keyword, name);
                report_bad(s, f, line, col, end_col, msg, "`cgoguard rules` lists the rule ids and names");
                free(msg);
            }
            free(name);
        }
        const char *after = p;
        while (after < text_end && is_space(*after)) after++;
        if (after < text_end && *after == ',') {
            p = after + 1;
            continue;
        }
        p = after;
        break;
    }
    if (p < text_end) dir.reason = cg_diag_list_intern_n(s->list, p, (size_t)(text_end - p));

    if (named == 0) {
        char *msg = cg_xasprintf("%s names no rule", keyword);
        char *fix = cg_xasprintf("name the rule and say why: %s CG001 <why this is safe>", keyword);
        report_bad(s, f, line, col, end_col, msg, fix);
        free(msg);
        free(fix);
    } else if (!dir.reason) {
        char *msg = cg_xasprintf("%s without a reason suppresses nothing", keyword);
        report_bad(s, f, line, col, end_col, msg,
                   "say after the rule ids why the finding is safe to ignore");
        free(msg);
    }
    if (ids.len > 0) {
        dir.ids = ids.items; /* the directive owns them now (free_file) */
        dir.id_count = ids.len;
        cg_vec_push(&f->directives, dir);
    } else {
        cg_vec_free(&ids);
    }
}

/* Hands each line of each comment to parse_segment. */
static void scan_comments(sink *s, source_file *f) {
    const char *p = f->data, *end = f->data + f->len;
    bool go = cg_str_has_suffix(f->path, ".go");
    while (p < end) {
        char c = *p;
        if (c == '/' && p + 1 < end && p[1] == '/') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl : end;
            parse_segment(s, f, p + 2, stop);
            p = stop;
        } else if (c == '/' && p + 1 < end && p[1] == '*') {
            const char *q = p + 2;
            const char *seg = q;
            while (q < end && !(q[0] == '*' && q + 1 < end && q[1] == '/')) {
                if (*q == '\n') {
                    parse_segment(s, f, seg, q);
                    seg = q + 1;
                }
                q++;
            }
            parse_segment(s, f, seg, q);
            p = q < end ? q + 2 : end;
        } else if (c == '"' || c == '\'') {
            p++;
            while (p < end && *p != c && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
            if (p < end && *p == c) p++;
        } else if (c == '`' && go) {
            const char *q = memchr(p + 1, '`', (size_t)(end - p - 1));
            p = q ? q + 1 : end;
        } else {
            p++;
        }
    }
}

static source_file *load(sink *s, const char *path) {
    source_file *f = cg_strmap_get(&s->files, path);
    if (f) return f;
    f = cg_xcalloc(1, sizeof *f);
    f->path = cg_diag_list_intern(s->list, path);
    cg_strmap_put(&s->files, path, f);
    char *err = NULL;
    if (cg_read_file(path, s->max_source, &f->data, &f->len, &err) != CG_OK) {
        free(err); /* see report.h: the front-end reports unreadable input */
        f->data = NULL;
        return f;
    }
    index_lines(f);
    scan_comments(s, f);
    return f;
}

static void free_file(source_file *f) {
    for (size_t i = 0; i < f->directives.len; i++) free((void *)f->directives.items[i].ids);
    cg_vec_free(&f->directives);
    cg_vec_free(&f->line_starts);
    free(f->lines);
    free(f->data);
    free(f);
}

/* ---- Applying them ---- */

/* The directive that suppresses d, if any: one on d's line or the line
 * above, naming d's rule, with a reason. */
static const directive *match(const source_file *f, const cg_diag *d) {
    for (size_t i = 0; i < f->directives.len; i++) {
        const directive *dir = &f->directives.items[i];
        if (!dir->whole_file || !dir->reason) continue;
        for (size_t k = 0; k < dir->id_count; k++)
            if (strcasecmp(dir->ids[k], d->rule_id) == 0) return dir;
    }
    unsigned from = d->loc.line > 1 ? d->loc.line - 1 : 1;
    size_t lo = 0, hi = f->directives.len; /* first directive on line >= from */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->directives.items[mid].line < from) lo = mid + 1; else hi = mid;
    }
    for (size_t i = lo; i < f->directives.len && f->directives.items[i].line <= d->loc.line; i++) {
        const directive *dir = &f->directives.items[i];
        if (!dir->reason || dir->whole_file) continue;
        for (size_t k = 0; k < dir->id_count; k++)
            if (strcasecmp(dir->ids[k], d->rule_id) == 0) return dir;
    }
    return NULL;
}

/* Findings cluster on few lines (and every trace points at the same C
 * lines), so each line is copied into the list once and shared. */
static const char *line_copy(sink *s, source_file *f, unsigned line) {
    const char *text;
    size_t len;
    if (!line_text(f, line, &text, &len)) return NULL;
    if (!f->lines) f->lines = cg_xcalloc(f->line_starts.len, sizeof *f->lines);
    if (!f->lines[line - 1]) f->lines[line - 1] = cg_diag_list_intern_n(s->list, text, len);
    return f->lines[line - 1];
}

static void annotate(sink *s, cg_diag *d) {
    for (unsigned i = 0; i < d->related_count; i++) {
        cg_related *r = &d->related[i];
        if (r->loc.file) r->source_line = line_copy(s, load(s, r->loc.file), r->loc.line);
    }
    if (!d->loc.file) return;
    source_file *f = load(s, d->loc.file);
    d->source_line = line_copy(s, f, d->loc.line);
    if (d->loc.line == 0) return;
    const directive *dir = match(f, d);
    if (dir) {
        d->suppressed = 1;
        d->suppression = dir->reason;
    }
}

/* ---- Order and duplicates ---- */

static int cmp_str(const char *a, const char *b) {
    if (!a || !b) return (a != NULL) - (b != NULL); /* no file first */
    return strcmp(a, b);
}

static int cmp_position(const cg_diag *a, const cg_diag *b) {
    int c = cmp_str(a->loc.file, b->loc.file);
    if (c) return c;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.column != b->loc.column) return a->loc.column < b->loc.column ? -1 : 1;
    return strcmp(a->rule_id, b->rule_id);
}

static int ptr_cmp(const void *a, const void *b) {
    uintptr_t x = (uintptr_t) * (const cg_diag *const *)a, y = (uintptr_t) * (const cg_diag *const *)b;
    return (x > y) - (x < y);
}

typedef struct dup_set {
    const cg_diag **items;
    size_t len;
} dup_set;

static int is_dup(const cg_diag *d, void *ctx) {
    dup_set *set = ctx;
    return set->len && bsearch(&d, set->items, set->len, sizeof *set->items, ptr_cmp) != NULL;
}

/* After sorting, identical findings share a run of equal positions; within
 * a run compare messages (runs are short: one or a few findings). */
static void remove_duplicates(cg_diag_list *list) {
    size_t n = cg_diag_list_count(list);
    dup_set set = {cg_xmalloc((n ? n : 1) * sizeof *set.items), 0};
    size_t run = 0;
    for (size_t i = 1; i < n; i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (cmp_position(cg_diag_list_at_const(list, run), d) != 0) {
            run = i;
            continue;
        }
        for (size_t k = run; k < i; k++) {
            if (strcmp(cg_diag_list_at_const(list, k)->message, d->message) == 0) {
                set.items[set.len++] = d;
                break;
            }
        }
    }
    qsort(set.items, set.len, sizeof *set.items, ptr_cmp);
    cg_diag_list_remove_if(list, is_dup, &set);
    free(set.items);
}

void cg_sink_finish(cg_diag_list *list, const cg_sink_options *opts) {
    sink s = {.list = list};
    cg_strmap_init(&s.files);
    s.max_source = opts && opts->max_source_bytes ? opts->max_source_bytes : DEFAULT_MAX_SOURCE;

    /* Read every file first: that adds the CG099 findings, which then go
     * through suppression like the rest. */
    size_t n = cg_diag_list_count(list);
    for (size_t i = 0; i < n; i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (d->loc.file) load(&s, d->loc.file);
        for (unsigned k = 0; k < d->related_count; k++)
            if (d->related[k].loc.file) load(&s, d->related[k].loc.file);
    }
    for (size_t i = 0; opts && i < opts->file_count; i++)
        if (opts->files[i]) load(&s, opts->files[i]);

    n = cg_diag_list_count(list);
    for (size_t i = 0; i < n; i++) annotate(&s, cg_diag_list_at(list, i));

    cg_diag_list_sort(list, cmp_position);
    remove_duplicates(list);

    for (size_t i = 0; i < s.files.capacity; i++)
        if (s.files.slots[i].key) free_file(s.files.slots[i].value);
    cg_strmap_free(&s.files);
}
