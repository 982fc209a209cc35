/*
 * text.c: the default output, in the compiler convention that editors and
 * CI log parsers already understand:
 *
 *   path/file.go:12:5: error: <message> [CG001 go-pointer-to-go-pointer]
 *   <the source line>
 *       ^~~~~~
 *   path/other.c:3:1: note: <a step of the trace in the other language>
 *   fix: <what to do>
 *
 * and a final summary line. The source line is printed as it is, except
 * that control characters and ill-formed UTF-8 become '?': a Latin-1 file
 * or an escape byte must not garble the terminal. The caret line copies the
 * line's tabs and counts one column per character (not per byte), so the
 * caret sits under the right character for tabs and UTF-8 text (East Asian
 * wide characters excepted).
 */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct style {
    const char *bold, *error, *warning, *note, *caret, *reset;
} style;

static const style plain = {"", "", "", "", "", ""};
static const style ansi = {"\033[1m", "\033[1;31m", "\033[1;35m", "\033[1;36m", "\033[1;32m", "\033[0m"};

static void put_clean(FILE *out, const char *text);

static void put_location(FILE *out, const cg_location *loc) {
    if (!loc->file) return;
    put_clean(out, loc->file);
    if (loc->line) {
        fprintf(out, ":%u", loc->line);
        if (loc->column) fprintf(out, ":%u", loc->column);
    }
    fputs(": ", out);
}

static const char *severity_colour(const style *st, cg_severity sev) {
    switch (sev) {
    case CG_SEV_ERROR: return st->error;
    case CG_SEV_WARNING: return st->warning;
    case CG_SEV_NOTE: return st->note;
    }
    return st->error;
}

/* Source text and messages (which quote identifiers from the source): tabs
 * and printable text as they are, anything a terminal could misread as '?'. */
static void put_clean(FILE *out, const char *text) {
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    size_t i = 0, run = 0; /* s[run..i) is clean and not yet written */
    while (i < len) {
        if (s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7F)) {
            i++;
            continue;
        }
        size_t n = s[i] >= 0x80 ? cg_utf8_seq_len(s + i, len - i) : 0;
        if (n) {
            i += n;
            continue;
        }
        fwrite(s + run, 1, i - run, out);
        fputc('?', out);
        run = ++i;
    }
    fwrite(s + run, 1, i - run, out);
}

/* Bytes of the line in [from, to) (0-based), as display columns: a tab is
 * copied (so the terminal expands it as in the line above), any other
 * character is one `fill`. Positions past the end of the line count one each. */
static void put_span(FILE *out, const char *line, size_t from, size_t to, char fill) {
    const unsigned char *s = (const unsigned char *)line;
    size_t len = strlen(line);
    size_t i = from;
    while (i < to) {
        if (i >= len) {
            fputc(fill, out);
            i++;
            continue;
        }
        size_t n = cg_utf8_seq_len(s + i, len - i);
        fputc(s[i] == '\t' && fill == ' ' ? '\t' : fill, out);
        i += n ? n : 1;
    }
}

/* "^" under the first byte of the range, "~" under the rest of it on this
 * line (end_column is exclusive; a range that goes on to later lines is
 * underlined to the end of this one). */
static void put_caret(FILE *out, const cg_diag *d, const style *st) {
    const char *line = d->source_line;
    size_t len = strlen(line);
    size_t col = d->loc.column - 1;
    if (col > len) return; /* a column past the end of the line: no caret to draw */
    put_span(out, line, 0, col, ' ');
    fprintf(out, "%s^", st->caret);
    size_t end = col + 1;
    if (d->loc.end_line == d->loc.line && d->loc.end_column > d->loc.column)
        end = d->loc.end_column - 1 < len + 1 ? d->loc.end_column - 1 : len + 1;
    else if (d->loc.end_line > d->loc.line)
        end = len;
    size_t first = cg_utf8_seq_len((const unsigned char *)line + col, len - col);
    size_t from = col + (first ? first : 1); /* the caret stands for the whole first character */
    if (end > from) put_span(out, line, from, end, '~');
    fprintf(out, "%s\n", st->reset);
}

static void put_diag(FILE *out, const cg_diag *d, const style *st) {
    fputs(st->bold, out);
    put_location(out, &d->loc);
    fprintf(out, "%s%s%s:%s %s", st->reset, severity_colour(st, d->severity),
            cg_severity_name(d->severity), st->reset, st->bold);
    put_clean(out, d->message);
    fprintf(out, "%s [", st->reset);
    put_clean(out, d->rule_id);
    if (d->rule_name) {
        fputc(' ', out);
        put_clean(out, d->rule_name);
    }
    fputs("]\n", out);
    if (d->source_line && d->loc.line) {
        put_clean(out, d->source_line);
        fputc('\n', out);
        if (d->loc.column) put_caret(out, d, st);
    }
    for (unsigned i = 0; i < d->related_count; i++) {
        const cg_related *r = &d->related[i];
        fputs(st->bold, out);
        put_location(out, &r->loc);
        fprintf(out, "%s%snote:%s ", st->reset, st->note, st->reset);
        put_clean(out, r->message);
        fputc('\n', out);
    }
    /* One fix line: the advice, marked when --fix can apply it (its
     * title, which says the same in fewer words, only when there is no
     * advice). */
    const char *fix = d->fix ? d->fix : d->edit_count ? d->fix_title : NULL;
    if (fix) {
        fputs(d->edit_count ? "fix (cgoguard scan --fix applies it): " : "fix: ", out);
        put_clean(out, fix);
        fputc('\n', out);
    }
    if (d->confidence) {
        fputs("confidence: ", out);
        put_clean(out, d->confidence);
        fputc('\n', out);
    }
}

cg_status cg_report_emit_text(FILE *out, const cg_diag_list *list, const cg_report_options *opts) {
    const style *st = opts->color ? &ansi : &plain;
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!d->suppressed) put_diag(out, d, st);
    }
    cg_report_summary summary = cg_report_summarize(list);
    char *text = cg_report_summary_text(&summary);
    fprintf(out, "%s\n", text);
    free(text);
    return fflush(out) == 0 && !ferror(out) ? CG_OK : CG_ERR_IO;
}
