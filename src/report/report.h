/*
 * report.h: the last stage of `cgoguard scan`: the sink and the emitters.
 *
 * The rules leave a cg_diag_list behind. cg_sink_finish turns it into the
 * finished list: it reads each source file a finding names (once), applies
 * the in-source suppressions, reports malformed suppressions as CG099,
 * removes duplicates and sorts by (file, line, column, id). The emitters
 * (text, JSON, SARIF) read only that finished list; the exit status and the
 * summary are computed from it too. `cgoguard rules` and `cgoguard explain`
 * print the catalog: the rule registry plus the meta ids CG000 and CG099.
 *
 * Suppressions (the full contract; docs and tests rely on it):
 *  - A directive is a comment whose text starts with `cgoguard:ignore`,
 *    after optional spaces and comment markers: Go `//cgoguard:ignore ...`
 *    or `// cgoguard:ignore ...`, a C block comment opening with
 *    `cgoguard:ignore`, and inside a cgo preamble also a `//` line holding
 *    such a block comment or a ` * cgoguard:ignore` line of a block comment.
 *    Text inside string literals is not a comment.
 *  - Then one or more rules, by exact id (`CG001`, any case) or name
 *    (`go-pointer-to-go-pointer`), separated by commas (`CG001,CG006` or
 *    `CG001, CG006`), then the reason: the rest of the comment line.
 *  - It covers findings of those rules whose primary location is on the
 *    directive's line or on the line below it, in the same file.
 *  - A directive without a reason suppresses nothing and is reported as
 *    CG099 (warning): an unexplained suppression hides an error from the
 *    next reader, so it must say why the finding is safe.
 *  - An unknown rule in a directive is reported as CG099 and ignored; the
 *    known rules of the same directive still apply. So is a directive that
 *    names no rule at all.
 *  - CG099 findings go through the same suppression pass as any other.
 *  - `cgoguard:file-ignore CG001 reason` (same forms, anywhere in the file)
 *    covers the rules it names in the whole file; the same reason rule
 *    applies (CG099 without one).
 *
 * Thread-safety: none of this keeps global state; separate lists can be
 * processed on separate threads.
 */
#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/base.h"
#include "rules/diag.h"

/* ---- The sink ---- */

typedef struct cg_sink_options {
    /* Other files the scan analysed: they are read for directives too, so a
     * reasonless cgoguard:ignore is reported even where nothing was found.
     * May be NULL/0. Paths are read as given (relative to the cwd). */
    const char *const *files;
    size_t file_count;
    /* Source files larger than this are not read (no suppressions, no source
     * line in the output). 0 means the default, 256 MiB. */
    size_t max_source_bytes;
} cg_sink_options;

/* Applies suppressions, adds CG099 findings, de-duplicates identical
 * (id, file, line, column, message) findings (the first one added stays) and
 * sorts stably by file, line, column, id. Also records in each diag (and in
 * each related location) the text of its line for the emitters. A finding on
 * line 0 (a whole file) cannot be suppressed. opts may be NULL. Files that cannot
 * be read are skipped: their findings stay unsuppressed and are shown without
 * a source line (a missing file is the front-end's error to report). Call it
 * once per list. */
void cg_sink_finish(cg_diag_list *list, const cg_sink_options *opts);

/* ---- Summary and exit status ---- */

typedef struct cg_report_summary {
    size_t errors, warnings, notes; /* unsuppressed findings by severity */
    size_t suppressed;
} cg_report_summary;

cg_report_summary cg_report_summarize(const cg_diag_list *list);
/* 0 when no unsuppressed finding has severity >= fail_on, 1 otherwise
 * (2, usage or fatal error, is the CLI's business). */
int cg_report_exit_status(const cg_diag_list *list, cg_severity fail_on);
/* "3 findings (2 errors, 1 warning), 1 suppressed"; caller frees. */
char *cg_report_summary_text(const cg_report_summary *summary);

/* ---- Emitters ---- */

typedef enum cg_report_format {
    CG_REPORT_TEXT = 0,
    CG_REPORT_JSON,
    CG_REPORT_SARIF,
} cg_report_format;

/* Parses "text", "json", "sarif"; returns 0 on success, -1 otherwise. */
int cg_report_format_parse(const char *text, cg_report_format *out);

typedef struct cg_report_options {
    cg_report_format format;
    bool color;               /* text only: ANSI colours (the CLI decides: tty, NO_COLOR) */
    const char *tool_version; /* NULL: the build's CG_VERSION */
    /* SARIF: absolute URI of the directory relative paths are relative to
     * (normally the cwd as "file:///abs/dir/"), written as
     * originalUriBaseIds.%SRCROOT%. NULL leaves it out (consumers such as
     * code-scanning services then resolve against the checkout). */
    const char *srcroot_uri;
    /* Fingerprints (baseline.h): the directory a file outside any Go module
     * is named relative to (the CLI: the directory of the first pattern).
     * NULL: such files are named by their absolute path. */
    const char *scan_root;
    /* SARIF: list every rule of the catalog in tool.driver.rules (default
     * false: only the rules the results reference, keeping the log small). */
    bool sarif_all_rules;
    /* SARIF invocations[0].executionSuccessful; the CLI clears it when the
     * scan hit a fatal error after some findings were made. */
    bool execution_failed;
    /* JSON and SARIF: the fingerprints to write (baseline.h), computed on the
     * list before --baseline removed the known findings so that occurrence
     * indices are those of the full scan. NULL: computed from the list. */
    const struct cg_fingerprints *fingerprints;
    /* Packages or paths that could not be analysed at all ("no such
     * directory", a go list error): SARIF lists them as error notifications
     * of the invocation, text and JSON leave them to stderr. */
    const char *const *problems;
    size_t problem_count;
} cg_report_options;

/* Writes the finished list (after cg_sink_finish) in opts->format. Text and
 * JSON leave suppressed findings out (they count in the summary); SARIF keeps
 * them with suppressions[] as the standard asks. Returns CG_OK, or CG_ERR_IO
 * when writing fails. */
cg_status cg_report_emit(FILE *out, const cg_diag_list *list, const cg_report_options *opts);

/* ---- go vet -vettool (vet.c) ---- */

/* The unitchecker JSON tree for one package: its findings at or above min
 * (not suppressed, with a file), or the error when the package could not be
 * analysed. */
cg_status cg_report_emit_vet_json(FILE *out, const cg_diag_list *list, const char *package_id, cg_severity min,
                                  const char *error);
/* unitchecker's plain text; returns how many findings were printed. */
size_t cg_report_emit_vet_text(FILE *out, const cg_diag_list *list, cg_severity min);

/* ---- Machine-applicable fixes (fixes.c) ---- */

typedef struct cg_fix_stats {
    size_t applied; /* fixes taken */
    size_t skipped; /* fixes left out: they overlap one taken before */
    size_t files;   /* files written (or diffed) */
} cg_fix_stats;

/* Applies the edits of the unsuppressed findings of a finished list: writes
 * the files in place, or with diff_only prints a unified diff to out and
 * changes nothing. A fix is all or nothing; one that overlaps a fix taken
 * before it is skipped. CG_ERR_IO with *err (caller frees) when a file
 * cannot be read or written or no longer matches the scan; the other files
 * are still done. */
cg_status cg_fixes_apply(const cg_diag_list *list, bool diff_only, FILE *out, cg_fix_stats *stats, char **err);
/* The same with the fixed contents handed to sink (before: the file as
 * scanned) instead of written: go vet -fix's archive, say. A sink error
 * (CG_ERR_IO with *err) counts like a write error. */
typedef cg_status (*cg_fix_sink)(const char *path, const char *before, size_t before_len, const char *after,
                                  size_t after_len, void *ctx, char **err);
cg_status cg_fixes_each(const cg_diag_list *list, cg_fix_sink sink, void *ctx, cg_fix_stats *stats, char **err);

/* ---- The catalog: registry rules plus the meta ids ---- */

typedef struct cg_catalog_entry {
    const char *id;
    const char *name;
    cg_severity severity;
    const char *summary;
    const char *doc; /* the embedded docs/rules/<id>.md, or NULL */
} cg_catalog_entry;

size_t cg_catalog_count(void);
/* Sorted by id; returns false past the end. */
bool cg_catalog_at(size_t index, cg_catalog_entry *out);
/* By id (any case), by name, or by number ("1", "001" for CG001). */
bool cg_catalog_find(const char *id_or_name, cg_catalog_entry *out);
/* The closest id or name for a "did you mean", or NULL when nothing is close. */
const char *cg_catalog_suggest(const char *id_or_name);

/* `cgoguard rules`: a table of id, name, severity, summary. */
void cg_report_print_rules(FILE *out);
/* `cgoguard explain`: a header line, then the rule's doc. Unknown id or name:
 * CG_ERR_USAGE and *err (caller frees) says so, with a "did you mean". */
cg_status cg_report_explain(FILE *out, const char *id_or_name, char **err);

#endif /* CG_REPORT_H */
