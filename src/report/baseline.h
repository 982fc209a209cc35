/*
 * baseline.h: finding fingerprints and `cgoguard scan --baseline FILE`.
 *
 * A fingerprint ("cgoguard/v1") names a finding across unrelated edits and
 * wherever the tree is scanned from: the FNV-1a 64 hash of the rule id, the
 * file's stable name and the finding's source line with all whitespace
 * removed (the message when the line cannot be read), in hex, then ":" and
 * the 1-based occurrence of that hash among the findings of the finished
 * list in order. The stable name of a file inside a Go module is the
 * module's path (go.mod's `module` line) joined with the file's path
 * relative to the module root; of another file, its path relative to the
 * scan root, or its canonical absolute path outside it (a system header).
 * Line numbers and the working directory are deliberately not part of it,
 * so code inserted above a finding does not make it "new", nor does a scan
 * started from another directory. The JSON report ("fingerprint") and the SARIF
 * report (partialFingerprints) carry the same value for the same finding.
 * Findings about no file have none. (Fingerprints written before they were
 * made independent of the working directory do not match these: write such
 * a baseline again.)
 *
 * A baseline is a previous JSON or SARIF report. cg_baseline_filter removes
 * from a finished list every finding whose (rule id, fingerprint) the
 * baseline holds (the fingerprint names the file already), so only new findings are reported and count for the
 * exit status. Findings about no file are always kept.
 *
 * Fingerprints must be computed on the full finished list (before the
 * filter) and handed to the emitters through cg_report_options.fingerprints:
 * occurrence indices then stay those of the full scan, and a report written
 * with --baseline can itself serve as a baseline for the same findings.
 */
#ifndef CG_BASELINE_H
#define CG_BASELINE_H

#include <stddef.h>

#include "report.h"

/* The fingerprints of one finished list, by diag (diags never move in a
 * list, so the pointers stay valid after cg_diag_list_remove_if). */
typedef struct cg_fingerprints cg_fingerprints;

/* srcroot_uri, scan_root: as in cg_report_options (NULL: none). */
cg_fingerprints *cg_fingerprints_compute(const cg_diag_list *list, const char *srcroot_uri,
                                         const char *scan_root);
void cg_fingerprints_free(cg_fingerprints *fps); /* NULL is a no-op */
/* The fingerprint of d, or NULL when d has no file or is not in the list. */
const char *cg_fingerprints_get(const cg_fingerprints *fps, const cg_diag *d);
/* The URI the fingerprint of d was computed with, or NULL (as above). */
const char *cg_fingerprints_uri(const cg_fingerprints *fps, const cg_diag *d);

typedef struct cg_baseline cg_baseline;

/* Reads a previous report: JSON (this tool's schema version 1) or SARIF
 * 2.1.0, told apart by content. srcroot_uri is the current run's, used to
 * turn the paths of a JSON report into URIs. On failure (unreadable file,
 * malformed JSON, neither format, a finding without rule or fingerprint)
 * returns NULL with *err (caller frees) naming the file and the problem. */
cg_baseline *cg_baseline_load(const char *path, const char *srcroot_uri, char **err);
void cg_baseline_free(cg_baseline *baseline); /* NULL is a no-op */
/* Findings the baseline lists. */
size_t cg_baseline_count(const cg_baseline *baseline);

/* Removes the findings of list that the baseline holds; returns how many
 * (suppressed ones included). fps must have been computed on list. */
size_t cg_baseline_filter(const cg_baseline *baseline, cg_diag_list *list, const cg_fingerprints *fps);

#endif /* CG_BASELINE_H */
