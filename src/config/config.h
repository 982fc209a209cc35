/*
 * config.h: what a repository says about its scans, in `.cgoguard.yml`, and
 * the rule selection of the command line.
 *
 * The file is YAML (read with libyaml), like golangci-lint's .golangci.yml,
 * so that the same keys can also sit under golangci-lint's plugin settings
 * (docs/ci.md says why not staticcheck's TOML). It is found upward from each
 * package's directory: the nearest `.cgoguard.yml` (or `.cgoguard.yaml`)
 * applies, whole (no merging of several files). `--config FILE` names one
 * file for every package instead.
 *
 *     version: 1
 *     root: /abs/dir                  # optional: where exclude paths start
 *                                     # (default: the file's directory)
 *     rules:
 *       enable: [error, CG008]        # ids, names or severities; default: all
 *       disable: [callback-on-foreign-thread]
 *       settings:
 *         thread-affinity:            # a rule, by id or name
 *           thread-error-api: [mylib_errstr, mylib_errcode]
 *           thread-affine: [mylib_make_current]
 *     exclude:
 *       - path: third_party/...       # relative to the file's directory
 *       - path: internal/legacy/...
 *         rules: [CG008]              # only these rules (default: all)
 *
 * Errors (unknown keys, rules or severities, wrong types) are usage errors
 * that name the file, line and column. Ownership: a cg_config owns
 * everything it points to.
 */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stdbool.h>

#include "../base/base.h"
#include "../rules/diag.h"

/* A set of rules, by catalog index (cg_catalog_at): the registry's rules
 * and the meta ids CG000/CG099. */
enum { CG_CONFIG_MAX_RULES = 128 };

typedef struct cg_rule_set {
    bool on[CG_CONFIG_MAX_RULES];
} cg_rule_set;

typedef struct cg_config_exclude {
    char *pattern;   /* relative to the config's directory; * ** and dir/... */
    cg_rule_set rules; /* the rules it silences */
} cg_config_exclude;

typedef struct cg_config {
    char *path; /* the file, as found */
    char *dir;  /* its directory, absolute: exclude patterns are relative to it */
    cg_strvec enable, disable; /* selectors as written (validated) */
    bool has_enable;
    CG_VEC(cg_config_exclude) excludes;
    cg_strvec thread_error_api; /* CG012's settings, see model/thread_affine.h */
    cg_strvec thread_affine;
} cg_config;

/* Reads and validates a config file. CG_ERR_USAGE with *err ("FILE:LINE:COL:
 * what is wrong", caller frees) when it is malformed, CG_ERR_IO when it
 * cannot be read. */
cg_status cg_config_load(const char *path, cg_config **out, char **err);
/* The same from memory (the fuzzer's entry point); name is used in errors. */
cg_status cg_config_parse(const char *name, const char *dir, const char *text, size_t len, cg_config **out,
                          char **err);
void cg_config_free(cg_config *cfg); /* NULL is a no-op */

/* The config file for a directory: the nearest .cgoguard.yml or
 * .cgoguard.yaml in dir or a parent; NULL when there is none. Caller frees. */
char *cg_config_find(const char *dir);

/* ---- Rule selection ---- */

/* Adds the rules a selector names to *set: an id ("CG001", any case), a
 * name, a severity ("error", "warning", "note": the rules whose default
 * severity it is; not the meta ids) or "all". False for an unknown
 * selector; *hint (a static string or NULL) is the closest valid one. */
bool cg_rule_set_add(cg_rule_set *set, const char *selector, const char **hint);

/* The rules that run: everything, or the enabled ones (the command line's
 * --enable when given, else the config's enable); minus the config's
 * disable (except what the command line enables) and the command line's
 * --disable. CG000 and CG099 stay on unless disabled by id or name. cfg
 * may be NULL. Selectors must have been validated. */
void cg_rule_selection(const cg_config *cfg, const cg_strvec *cli_enable, const cg_strvec *cli_disable,
                       cg_rule_set *out);
/* Is the rule (by id) in the set? Ids outside the catalog are kept. */
bool cg_rule_set_has(const cg_rule_set *set, const char *id);

/* Does an exclude of cfg silence this finding? path is the finding's file
 * as reported (relative to the cwd or absolute). */
bool cg_config_excludes(const cg_config *cfg, const char *path, const char *rule_id);

/* Matches a path (relative, '/'-separated) against an exclude pattern:
 * '*' and '?' within one segment, '**' for any number of segments,
 * "dir/..." for dir and everything below it. Exposed for tests. */
bool cg_config_path_match(const char *pattern, const char *path);



/* ---- The configs of a scan ---- */

/* Finds and loads each package's config once. With forced (the
 * --config FILE of the command line), that one file applies everywhere. */
typedef struct cg_config_set cg_config_set;

/* forced "" reads no file at all (only the command line selects). */
cg_config_set *cg_config_set_new(const char *forced);
void cg_config_set_free(cg_config_set *set); /* NULL is a no-op */
/* The config that applies to a directory, or NULL (none, or it is
 * malformed: then *err, caller frees, says why, once per file). */
const cg_config *cg_config_set_for(cg_config_set *set, const char *dir, char **err);
/* The rule selection of a config with the command line's lists (computed
 * once per config). */
const cg_rule_set *cg_config_set_rules(cg_config_set *set, const cg_config *cfg, const cg_strvec *cli_enable,
                                       const cg_strvec *cli_disable);
#endif /* CG_CONFIG_H */
