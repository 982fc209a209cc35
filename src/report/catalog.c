/*
 * catalog.c: what `cgoguard rules` lists, `cgoguard explain` prints, a
 * suppression may name and SARIF declares in tool.driver.rules: the rule
 * registry (src/rules/rules.def) plus the two meta ids, CG000 for input that
 * could not be analysed and CG099 for malformed suppressions. The meta ids
 * are findings like any other (they can be suppressed and filtered), so they
 * belong in the catalog, but they have no check function, so they are not in
 * the registry; this file merges both views, ordered by id.
 */
#include "report_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/rule.h"

static const struct {
    const char *id, *name;
    cg_severity severity;
    const char *summary;
} meta_rules[] = {
    {CG_ID_INCOMPLETE, CG_NAME_INCOMPLETE, CG_SEV_NOTE, "input that could not be analysed fully"},
    {CG_ID_BAD_SUPPRESSION, CG_NAME_BAD_SUPPRESSION, CG_SEV_WARNING,
     "cgoguard:ignore without a reason or with an unknown rule"},
};
enum { META_COUNT = sizeof meta_rules / sizeof meta_rules[0] };

static void from_rule(const cg_rule *r, cg_catalog_entry *out) {
    out->id = r->id;
    out->name = r->name;
    out->severity = r->severity;
    out->summary = r->summary;
    out->doc = cg_rule_doc(r->id);
}

/* A meta id the registry does not define itself (if the lead ever registers
 * one, the registry's row wins). */
static bool meta_is_extra(size_t m) { return cg_rule_find(meta_rules[m].id) == NULL; }

/* Builds the merged, id-sorted view; caller frees. Ids share one format
 * (CG + three digits), so strcmp orders them numerically. */
static cg_catalog_entry *build(size_t *count) {
    size_t nrules = cg_rule_count();
    cg_catalog_entry *all = cg_xcalloc(nrules + META_COUNT, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < nrules; i++) from_rule(cg_rule_at(i), &all[n++]);
    for (size_t m = 0; m < META_COUNT; m++) {
        if (!meta_is_extra(m)) continue;
        cg_catalog_entry e = {meta_rules[m].id, meta_rules[m].name, meta_rules[m].severity,
                              meta_rules[m].summary, cg_rule_doc(meta_rules[m].id)};
        size_t at = n;
        while (at > 0 && strcmp(all[at - 1].id, e.id) > 0) {
            all[at] = all[at - 1];
            at--;
        }
        all[at] = e;
        n++;
    }
    *count = n;
    return all;
}

size_t cg_catalog_count(void) {
    size_t n = cg_rule_count();
    for (size_t m = 0; m < META_COUNT; m++) n += meta_is_extra(m);
    return n;
}

bool cg_catalog_at(size_t index, cg_catalog_entry *out) {
    size_t n;
    cg_catalog_entry *all = build(&n);
    bool ok = index < n;
    if (ok) *out = all[index];
    free(all);
    return ok;
}

/* "1", "001", "CG1", "cg01" all mean CG001: users type what they remember. */
static bool parse_number(const char *s, unsigned *out) {
    if (strncasecmp(s, "CG", 2) == 0) s += 2;
    if (!*s || strlen(s) > 6) return false;
    unsigned v = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return true;
}

bool cg_catalog_find(const char *id_or_name, cg_catalog_entry *out) {
    if (!id_or_name || !*id_or_name) return false;
    size_t n;
    cg_catalog_entry *all = build(&n);
    char numbered[16] = "";
    unsigned num;
    if (parse_number(id_or_name, &num)) snprintf(numbered, sizeof numbered, "CG%03u", num);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (strcasecmp(all[i].id, id_or_name) == 0 || strcasecmp(all[i].name, id_or_name) == 0 ||
            strcmp(all[i].id, numbered) == 0) {
            *out = all[i];
            found = true;
        }
    }
    free(all);
    return found;
}

/* Case-insensitive Levenshtein distance, for short strings. */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = cg_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

const char *cg_catalog_suggest(const char *id_or_name) {
    if (!id_or_name || !*id_or_name) return NULL;
    size_t n;
    cg_catalog_entry *all = build(&n);
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *cands[2] = {all[i].id, all[i].name};
        for (int k = 0; k < 2; k++) {
            size_t d = edit_distance(id_or_name, cands[k]);
            /* Close means a typo, not a different word: two edits for ids,
             * a third of the length for the longer names. */
            size_t limit = strlen(cands[k]) / 3;
            if (limit < 2) limit = 2;
            if (d <= limit && d < best_d) {
                best = cands[k];
                best_d = d;
            }
        }
    }
    free(all);
    return best; /* static strings from the registry or the meta table */
}

void cg_report_print_rules(FILE *out) {
    size_t n;
    cg_catalog_entry *all = build(&n);
    int wid = (int)strlen("ID"), wname = (int)strlen("NAME"), wsev = (int)strlen("SEVERITY");
    for (size_t i = 0; i < n; i++) {
        if ((int)strlen(all[i].id) > wid) wid = (int)strlen(all[i].id);
        if ((int)strlen(all[i].name) > wname) wname = (int)strlen(all[i].name);
        if ((int)strlen(cg_severity_name(all[i].severity)) > wsev)
            wsev = (int)strlen(cg_severity_name(all[i].severity));
    }
    fprintf(out, "%-*s  %-*s  %-*s  %s\n", wid, "ID", wname, "NAME", wsev, "SEVERITY", "SUMMARY");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-*s  %-*s  %-*s  %s\n", wid, all[i].id, wname, all[i].name, wsev,
                cg_severity_name(all[i].severity), all[i].summary);
    free(all);
}

cg_status cg_report_explain(FILE *out, const char *id_or_name, char **err) {
    cg_catalog_entry e;
    if (!id_or_name) id_or_name = "";
    if (!cg_catalog_find(id_or_name, &e)) {
        const char *hint = cg_catalog_suggest(id_or_name);
        if (hint)
            *err = cg_xasprintf("unknown rule '%s'; did you mean '%s'?", id_or_name, hint);
        else
            *err = cg_xasprintf("unknown rule '%s'; `cgoguard rules` lists them", id_or_name);
        return CG_ERR_USAGE;
    }
    fprintf(out, "%s %s (%s): %s\n\n", e.id, e.name, cg_severity_name(e.severity), e.summary);
    if (e.doc && *e.doc) {
        fputs(e.doc, out);
        if (e.doc[strlen(e.doc) - 1] != '\n') fputc('\n', out);
    } else {
        fprintf(out, "No documentation is embedded for %s.\n", e.id);
    }
    return CG_OK;
}
