/*
 * vet.c: findings in the shapes `go vet -vettool` expects from an analysis
 * tool (golang.org/x/tools/go/analysis/unitchecker):
 *
 *  - JSON (-json, which go vet always passes since Go 1.26 and parses
 *    itself): {"<package ID>": {"cgoguard": [diagnostic...]}} where a
 *    diagnostic is {"category", "posn": "file:line:col", "end", "message",
 *    "suggested_fixes": [{"message", "edits": [{"filename", "start", "end",
 *    "new"}]}], "related": [{"posn", "end", "message"}]}; or
 *    {"<ID>": {"cgoguard": {"error": "..."}}} when the package could not be
 *    analysed. Nothing to say: {}.
 *  - Plain text (older go commands): "file:line:col: message" on stderr,
 *    each related location on its own line after a tab.
 *
 * The message ends with "[CG001 name]", as in the text report, so that the
 * rule to suppress or configure is in front of the reader.
 */
#include "report_internal.h"

#include <stdlib.h>

static char *posn(const cg_location *loc, bool end) {
    unsigned line = end && loc->end_line ? loc->end_line : loc->line;
    unsigned col = end && loc->end_line ? loc->end_column : loc->column;
    if (!line) return cg_xasprintf("%s", loc->file);
    if (!col) return cg_xasprintf("%s:%u", loc->file, line);
    return cg_xasprintf("%s:%u:%u", loc->file, line, col);
}

static char *vet_message(const cg_diag *d) {
    return cg_xasprintf("%s [%s%s%s]", d->message, d->rule_id, d->rule_name ? " " : "",
                        d->rule_name ? d->rule_name : "");
}

static bool reported(const cg_diag *d, cg_severity min) {
    return !d->suppressed && d->loc.file && d->severity >= min;
}

static void put_posns(cg_json *j, const cg_location *loc) {
    char *p = posn(loc, false), *e = posn(loc, true);
    cg_json_string(j, "posn", p);
    cg_json_string(j, "end", e);
    free(p);
    free(e);
}

static void put_diag(cg_json *j, const cg_diag *d) {
    cg_json_open_object(j, NULL);
    cg_json_string(j, "category", d->rule_id);
    put_posns(j, &d->loc);
    char *msg = vet_message(d);
    cg_json_string(j, "message", msg);
    free(msg);
    if (d->edit_count) {
        cg_json_open_array(j, "suggested_fixes");
        cg_json_open_object(j, NULL);
        cg_json_string(j, "message", d->fix_title ? d->fix_title : d->fix);
        cg_json_open_array(j, "edits");
        for (unsigned i = 0; i < d->edit_count; i++) {
            cg_json_open_object(j, NULL);
            cg_json_string(j, "filename", d->edits[i].file);
            cg_json_uint(j, "start", d->edits[i].start);
            cg_json_uint(j, "end", d->edits[i].end);
            cg_json_string(j, "new", d->edits[i].text);
            cg_json_close_object(j);
        }
        cg_json_close_array(j);
        cg_json_close_object(j);
        cg_json_close_array(j);
    }
    if (d->related_count) {
        cg_json_open_array(j, "related");
        for (unsigned i = 0; i < d->related_count; i++) {
            if (!d->related[i].loc.file) continue;
            cg_json_open_object(j, NULL);
            put_posns(j, &d->related[i].loc);
            cg_json_string(j, "message", d->related[i].message);
            cg_json_close_object(j);
        }
        cg_json_close_array(j);
    }
    cg_json_close_object(j);
}

cg_status cg_report_emit_vet_json(FILE *out, const cg_diag_list *list, const char *package_id, cg_severity min,
                                  const char *error) {
    size_t count = 0;
    for (size_t i = 0; list && i < cg_diag_list_count(list); i++) count += reported(cg_diag_list_at_const(list, i), min);
    cg_json j;
    cg_json_init(&j, out);
    cg_json_open_object(&j, NULL);
    if (error || count) {
        cg_json_open_object(&j, package_id);
        if (error) {
            cg_json_open_object(&j, "cgoguard");
            cg_json_string(&j, "error", error);
            cg_json_close_object(&j);
        } else {
            cg_json_open_array(&j, "cgoguard");
            for (size_t i = 0; i < cg_diag_list_count(list); i++) {
                const cg_diag *d = cg_diag_list_at_const(list, i);
                if (reported(d, min)) put_diag(&j, d);
            }
            cg_json_close_array(&j);
        }
        cg_json_close_object(&j);
    }
    cg_json_close_object(&j);
    cg_json_finish(&j);
    return fflush(out) == 0 && !ferror(out) ? CG_OK : CG_ERR_IO;
}

size_t cg_report_emit_vet_text(FILE *out, const cg_diag_list *list, cg_severity min) {
    size_t count = 0;
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!reported(d, min)) continue;
        count++;
        char *p = posn(&d->loc, false), *msg = vet_message(d);
        fprintf(out, "%s: %s\n", p, msg);
        free(p);
        free(msg);
        for (unsigned r = 0; r < d->related_count; r++) {
            if (!d->related[r].loc.file) continue;
            p = posn(&d->related[r].loc, false);
            fprintf(out, "%s: \t%s\n", p, d->related[r].message);
            free(p);
        }
    }
    fflush(out);
    return count;
}
