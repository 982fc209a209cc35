/*
 * json_report.c: `--format=json`, a small stable schema for scripts.
 *
 * Schema, version 1 (optional fields may be added; a field is never removed
 * or changed without a version bump; the JSON
 * Schema is report.schema.json beside this file, checked by tests/report):
 *   {
 *     "version": 1,
 *     "tool": {"name": "cgoguard", "version": "0.1.0"},
 *     "findings": [{
 *       "rule_id": "CG001", "rule_name": "go-pointer-to-go-pointer",
 *       "severity": "error" | "warning" | "note",
 *       "file": "pkg/a.go" |"fix": "..." |"fix": "..." | null,             prose,        path as scanned; null: about no file
 *       "line": 12, "column": 5,          1-based; column counts bytes; 0 = unknown
 *       "end_line": 12, "end_column": 9,  0 = unknown; end_column is exclusive
 *       "message": "...",
 *       "related": [{"file", "line", "column", "end_line", "end_column", "message"}],
 *                                         the trace through the other language
 *       "fix": "..." | null,              what to do, in prose
 *       "suggested_fix": {"message": "...", "edits": [{"file", "start", "end",
 *                         "line", "column", "end_line", "end_column", "new"}]},
 *                                         only when the fix is mechanical: the bytes
 *                                         [start, end) of file become new (what --fix
 *                                         applies); line/column give the same range
 *       "confidence": "..." | null,
 *       "fingerprint": "9f2c...e1:1" | null  identifies the finding across
 *                                         unrelated edits, for --baseline;
 *                                         the SARIF partialFingerprints value
 *                                         (baseline.h); null: about no file
 *     }],
 *     "summary": {"findings": 3, "errors": 2, "warnings": 1, "notes": 0, "suppressed": 1}
 *   }
 * Findings are in the sink's order (file, line, column, id). Suppressed
 * findings are not listed; summary.suppressed counts them. Strings are
 * always valid UTF-8 (ill-formed bytes become U+FFFD).
 */
#include "report_internal.h"

#include "baseline.h"

static void put_location(cg_json *j, const cg_location *loc) {
    cg_json_string(j, "file", loc->file);
    cg_json_uint(j, "line", loc->line);
    cg_json_uint(j, "column", loc->column);
    cg_json_uint(j, "end_line", loc->end_line);
    cg_json_uint(j, "end_column", loc->end_column);
}

static void put_finding(cg_json *j, const cg_diag *d, const cg_fingerprints *fps) {
    cg_json_open_object(j, NULL);
    cg_json_string(j, "rule_id", d->rule_id);
    cg_json_string(j, "rule_name", d->rule_name);
    cg_json_string(j, "severity", cg_severity_name(d->severity));
    put_location(j, &d->loc);
    cg_json_string(j, "message", d->message);
    cg_json_open_array(j, "related");
    for (unsigned i = 0; i < d->related_count; i++) {
        cg_json_open_object(j, NULL);
        put_location(j, &d->related[i].loc);
        cg_json_string(j, "message", d->related[i].message);
        cg_json_close_object(j);
    }
    cg_json_close_array(j);
    cg_json_string(j, "fix", d->fix);
    if (d->edit_count) {
        cg_json_open_object(j, "suggested_fix");
        cg_json_string(j, "message", d->fix_title ? d->fix_title : d->fix);
        cg_json_open_array(j, "edits");
        for (unsigned i = 0; i < d->edit_count; i++) {
            const cg_edit *e = &d->edits[i];
            cg_json_open_object(j, NULL);
            cg_json_string(j, "file", e->file);
            cg_json_uint(j, "start", e->start);
            cg_json_uint(j, "end", e->end);
            cg_json_uint(j, "line", e->line);
            cg_json_uint(j, "column", e->column);
            cg_json_uint(j, "end_line", e->end_line);
            cg_json_uint(j, "end_column", e->end_column);
            cg_json_string(j, "new", e->text);
            cg_json_close_object(j);
        }
        cg_json_close_array(j);
        cg_json_close_object(j);
    }
    cg_json_string(j, "confidence", d->confidence);
    cg_json_string(j, "fingerprint", cg_fingerprints_get(fps, d));
    cg_json_close_object(j);
}

cg_status cg_report_emit_json(FILE *out, const cg_diag_list *list, const cg_report_options *opts) {
    cg_fingerprints *own = opts->fingerprints ? NULL : cg_fingerprints_compute(list, opts->srcroot_uri, opts->scan_root);
    const cg_fingerprints *fps = opts->fingerprints ? opts->fingerprints : own;
    cg_json j;
    cg_json_init(&j, out);
    cg_json_open_object(&j, NULL);
    cg_json_uint(&j, "version", 1);
    cg_json_open_object(&j, "tool");
    cg_json_string(&j, "name", "cgoguard");
    cg_json_string(&j, "version", cg_report_tool_version(opts));
    cg_json_close_object(&j);
    cg_json_open_array(&j, "findings");
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!d->suppressed) put_finding(&j, d, fps);
    }
    cg_json_close_array(&j);
    cg_report_summary s = cg_report_summarize(list);
    cg_json_open_object(&j, "summary");
    cg_json_uint(&j, "findings", s.errors + s.warnings + s.notes);
    cg_json_uint(&j, "errors", s.errors);
    cg_json_uint(&j, "warnings", s.warnings);
    cg_json_uint(&j, "notes", s.notes);
    cg_json_uint(&j, "suppressed", s.suppressed);
    cg_json_close_object(&j);
    cg_json_close_object(&j);
    cg_json_finish(&j);
    cg_fingerprints_free(own);
    return fflush(out) == 0 && !ferror(out) ? CG_OK : CG_ERR_IO;
}
