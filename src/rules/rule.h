/*
 * rule.h: the rule descriptor and the registry.
 *
 * A rule is one file src/rules/cgNNN_name.c that defines one descriptor
 * `const cg_rule cg_rule_CGNNN` and its check logic, registered by one row in
 * rules.def. The registry (rules.c) builds the rule table from rules.def;
 * `cgoguard rules`, `cgoguard explain` and the SARIF rules[] all read it.
 * The long doc of each rule is docs/rules/CGNNN.md, embedded at build time.
 */
#ifndef CG_RULE_H
#define CG_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct cg_check_ctx cg_check_ctx; /* defined in check.h */

typedef struct cg_rule {
    const char *id;      /* "CG001": stable, never reused */
    const char *name;    /* "go-pointer-to-go-pointer" */
    cg_severity severity;
    const char *summary; /* lowercase, at most ~60 chars, no final period */
    /* Runs the rule over one package; appends findings through the ctx. */
    void (*check)(cg_check_ctx *ctx);
} cg_rule;

/* Meta diagnostics that are not rules but share the id space, so that they
 * can be suppressed, filtered and shown in SARIF like any finding. */
#define CG_ID_INCOMPLETE "CG000"       /* input that could not be analysed fully */
#define CG_NAME_INCOMPLETE "incomplete-analysis"
#define CG_ID_BAD_SUPPRESSION "CG099"  /* cgoguard:ignore without a reason */
#define CG_NAME_BAD_SUPPRESSION "suppression-without-reason"

size_t cg_rule_count(void);
const cg_rule *cg_rule_at(size_t index); /* sorted by id */
const cg_rule *cg_rule_find(const char *id_or_name);
/* The embedded docs/rules/<id>.md, or NULL (generated rule_docs.c). */
const char *cg_rule_doc(const char *id);

#endif /* CG_RULE_H */
