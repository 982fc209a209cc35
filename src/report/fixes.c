/*
 * fixes.c: `cgoguard scan --fix` and `--diff`: the machine-applicable fixes
 * of the finished list (cg_diag.edits), applied to the files in place or
 * printed as a unified diff.
 *
 * Fixes are taken in the list's order (file, line, column, id). A fix is
 * all or nothing: one whose edits overlap an edit already taken is left
 * out (and counted), so two findings that want to change the same bytes
 * never produce a mangled file; the next scan reports what is left. An
 * edit identical to one already taken (two findings adding the same
 * `import "runtime"`) is taken once. The edits' offsets are those of the
 * files as scanned; a file that changed size or no longer holds the bytes
 * an edit expects to be inside its range is not touched.
 *
 * The diff is a line diff (Myers' O(ND) algorithm) of each file before and
 * after, with three lines of context, in the form `patch -p0` and `git
 * apply` read.
 */
#include "report_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CONTEXT = 3 };

typedef struct taken_edit {
    const cg_edit *edit;
    size_t order; /* keeps insertions at one offset in the order they were taken */
} taken_edit;

typedef struct file_edits {
    const char *path;
    CG_VEC(taken_edit) edits;
} file_edits;

typedef struct fixer {
    CG_VEC(file_edits) files;
    size_t taken;
} fixer;

static file_edits *file_of(fixer *f, const char *path) {
    for (size_t i = 0; i < f->files.len; i++)
        if (strcmp(f->files.items[i].path, path) == 0) return &f->files.items[i];
    file_edits fe = {path, {0}};
    cg_vec_push(&f->files, fe);
    return &f->files.items[f->files.len - 1];
}

static bool same_edit(const cg_edit *a, const cg_edit *b) {
    return a->start == b->start && a->end == b->end && strcmp(a->text, b->text) == 0;
}

/* Do two edits of one file touch the same bytes (or insert at one point)? */
static bool overlap(const cg_edit *a, const cg_edit *b) {
    if (a->start == a->end && b->start == b->end) return a->start == b->start;
    if (a->start == a->end) return b->start < a->start && a->start < b->end;
    if (b->start == b->end) return a->start < b->start && b->start < a->end;
    return a->start < b->end && b->start < a->end;
}

/* 1: take it, 0: a duplicate of a taken edit, -1: conflicts. */
static int classify(fixer *f, const cg_edit *e) {
    file_edits *fe = file_of(f, e->file);
    for (size_t i = 0; i < fe->edits.len; i++) {
        if (same_edit(fe->edits.items[i].edit, e)) return 0;
        if (overlap(fe->edits.items[i].edit, e)) return -1;
    }
    return 1;
}

static void take_fix(fixer *f, const cg_diag *d, cg_fix_stats *stats) {
    for (unsigned i = 0; i < d->edit_count; i++)
        for (unsigned j = 0; j < i; j++)
            if (strcmp(d->edits[i].file, d->edits[j].file) == 0 && overlap(&d->edits[i], &d->edits[j])) {
                stats->skipped++;
                return;
            }
    for (unsigned i = 0; i < d->edit_count; i++)
        if (classify(f, &d->edits[i]) < 0) {
            stats->skipped++;
            return;
        }
    for (unsigned i = 0; i < d->edit_count; i++) {
        if (classify(f, &d->edits[i]) == 0) continue;
        taken_edit t = {&d->edits[i], f->taken++};
        cg_vec_push(&file_of(f, d->edits[i].file)->edits, t);
    }
    stats->applied++;
}

static int by_offset(const void *a, const void *b) {
    const taken_edit *x = a, *y = b;
    if (x->edit->start != y->edit->start) return x->edit->start < y->edit->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The file with the edits applied; NULL when an edit does not fit it. */
static char *apply_edits(file_edits *fe, const char *data, size_t len, size_t *out_len) {
    qsort(fe->edits.items, fe->edits.len, sizeof *fe->edits.items, by_offset);
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    size_t at = 0;
    for (size_t i = 0; i < fe->edits.len; i++) {
        const cg_edit *e = fe->edits.items[i].edit;
        if (e->end > len || e->start < at) {
            cg_strbuf_free(&sb);
            return NULL;
        }
        cg_strbuf_append_n(&sb, data + at, e->start - at);
        cg_strbuf_append(&sb, e->text);
        at = e->end;
    }
    cg_strbuf_append_n(&sb, data + at, len - at);
    *out_len = sb.len;
    if (!sb.data) return cg_xstrdup("");
    return cg_strbuf_detach(&sb);
}

/* ---- Unified diff ---- */

typedef struct lines {
    const char **start;
    size_t *len; /* without the newline */
    bool last_has_newline;
    size_t n;
} lines;

static void split_lines(const char *data, size_t size, lines *out) {
    memset(out, 0, sizeof *out);
    size_t cap = 1;
    for (size_t i = 0; i < size; i++) cap += data[i] == '\n';
    out->start = cg_xcalloc(cap, sizeof *out->start);
    out->len = cg_xcalloc(cap, sizeof *out->len);
    size_t from = 0;
    out->last_has_newline = true;
    for (size_t i = 0; i <= size; i++) {
        if (i == size && from == size) break;
        if (i == size || data[i] == '\n') {
            out->start[out->n] = data + from;
            out->len[out->n] = i - from;
            out->n++;
            if (i == size) out->last_has_newline = false;
            from = i + 1;
        }
    }
}

static void free_lines(lines *l) {
    free(l->start);
    free(l->len);
}

static bool line_eq(const lines *a, size_t i, const lines *b, size_t j) {
    return a->len[i] == b->len[j] && memcmp(a->start[i], b->start[j], a->len[i]) == 0 &&
           (i + 1 < a->n || a->last_has_newline) == (j + 1 < b->n || b->last_has_newline);
}

/* One entry per line of the edit script: ' ' (both), '-' (old), '+' (new). */
typedef struct op {
    char kind;
    size_t old_line, new_line; /* 0-based */
} op;
typedef CG_VEC(op) ops;

/* Myers' greedy shortest edit script, with the V array of every step kept
 * for the walk back (fixes change few lines: D stays small). */
static void diff_lines(const lines *a, const lines *b, ops *out) {
    long n = (long)a->n, m = (long)b->n, max = n + m, width = 2 * max + 1;
    CG_VEC(long *) trace = {0};
    long *v = cg_xcalloc((size_t)width + 1, sizeof *v);
    long d_end = 0;
    for (long d = 0; d <= max; d++) {
        long *copy = cg_xmalloc(((size_t)width + 1) * sizeof *copy);
        memcpy(copy, v, ((size_t)width + 1) * sizeof *copy);
        cg_vec_push(&trace, copy);
        bool done = false;
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[max + k - 1] < v[max + k + 1])) ? v[max + k + 1] : v[max + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && line_eq(a, (size_t)x, b, (size_t)y)) x++, y++;
            v[max + k] = x;
            if (x >= n && y >= m) {
                done = true;
                break;
            }
        }
        if (done) {
            d_end = d;
            break;
        }
    }
    /* Walk back from (n, m), collecting the script in reverse. */
    ops rev = {0};
    long x = n, y = m;
    for (long d = d_end; d >= 0; d--) {
        long *vd = trace.items[d];
        long k = x - y;
        long prev_k = (k == -d || (k != d && vd[max + k - 1] < vd[max + k + 1])) ? k + 1 : k - 1;
        long prev_x = d == 0 ? 0 : vd[max + prev_k], prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            x--, y--;
            op o = {' ', (size_t)x, (size_t)y};
            cg_vec_push(&rev, o);
        }
        if (d > 0) {
            op o = x == prev_x ? (op){'+', (size_t)x, (size_t)prev_y} : (op){'-', (size_t)prev_x, (size_t)y};
            cg_vec_push(&rev, o);
        }
        x = prev_x, y = prev_y;
    }
    for (size_t i = rev.len; i-- > 0;) cg_vec_push(out, rev.items[i]);
    cg_vec_free(&rev);
    for (size_t i = 0; i < trace.len; i++) free(trace.items[i]);
    cg_vec_free(&trace);
    free(v);
}

static void put_line(FILE *out, char kind, const lines *l, size_t i) {
    fputc(kind, out);
    fwrite(l->start[i], 1, l->len[i], out);
    fputc('\n', out);
    if (i + 1 == l->n && !l->last_has_newline) fputs("\\ No newline at end of file\n", out);
}

static void print_diff(FILE *out, const char *path, const char *before, size_t before_len, const char *after,
                       size_t after_len) {
    lines a, b;
    split_lines(before, before_len, &a);
    split_lines(after, after_len, &b);
    ops script = {0};
    diff_lines(&a, &b, &script);
    fprintf(out, "--- %s\n+++ %s\n", path, path);
    size_t i = 0;
    while (i < script.len) {
        if (script.items[i].kind == ' ') {
            i++;
            continue;
        }
        /* A hunk: from CONTEXT lines before this change to CONTEXT lines
         * after the last change that is at most 2*CONTEXT lines further. */
        size_t from = i >= CONTEXT ? i - CONTEXT : 0, to = i;
        for (size_t j = i; j < script.len; j++) {
            if (script.items[j].kind != ' ') to = j;
            else if (j - to > 2 * CONTEXT) break;
        }
        size_t end = to + CONTEXT + 1 < script.len ? to + CONTEXT + 1 : script.len;
        size_t old_count = 0, new_count = 0;
        for (size_t j = from; j < end; j++) {
            old_count += script.items[j].kind != '+';
            new_count += script.items[j].kind != '-';
        }
        size_t old_start = script.items[from].old_line + (old_count ? 1 : 0);
        size_t new_start = script.items[from].new_line + (new_count ? 1 : 0);
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", old_start, old_count, new_start, new_count);
        for (size_t j = from; j < end; j++) {
            const op *o = &script.items[j];
            if (o->kind == '+') put_line(out, '+', &b, o->new_line);
            else put_line(out, o->kind, &a, o->old_line);
        }
        i = end;
    }
    cg_vec_free(&script);
    free_lines(&a);
    free_lines(&b);
}

/* ---- Writing ---- */

/* Replaces the file atomically, keeping its permissions. */
static cg_status write_file(const char *path, const char *data, size_t len, char **err) {
    struct stat st;
    if (stat(path, &st) != 0) {
        *err = cg_xasprintf("%s: %s", path, strerror(errno));
        return CG_ERR_IO;
    }
    char *tmp = cg_xasprintf("%s.cgoguard-fix-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *err = cg_xasprintf("%s: cannot write the fixed file: %s", path, strerror(errno));
        free(tmp);
        return CG_ERR_IO;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n <= 0) break;
        off += (size_t)n;
    }
    bool ok = off == len && fchmod(fd, st.st_mode & 07777) == 0;
    if (close(fd) != 0) ok = false;
    if (!ok || rename(tmp, path) != 0) {
        *err = cg_xasprintf("%s: cannot write the fixed file: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return CG_ERR_IO;
    }
    free(tmp);
    return CG_OK;
}

typedef struct apply_ctx {
    bool diff_only;
    FILE *out;
} apply_ctx;

static cg_status write_or_diff(const char *path, const char *before, size_t before_len, const char *after,
                               size_t after_len, void *arg, char **err) {
    apply_ctx *a = arg;
    if (!a->diff_only) return write_file(path, after, after_len, err);
    print_diff(a->out, path, before, before_len, after, after_len);
    return CG_OK;
}

cg_status cg_fixes_apply(const cg_diag_list *list, bool diff_only, FILE *out, cg_fix_stats *stats, char **err) {
    apply_ctx a = {diff_only, out};
    cg_status st = cg_fixes_each(list, write_or_diff, &a, stats, err);
    if (diff_only && (fflush(out) != 0 || ferror(out))) {
        if (!*err) *err = cg_xstrdup("cannot write the diff");
        st = CG_ERR_IO;
    }
    return st;
}

cg_status cg_fixes_each(const cg_diag_list *list, cg_fix_sink sink, void *ctx, cg_fix_stats *stats, char **err) {
    memset(stats, 0, sizeof *stats);
    *err = NULL;
    fixer f = {0};
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!d->suppressed && d->edit_count) take_fix(&f, d, stats);
    }
    cg_status st = CG_OK;
    for (size_t i = 0; i < f.files.len; i++) {
        file_edits *fe = &f.files.items[i];
        char *data = NULL, *read_err = NULL;
        size_t len = 0, new_len = 0;
        if (cg_read_file(fe->path, 256u << 20, &data, &len, &read_err) != CG_OK) {
            if (!*err) *err = read_err;
            else free(read_err);
            st = CG_ERR_IO;
            cg_vec_free(&fe->edits);
            continue;
        }
        char *fixed = apply_edits(fe, data, len, &new_len);
        if (!fixed) {
            if (!*err) *err = cg_xasprintf("%s: changed since it was scanned; its fixes were not applied", fe->path);
            st = CG_ERR_IO;
        } else {
            char *write_err = NULL;
            if (sink(fe->path, data, len, fixed, new_len, ctx, &write_err) != CG_OK) {
                if (!*err) *err = write_err;
                else free(write_err);
                st = CG_ERR_IO;
            } else {
                stats->files++;
            }
        }
        free(fixed);
        free(data);
        cg_vec_free(&fe->edits);
    }
    cg_vec_free(&f.files);
    return st;
}
