/*
 * report.c: the summary, the exit status and the format switch shared by
 * the three emitters. The exit status is derived from the finished list only,
 * so it always agrees with what the report shows.
 */
#include "report_internal.h"

#include <string.h>

#ifndef CG_VERSION
#define CG_VERSION "0.0.0-dev"
#endif

const char *cg_report_tool_version(const cg_report_options *opts) {
    return opts && opts->tool_version ? opts->tool_version : CG_VERSION;
}

int cg_report_format_parse(const char *text, cg_report_format *out) {
    static const struct {
        const char *name;
        cg_report_format format;
    } formats[] = {{"text", CG_REPORT_TEXT}, {"json", CG_REPORT_JSON}, {"sarif", CG_REPORT_SARIF}};
    for (size_t i = 0; text && i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(text, formats[i].name) == 0) {
            *out = formats[i].format;
            return 0;
        }
    }
    return -1;
}

cg_report_summary cg_report_summarize(const cg_diag_list *list) {
    cg_report_summary s = {0};
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (d->suppressed) s.suppressed++;
        else if (d->severity >= CG_SEV_ERROR) s.errors++;
        else if (d->severity == CG_SEV_WARNING) s.warnings++;
        else s.notes++;
    }
    return s;
}

int cg_report_exit_status(const cg_diag_list *list, cg_severity fail_on) {
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!d->suppressed && d->severity >= fail_on) return 1;
    }
    return 0;
}

static void count(cg_strbuf *sb, size_t n, const char *one, const char *many, bool *first) {
    if (n == 0) return;
    cg_strbuf_printf(sb, "%s%zu %s", *first ? "" : ", ", n, n == 1 ? one : many);
    *first = false;
}

char *cg_report_summary_text(const cg_report_summary *s) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    size_t total = s->errors + s->warnings + s->notes;
    if (total == 0) {
        cg_strbuf_append(&sb, "no findings");
    } else {
        cg_strbuf_printf(&sb, "%zu finding%s (", total, total == 1 ? "" : "s");
        bool first = true;
        count(&sb, s->errors, "error", "errors", &first);
        count(&sb, s->warnings, "warning", "warnings", &first);
        count(&sb, s->notes, "note", "notes", &first);
        cg_strbuf_append(&sb, ")");
    }
    if (s->suppressed) cg_strbuf_printf(&sb, ", %zu suppressed", s->suppressed);
    return cg_strbuf_detach(&sb);
}

cg_status cg_report_emit(FILE *out, const cg_diag_list *list, const cg_report_options *opts) {
    static const cg_report_options defaults = {0};
    if (!opts) opts = &defaults;
    switch (opts->format) {
    case CG_REPORT_TEXT: return cg_report_emit_text(out, list, opts);
    case CG_REPORT_JSON: return cg_report_emit_json(out, list, opts);
    case CG_REPORT_SARIF: return cg_report_emit_sarif(out, list, opts);
    }
    CG_ASSERT(!"unknown report format");
    return CG_ERR_USAGE;
}
