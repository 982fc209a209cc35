/*
 * sarif.c: `--format=sarif`, a SARIF 2.1.0 log for code-scanning services.
 *
 * One run. tool.driver.rules declares every rule the results reference (or
 * the whole catalog with sarif_all_rules) with its summary, the first prose
 * paragraph of its doc and the full embedded doc as help, so a service can
 * show `cgoguard explain` next to each alert, helpUri (the published doc),
 * and properties for code scanning: tags (cgo, security, memory-safety or
 * concurrency) and security-severity (error 8.0, warning 5.0, note 2.0; not
 * for CG000/CG099). Findings without a file, files not analysed fully
 * (CG000) and packages not analysed at all become tool execution
 * notifications of the invocation (code-scanning services reject results
 * without a location). Each result carries ruleId and ruleIndex, its
 * location relative to %SRCROOT%, the cross-language trace twice: as
 * relatedLocations that the message links ("... Trace: [x.c:3](1).", the only
 * way GitHub shows them) and as a codeFlow (finding first, then each step),
 * the machine-applicable fix as fixes[] (byte ranges), and, when an
 * in-source cgoguard:ignore applied, suppressions[] (SARIF keeps suppressed
 * results; consumers hide them).
 *
 * Columns: the scanner counts bytes; SARIF has no byte columns, so they are
 * converted to Unicode code points on the finding's line (columnKind
 * unicodeCodePoints). A range's end on another line is left in bytes (the
 * sink keeps only the start line); for ASCII, the usual case, both agree.
 *
 * partialFingerprints["cgoguard/v1"] identifies a finding across unrelated
 * edits for --baseline: FNV-1a 64 of rule id, artifact URI and the finding's
 * source line with all whitespace removed (the message when the line is not
 * available), in hex, then ":" and the 1-based occurrence of that triple in
 * the log. Line numbers are deliberately not part of it. baseline.c computes
 * it (the JSON report carries the same value).
 */
#include "report_internal.h"

#include "baseline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rule.h"

#ifndef CG_INFORMATION_URI
#define CG_INFORMATION_URI "https://github.com/cgoguard/cgoguard"
#endif

/* Where each rule's doc is published (helpUri = this/CGnnn.md). */
#ifndef CG_RULE_DOCS_URI
#define CG_RULE_DOCS_URI CG_INFORMATION_URI "/blob/main/docs/rules"
#endif

static const char SARIF_SCHEMA[] =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

typedef struct artifact {
    char *uri;
    bool relative; /* resolved against %SRCROOT% */
    const char *language;
} artifact;

typedef struct sarif {
    const cg_report_options *opts;
    CG_VEC(cg_catalog_entry) rules;
    cg_strmap rule_index; /* id -> index + 1 */
    CG_VEC(artifact) artifacts;
    cg_strmap artifact_index; /* URI -> index + 1 */
    cg_strmap artifact_by_path; /* path as scanned -> index + 1 */
    const cg_fingerprints *fps; /* opts->fingerprints, or our own */
} sarif;

/* ---- URIs ---- */

static char *path_to_uri(const sarif *s, const char *path, bool *relative) {
    return cg_report_path_uri(path, s->opts->srcroot_uri, relative);
}

static const char *language_of(const char *path) {
    if (cg_str_has_suffix(path, ".go")) return "go";
    if (cg_str_has_suffix(path, ".c") || cg_str_has_suffix(path, ".h")) return "c";
    return NULL;
}

/* Artifacts are keyed by URI: "./a.go" and "a.go" are one artifact. The
 * path map only saves recomputing the URI for every location. */
static size_t add_artifact(sarif *s, const char *path) {
    size_t at = (size_t)(uintptr_t)cg_strmap_get(&s->artifact_by_path, path);
    if (at) return at - 1;
    artifact a = {0};
    a.uri = path_to_uri(s, path, &a.relative);
    at = (size_t)(uintptr_t)cg_strmap_get(&s->artifact_index, a.uri);
    if (at) {
        free(a.uri);
    } else {
        a.language = language_of(path);
        cg_vec_push(&s->artifacts, a);
        at = s->artifacts.len;
        cg_strmap_put(&s->artifact_index, a.uri, (void *)(uintptr_t)at);
    }
    cg_strmap_put(&s->artifact_by_path, path, (void *)(uintptr_t)at);
    return at - 1;
}

/* ---- Rules ---- */

static void add_rule(sarif *s, const cg_catalog_entry *e) {
    if (cg_strmap_get(&s->rule_index, e->id)) return;
    cg_vec_push(&s->rules, *e);
    cg_strmap_put(&s->rule_index, e->id, (void *)(uintptr_t)s->rules.len);
}

static size_t rule_index(const sarif *s, const char *id) {
    return (size_t)(uintptr_t)cg_strmap_get(&s->rule_index, id) - 1;
}

static int cmp_entry(const void *a, const void *b) {
    return strcmp(((const cg_catalog_entry *)a)->id, ((const cg_catalog_entry *)b)->id);
}

/* The driver's rules and the artifacts, decided before anything is written
 * because the log lists both ahead of the results. */
static void collect(sarif *s, const cg_diag_list *list) {
    if (s->opts->sarif_all_rules) {
        cg_catalog_entry e;
        for (size_t i = 0; cg_catalog_at(i, &e); i++) add_rule(s, &e);
    }
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        cg_catalog_entry e;
        if (!cg_strmap_get(&s->rule_index, d->rule_id)) {
            if (!cg_catalog_find(d->rule_id, &e) || strcmp(e.id, d->rule_id) != 0) {
                /* Not in the catalog (a rule outside the registry): describe
                 * it from the finding so that ruleIndex still resolves. */
                const char *name = d->rule_name ? d->rule_name : d->rule_id;
                e = (cg_catalog_entry){d->rule_id, name, d->severity, name, NULL};
            }
            add_rule(s, &e);
        }
        if (d->loc.file) add_artifact(s, d->loc.file);
        for (unsigned k = 0; k < d->related_count; k++)
            if (d->related[k].loc.file) add_artifact(s, d->related[k].loc.file);
        for (unsigned k = 0; k < d->edit_count; k++) add_artifact(s, d->edits[k].file);
    }
    if (!s->opts->sarif_all_rules) {
        /* Referenced rules in id order, independent of which came first. */
        if (s->rules.len) qsort(s->rules.items, s->rules.len, sizeof *s->rules.items, cmp_entry);
        cg_strmap_free(&s->rule_index);
        cg_strmap_init(&s->rule_index);
        for (size_t i = 0; i < s->rules.len; i++)
            cg_strmap_put(&s->rule_index, s->rules.items[i].id, (void *)(uintptr_t)(i + 1));
    }
}

static const char *sarif_level(cg_severity sev) {
    switch (sev) {
    case CG_SEV_ERROR: return "error";
    case CG_SEV_WARNING: return "warning";
    case CG_SEV_NOTE: return "note";
    }
    return "error";
}

/* Lines that are not prose: headings and metadata such as "**Severity:** error". */
static bool is_meta_line(const char *p) {
    if (p[0] == '#') return true;
    if (p[0] != '*' || p[1] != '*') return false;
    const char *end = strchr(p, '\n');
    const char *mark = strstr(p, ":**");
    return mark && (!end || mark < end);
}

/* The first prose paragraph of the doc, joined into one line; NULL when
 * the doc has none. Caller frees. */
static char *first_paragraph(const char *doc) {
    if (!doc) return NULL;
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    const char *p = doc;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        bool blank = strspn(p, " \t\r") >= len;
        bool skip = blank || is_meta_line(p);
        if (skip && sb.len) break; /* the paragraph ended */
        if (!skip) {
            if (sb.len) cg_strbuf_append_char(&sb, ' ');
            while (len && (p[len - 1] == '\r' || p[len - 1] == ' ')) len--;
            cg_strbuf_append_n(&sb, p, len);
        }
        if (!nl) break;
        p = nl + 1;
    }
    if (sb.len == 0) {
        cg_strbuf_free(&sb);
        return NULL;
    }
    return cg_strbuf_detach(&sb);
}

/* CG000 and CG099 describe the scan, not the code's safety. */
static bool is_meta(const char *id) {
    return strcmp(id, CG_ID_INCOMPLETE) == 0 || strcmp(id, CG_ID_BAD_SUPPRESSION) == 0;
}

static const char *rule_topic(const char *id) {
    static const char *const concurrency[] = {"CG011", "CG012", "CG017", "CG020", "CG021"};
    for (size_t i = 0; i < sizeof concurrency / sizeof concurrency[0]; i++)
        if (strcmp(id, concurrency[i]) == 0) return "concurrency";
    return "memory-safety";
}

static const char *security_severity(cg_severity sev) {
    switch (sev) {
    case CG_SEV_ERROR: return "8.0";
    case CG_SEV_WARNING: return "5.0";
    case CG_SEV_NOTE: return "2.0";
    }
    return "8.0";
}

static void put_rule(cg_json *j, const cg_catalog_entry *e) {
    cg_json_open_object(j, NULL);
    cg_json_string(j, "id", e->id);
    cg_json_string(j, "name", e->name);
    if (e->doc) {
        char *uri = cg_xasprintf("%s/%s.md", CG_RULE_DOCS_URI, e->id);
        cg_json_string(j, "helpUri", uri);
        free(uri);
    }
    cg_json_open_object(j, "shortDescription");
    cg_json_string(j, "text", e->summary);
    cg_json_close_object(j);
    char *full = first_paragraph(e->doc);
    cg_json_open_object(j, "fullDescription");
    cg_json_string(j, "text", full ? full : e->summary);
    cg_json_close_object(j);
    free(full);
    cg_json_open_object(j, "help");
    if (e->doc) {
        cg_json_string(j, "text", e->doc);
        cg_json_string(j, "markdown", e->doc);
    } else {
        cg_json_string(j, "text", e->summary);
    }
    cg_json_close_object(j);
    cg_json_open_object(j, "defaultConfiguration");
    cg_json_string(j, "level", sarif_level(e->severity));
    cg_json_close_object(j);
    cg_json_open_object(j, "properties");
    bool meta = is_meta(e->id);
    cg_json_open_array(j, "tags");
    cg_json_string(j, NULL, "cgo");
    if (!meta) {
        cg_json_string(j, NULL, "security");
        cg_json_string(j, NULL, rule_topic(e->id));
    }
    cg_json_close_array(j);
    /* GitHub code scanning ranks security alerts by this score (critical
     * >= 9.0, high >= 7.0, medium >= 4.0, low > 0): an error rule is a crash
     * or memory corruption, a warning a leak or a latent fault. */
    if (!meta) cg_json_string(j, "security-severity", security_severity(e->severity));
    /* The property GitHub code scanning reads for non-security alerts. */
    cg_json_string(j, "problem.severity",
                   e->severity == CG_SEV_NOTE ? "recommendation" : sarif_level(e->severity));
    cg_json_close_object(j);
    cg_json_close_object(j);
}

/* ---- Results ---- */

/* Byte column -> code point column on `line` (1-based both). */
static unsigned code_point_column(const char *line, unsigned byte_col) {
    if (!line || byte_col == 0) return byte_col;
    const unsigned char *s = (const unsigned char *)line;
    size_t len = strlen(line), target = byte_col - 1, i = 0;
    unsigned cps = 0;
    while (i < target && i < len) {
        size_t n = cg_utf8_seq_len(s + i, len - i);
        i += n ? n : 1;
        cps++;
    }
    if (i < target) cps += (unsigned)(target - i); /* past the end: one per byte */
    return cps + 1;
}

static void put_physical(sarif *s, cg_json *j, const cg_location *loc, const char *line_text) {
    cg_json_open_object(j, "physicalLocation");
    size_t a = add_artifact(s, loc->file);
    cg_json_open_object(j, "artifactLocation");
    cg_json_string(j, "uri", s->artifacts.items[a].uri);
    if (s->artifacts.items[a].relative) cg_json_string(j, "uriBaseId", "%SRCROOT%");
    cg_json_uint(j, "index", a);
    cg_json_close_object(j);
    if (loc->line) {
        cg_json_open_object(j, "region");
        cg_json_uint(j, "startLine", loc->line);
        if (loc->column) cg_json_uint(j, "startColumn", code_point_column(line_text, loc->column));
        /* SARIF requires end >= start; drop an end that would violate it. */
        bool has_end = loc->end_line > loc->line ||
                       (loc->end_line == loc->line && loc->end_column > loc->column);
        if (has_end) {
            cg_json_uint(j, "endLine", loc->end_line);
            if (loc->end_column)
                cg_json_uint(j, "endColumn", loc->end_line == loc->line
                                                 ? code_point_column(line_text, loc->end_column)
                                                 : loc->end_column);
        }
        cg_json_close_object(j);
    }
    cg_json_close_object(j);
}

static void put_message(cg_json *j, const char *key, const char *text) {
    cg_json_open_object(j, key);
    cg_json_string(j, "text", text ? text : "");
    cg_json_close_object(j);
}

static void put_fingerprint(sarif *s, cg_json *j, const cg_diag *d) {
    cg_json_open_object(j, "partialFingerprints");
    cg_json_string(j, "cgoguard/v1", cg_fingerprints_get(s->fps, d));
    cg_json_close_object(j);
}

/* SARIF message text: the backslash and brackets of plain text are escaped
 * (SARIF 3.11.6), so that only the links added here are links. */
static void append_escaped(cg_strbuf *sb, const char *s) {
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '[' || *s == ']') cg_strbuf_append_char(sb, '\\');
        cg_strbuf_append_char(sb, *s);
    }
}

/* The message, then a link to each step of the trace: code-scanning
 * services show relatedLocations only where the message links them
 * ([text](id)). Caller frees. */
static char *linked_message(const cg_diag *d) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    append_escaped(&sb, d->message);
    bool any = false;
    for (unsigned i = 0; i < d->related_count; i++) {
        const cg_related *r = &d->related[i];
        if (!r->loc.file) continue;
        cg_strbuf_append(&sb, any ? ", " : ". Trace: ");
        any = true;
        cg_strbuf_append_char(&sb, '[');
        append_escaped(&sb, cg_path_base(r->loc.file));
        if (r->loc.line) cg_strbuf_printf(&sb, ":%u", r->loc.line);
        cg_strbuf_printf(&sb, "](%u)", i + 1);
    }
    if (any) cg_strbuf_append_char(&sb, '.');
    return cg_strbuf_detach(&sb);
}

static void put_flow_step(sarif *s, cg_json *j, const cg_location *loc, const char *line_text, const char *message) {
    cg_json_open_object(j, NULL);
    cg_json_open_object(j, "location");
    put_physical(s, j, loc, line_text);
    put_message(j, "message", message);
    cg_json_close_object(j);
    cg_json_close_object(j);
}

/* The trace through both languages as one thread flow: the finding, then
 * each step in the order the rule gave them. */
static void put_code_flow(sarif *s, cg_json *j, const cg_diag *d) {
    cg_json_open_array(j, "codeFlows");
    cg_json_open_object(j, NULL);
    cg_json_open_array(j, "threadFlows");
    cg_json_open_object(j, NULL);
    cg_json_open_array(j, "locations");
    put_flow_step(s, j, &d->loc, d->source_line, d->message);
    for (unsigned i = 0; i < d->related_count; i++)
        if (d->related[i].loc.file)
            put_flow_step(s, j, &d->related[i].loc, d->related[i].source_line, d->related[i].message);
    cg_json_close_array(j);
    cg_json_close_object(j);
    cg_json_close_array(j);
    cg_json_close_object(j);
    cg_json_close_array(j);
}

static void put_artifact_location(sarif *s, cg_json *j, const char *path) {
    size_t a = add_artifact(s, path);
    cg_json_open_object(j, "artifactLocation");
    cg_json_string(j, "uri", s->artifacts.items[a].uri);
    if (s->artifacts.items[a].relative) cg_json_string(j, "uriBaseId", "%SRCROOT%");
    cg_json_uint(j, "index", a);
    cg_json_close_object(j);
}

/* The machine-applicable fix: one artifactChange per file, its edits as
 * byte ranges (exactly what --fix applies). */
static void put_fix(sarif *s, cg_json *j, const cg_diag *d) {
    cg_json_open_array(j, "fixes");
    cg_json_open_object(j, NULL);
    put_message(j, "description", d->fix_title ? d->fix_title : d->fix);
    cg_json_open_array(j, "artifactChanges");
    for (unsigned i = 0; i < d->edit_count; i++) {
        bool first = true;
        for (unsigned k = 0; k < i; k++)
            if (strcmp(d->edits[k].file, d->edits[i].file) == 0) first = false;
        if (!first) continue;
        cg_json_open_object(j, NULL);
        put_artifact_location(s, j, d->edits[i].file);
        cg_json_open_array(j, "replacements");
        for (unsigned k = i; k < d->edit_count; k++) {
            const cg_edit *e = &d->edits[k];
            if (strcmp(e->file, d->edits[i].file) != 0) continue;
            cg_json_open_object(j, NULL);
            cg_json_open_object(j, "deletedRegion");
            cg_json_uint(j, "byteOffset", e->start);
            cg_json_uint(j, "byteLength", e->end - e->start);
            cg_json_close_object(j);
            cg_json_open_object(j, "insertedContent");
            cg_json_string(j, "text", e->text);
            cg_json_close_object(j);
            cg_json_close_object(j);
        }
        cg_json_close_array(j);
        cg_json_close_object(j);
    }
    cg_json_close_array(j);
    cg_json_close_object(j);
    cg_json_close_array(j);
}

static void put_result(sarif *s, cg_json *j, const cg_diag *d) {
    cg_json_open_object(j, NULL);
    cg_json_string(j, "ruleId", d->rule_id);
    cg_json_uint(j, "ruleIndex", rule_index(s, d->rule_id));
    cg_json_string(j, "level", sarif_level(d->severity));
    char *text = linked_message(d);
    put_message(j, "message", text);
    free(text);
    cg_json_open_array(j, "locations");
    cg_json_open_object(j, NULL);
    put_physical(s, j, &d->loc, d->source_line);
    cg_json_close_object(j);
    cg_json_close_array(j);
    if (d->related_count) {
        cg_json_open_array(j, "relatedLocations");
        for (unsigned i = 0; i < d->related_count; i++) {
            const cg_related *r = &d->related[i];
            cg_json_open_object(j, NULL);
            cg_json_uint(j, "id", i + 1);
            if (r->loc.file) put_physical(s, j, &r->loc, r->source_line);
            put_message(j, "message", r->message);
            cg_json_close_object(j);
        }
        cg_json_close_array(j);
        put_code_flow(s, j, d);
    }
    put_fingerprint(s, j, d);
    if (d->edit_count) put_fix(s, j, d);
    if (d->suppressed) {
        cg_json_open_array(j, "suppressions");
        cg_json_open_object(j, NULL);
        cg_json_string(j, "kind", "inSource");
        cg_json_string(j, "status", "accepted");
        if (d->suppression) cg_json_string(j, "justification", d->suppression);
        cg_json_close_object(j);
        cg_json_close_array(j);
    }
    if (d->fix || d->confidence) {
        cg_json_open_object(j, "properties");
        if (d->fix) cg_json_string(j, "fix", d->fix);
        if (d->confidence) cg_json_string(j, "confidence", d->confidence);
        cg_json_close_object(j);
    }
    cg_json_close_object(j);
}

/* What the scan could not do: findings about no file ("pkg-config is not
 * installed"), files not analysed fully (CG000 findings with a file, which
 * are also results) and packages or paths not analysed at all (the CLI's
 * problems). Code-scanning services reject results without a location and
 * show these as the tool's own messages. */
static void put_notifications(sarif *s, cg_json *j, const cg_diag_list *list) {
    bool any = false;
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (d->loc.file && (strcmp(d->rule_id, CG_ID_INCOMPLETE) != 0 || d->suppressed)) continue;
        if (!any) cg_json_open_array(j, "toolExecutionNotifications");
        any = true;
        cg_json_open_object(j, NULL);
        if (d->loc.file) {
            cg_json_open_array(j, "locations");
            cg_json_open_object(j, NULL);
            put_physical(s, j, &d->loc, d->source_line);
            cg_json_close_object(j);
            cg_json_close_array(j);
        }
        cg_json_string(j, "level", sarif_level(d->severity));
        put_message(j, "message", d->message);
        cg_json_open_object(j, "associatedRule");
        cg_json_string(j, "id", d->rule_id);
        cg_json_uint(j, "index", rule_index(s, d->rule_id));
        cg_json_close_object(j);
        cg_json_close_object(j);
    }
    for (size_t i = 0; i < s->opts->problem_count; i++) {
        if (!any) cg_json_open_array(j, "toolExecutionNotifications");
        any = true;
        cg_json_open_object(j, NULL);
        cg_json_string(j, "level", "error");
        put_message(j, "message", s->opts->problems[i]);
        cg_json_close_object(j);
    }
    if (any) cg_json_close_array(j);
}

cg_status cg_report_emit_sarif(FILE *out, const cg_diag_list *list, const cg_report_options *opts) {
    sarif s = {.opts = opts};
    cg_strmap_init(&s.rule_index);
    cg_strmap_init(&s.artifact_index);
    cg_strmap_init(&s.artifact_by_path);
    cg_fingerprints *own = opts->fingerprints ? NULL : cg_fingerprints_compute(list, opts->srcroot_uri, opts->scan_root);
    s.fps = opts->fingerprints ? opts->fingerprints : own;
    collect(&s, list);

    cg_json j;
    cg_json_init(&j, out);
    cg_json_open_object(&j, NULL);
    cg_json_string(&j, "$schema", SARIF_SCHEMA);
    cg_json_string(&j, "version", "2.1.0");
    cg_json_open_array(&j, "runs");
    cg_json_open_object(&j, NULL);

    cg_json_open_object(&j, "tool");
    cg_json_open_object(&j, "driver");
    cg_json_string(&j, "name", "cgoguard");
    cg_json_string(&j, "version", cg_report_tool_version(opts));
    cg_json_string(&j, "informationUri", CG_INFORMATION_URI);
    cg_json_open_array(&j, "rules");
    for (size_t i = 0; i < s.rules.len; i++) put_rule(&j, &s.rules.items[i]);
    cg_json_close_array(&j);
    cg_json_close_object(&j);
    cg_json_close_object(&j);

    cg_json_open_array(&j, "invocations");
    cg_json_open_object(&j, NULL);
    cg_json_bool(&j, "executionSuccessful", !opts->execution_failed);
    put_notifications(&s, &j, list);
    cg_json_close_object(&j);
    cg_json_close_array(&j);

    if (opts->srcroot_uri) {
        cg_json_open_object(&j, "originalUriBaseIds");
        cg_json_open_object(&j, "%SRCROOT%");
        cg_json_string(&j, "uri", opts->srcroot_uri);
        cg_json_close_object(&j);
        cg_json_close_object(&j);
    }

    cg_json_open_array(&j, "artifacts");
    for (size_t i = 0; i < s.artifacts.len; i++) {
        const artifact *a = &s.artifacts.items[i];
        cg_json_open_object(&j, NULL);
        cg_json_open_object(&j, "location");
        cg_json_string(&j, "uri", a->uri);
        if (a->relative) cg_json_string(&j, "uriBaseId", "%SRCROOT%");
        cg_json_close_object(&j);
        if (a->language) cg_json_string(&j, "sourceLanguage", a->language);
        cg_json_close_object(&j);
    }
    cg_json_close_array(&j);

    cg_json_string(&j, "columnKind", "unicodeCodePoints");
    cg_json_open_array(&j, "results");
    for (size_t i = 0; i < cg_diag_list_count(list); i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (d->loc.file) put_result(&s, &j, d);
    }
    cg_json_close_array(&j);

    cg_json_close_object(&j); /* the run */
    cg_json_close_array(&j);
    cg_json_close_object(&j);
    cg_json_finish(&j);

    for (size_t i = 0; i < s.artifacts.len; i++) free(s.artifacts.items[i].uri);
    cg_vec_free(&s.artifacts);
    cg_vec_free(&s.rules);
    cg_strmap_free(&s.rule_index);
    cg_strmap_free(&s.artifact_index);
    cg_strmap_free(&s.artifact_by_path);
    cg_fingerprints_free(own);
    return fflush(out) == 0 && !ferror(out) ? CG_OK : CG_ERR_IO;
}
