/*
 * run.h: `cgoguard run`, which runs a Go program under the strongest runtime
 * checks the installed Go offers (cgocheck2 at build time with --build on
 * Go >= 1.21, GODEBUG=cgocheck=2 on older Go), the crash guard preload
 * library and GOTRACEBACK=crash, and then prints one summary that names the
 * rule (CGxxx) the failure corresponds to.
 */
#ifndef CG_RUN_H
#define CG_RUN_H

#include <stddef.h>

/* Runs `cgoguard run`: argv[0] is "run". Returns the exit status to use: the
 * program's exit status, 128+N when it died by signal N, 2 on usage errors
 * and 125 when the program could not be built or started. */
int cg_cmd_run(int argc, char **argv);

/* ---- The one table from runtime evidence to rules (run_rules.c). ---- */
typedef enum cg_run_evidence {
    CG_RUN_GO_OUTPUT,  /* text the Go runtime prints (panic / fatal error) */
    CG_RUN_CRASH_KIND, /* a crash guard classification or allocator kind */
} cg_run_evidence;

typedef struct cg_run_signature {
    cg_run_evidence evidence;
    const char *text;      /* substring of the output, or exact kind */
    const char *rule_id;   /* "CG001" */
    const char *rule_name; /* "go-pointer-to-go-pointer" */
    const char *origin;    /* where the text comes from, for the docs */
} cg_run_signature;

size_t cg_run_signature_count(void);
const cg_run_signature *cg_run_signature_at(size_t index);
/* The first signature whose text occurs in `output`, or NULL. */
const cg_run_signature *cg_run_match_output(const char *output);
/* The signature for a crash guard kind (exact match), or NULL. */
const cg_run_signature *cg_run_match_crash_kind(const char *kind);

#endif /* CG_RUN_H */
