/*
 * diag.h: the one structure every finding is written into.
 *
 * Rules never print: they fill a cg_diag (rule id, severity, primary range,
 * message, related locations that trace the finding through the other
 * language, optional fix text) and append it to a cg_diag_list. The report
 * stage (src/report) applies suppressions, --fail-on, de-duplication and a
 * stable sort, and its emitters read only the resulting list.
 */
#ifndef CG_DIAG_H
#define CG_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum cg_severity {
    CG_SEV_NOTE = 0,
    CG_SEV_WARNING = 1,
    CG_SEV_ERROR = 2,
} cg_severity;

const char *cg_severity_name(cg_severity sev); /* "note", "warning", "error" */
/* Parses "note"/"warning"/"error"; returns 0 on success, -1 otherwise. */
int cg_severity_parse(const char *text, cg_severity *out);

/* A source range. Lines and columns are 1-based; column counts bytes. The
 * file path is as given on the command line joined with the package-relative
 * name (so output stays stable between runs and machines). */
typedef struct cg_location {
    const char *file; /* owned by the diag list's arena */
    unsigned line;
    unsigned column;
    unsigned end_line;   /* 0 when unknown */
    unsigned end_column; /* 0 when unknown; exclusive (one past the last byte), as in SARIF */
} cg_location;

/* A step in the cross-language trace, printed as a `note:` line. */
typedef struct cg_related {
    cg_location loc;
    const char *message;
    const char *source_line; /* set by the sink (src/report): text of loc.line, or NULL */
} cg_related;

enum { CG_MAX_RELATED = 8 };

/* One text edit of a machine-applicable fix: the bytes [start, end) of
 * file are replaced by text (start == end inserts). The same range is kept
 * as positions (1-based lines, byte columns, end exclusive) for the
 * formats that want them (SARIF, text); offsets are what go vet's JSON and
 * --fix use. */
typedef struct cg_edit {
    const char *file; /* the diag's file, or another file of the package */
    unsigned start, end;
    unsigned line, column, end_line, end_column;
    const char *text;
} cg_edit;

enum { CG_MAX_EDITS = 4 };

typedef struct cg_diag {
    const char *rule_id;   /* "CG001" (static string from the registry) */
    const char *rule_name; /* "go-pointer-to-go-pointer" */
    cg_severity severity;  /* normally the rule's; a rule may lower/raise it */
    cg_location loc;
    const char *message;
    cg_related related[CG_MAX_RELATED];
    unsigned related_count;
    const char *fix;        /* short fix text, or NULL */
    /* A machine-applicable fix (cgoguard scan --fix/--diff, go vet -fix, the
     * analyzer's SuggestedFixes): edits to apply together or not at all, and
     * what they do. edit_count 0: the fix, if any, is prose only. */
    const char *fix_title;
    cg_edit edits[CG_MAX_EDITS];
    unsigned edit_count;
    const char *confidence; /* NULL, or e.g. "assumes unknown C function does not keep" */
    int suppressed;         /* set by the sink; emitters skip suppressed diags */
    /* Set by the sink (src/report); cg_diag_list_add clears them. */
    const char *suppression; /* the reason of the cgoguard:ignore that suppressed it */
    const char *source_line; /* text of loc.line without its newline, or NULL */
} cg_diag;

/* Owns its diags and every string they point to. */
typedef struct cg_diag_list cg_diag_list;

cg_diag_list *cg_diag_list_new(void);
void cg_diag_list_free(cg_diag_list *list); /* NULL is a no-op */
size_t cg_diag_list_count(const cg_diag_list *list);
cg_diag *cg_diag_list_at(cg_diag_list *list, size_t index);
const cg_diag *cg_diag_list_at_const(const cg_diag_list *list, size_t index);

/* Appends a copy of *diag (strings are copied into the list). Returns the
 * stored copy so the caller can add related locations with cg_diag_relate. */
cg_diag *cg_diag_list_add(cg_diag_list *list, const cg_diag *diag);
/* Adds a related location; the message is formatted and copied. Extra
 * locations beyond CG_MAX_RELATED are dropped (the first ones matter most). */
void cg_diag_relate(cg_diag_list *list, cg_diag *diag, cg_location loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Adds a text edit to the diag's fix (file and text are copied). Returns
 * false, adding nothing, past CG_MAX_EDITS: a rule then drops the fix
 * (edit_count = 0) rather than offering half of it. */
bool cg_diag_add_edit(cg_diag_list *list, cg_diag *diag, const cg_edit *edit);

/* Copies a string into the list's arena (for messages built by rules). */
const char *cg_diag_list_intern(cg_diag_list *list, const char *s);
/* Same for a byte range that need not be NUL-terminated. */
const char *cg_diag_list_intern_n(cg_diag_list *list, const char *s, size_t n);

/* For the sink. Sorts with a stable merge sort (equal diags keep the order
 * in which they were added). Pointers returned by cg_diag_list_at stay valid:
 * diags are never moved, only the list's index is reordered. */
void cg_diag_list_sort(cg_diag_list *list, int (*cmp)(const cg_diag *a, const cg_diag *b));
/* Drops every diag for which drop() returns nonzero; keeps the order. */
void cg_diag_list_remove_if(cg_diag_list *list, int (*drop)(const cg_diag *d, void *ctx), void *ctx);

#endif /* CG_DIAG_H */
