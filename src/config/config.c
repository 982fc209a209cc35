/*
 * config.c: `.cgoguard.yml` (see config.h), read with libyaml's document
 * API, and the rule selection shared by the file and the command line.
 */
#include "config.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "../discover/goenv.h"
#include "../report/report.h"
#include "../rules/rule.h"

enum { MAX_CONFIG_BYTES = 1 << 20 };

/* ---- Rule sets ---- */

static bool is_meta_id(const char *id) {
    return strcmp(id, CG_ID_INCOMPLETE) == 0 || strcmp(id, CG_ID_BAD_SUPPRESSION) == 0;
}

bool cg_rule_set_add(cg_rule_set *set, const char *selector, const char **hint) {
    if (hint) *hint = NULL;
    cg_severity sev;
    bool all = strcmp(selector, "all") == 0;
    bool by_severity = !all && cg_severity_parse(selector, &sev) == 0;
    cg_catalog_entry e;
    if (all || by_severity) {
        for (size_t i = 0; i < CG_CONFIG_MAX_RULES && cg_catalog_at(i, &e); i++)
            if (all || (e.severity == sev && !is_meta_id(e.id))) set->on[i] = true;
        return true;
    }
    for (size_t i = 0; i < CG_CONFIG_MAX_RULES && cg_catalog_at(i, &e); i++) {
        if (strcasecmp(selector, e.id) == 0 || strcmp(selector, e.name) == 0) {
            set->on[i] = true;
            return true;
        }
    }
    if (hint) *hint = cg_catalog_suggest(selector);
    return false;
}

bool cg_rule_set_has(const cg_rule_set *set, const char *id) {
    cg_catalog_entry e;
    for (size_t i = 0; i < CG_CONFIG_MAX_RULES && cg_catalog_at(i, &e); i++)
        if (strcmp(e.id, id) == 0) return set->on[i];
    return true;
}

static void add_all(cg_rule_set *set, const cg_strvec *selectors) {
    for (size_t i = 0; selectors && i < selectors->len; i++) cg_rule_set_add(set, selectors->items[i], NULL);
}

void cg_rule_selection(const cg_config *cfg, const cg_strvec *cli_enable, const cg_strvec *cli_disable,
                       cg_rule_set *out) {
    memset(out, 0, sizeof *out);
    const cg_strvec *enable = cli_enable && cli_enable->len ? cli_enable : cfg && cfg->has_enable ? &cfg->enable : NULL;
    if (enable) add_all(out, enable);
    else cg_rule_set_add(out, "all", NULL);
    /* The meta ids describe the scan itself: only naming them turns them off. */
    cg_catalog_entry e;
    for (size_t i = 0; i < CG_CONFIG_MAX_RULES && cg_catalog_at(i, &e); i++)
        if (is_meta_id(e.id)) out->on[i] = true;
    cg_rule_set off = {0}, back_on = {0};
    if (cfg) add_all(&off, &cfg->disable);
    add_all(&back_on, cli_enable);
    add_all(&off, cli_disable);
    cg_rule_set cli_off = {0};
    add_all(&cli_off, cli_disable);
    for (size_t i = 0; i < CG_CONFIG_MAX_RULES; i++) {
        if (!cg_catalog_at(i, &e)) break;
        bool disabled = (off.on[i] && !back_on.on[i]) || cli_off.on[i];
        /* A severity never turns off a meta id. */
        if (is_meta_id(e.id) && disabled) {
            disabled = false;
            cg_strvec lists[2] = {cfg ? cfg->disable : (cg_strvec){0}, cli_disable ? *cli_disable : (cg_strvec){0}};
            for (int l = 0; l < 2; l++)
                for (size_t k = 0; k < lists[l].len; k++)
                    if (strcasecmp(lists[l].items[k], e.id) == 0 || strcmp(lists[l].items[k], e.name) == 0)
                        disabled = true;
        }
        if (disabled) out->on[i] = false;
    }
}

/* ---- Paths ---- */

static bool match_segments(char **pat, size_t np, char **path, size_t n) {
    if (np == 0) return n == 0;
    if (strcmp(pat[0], "**") == 0) {
        for (size_t skip = 0; skip <= n; skip++)
            if (match_segments(pat + 1, np - 1, path + skip, n - skip)) return true;
        return false;
    }
    if (np == 1 && strcmp(pat[0], "...") == 0) return true; /* dir/... : dir and below */
    if (n == 0 || fnmatch(pat[0], path[0], 0) != 0) return false;
    return match_segments(pat + 1, np - 1, path + 1, n - 1);
}

static size_t split_path(char *s, char **out, size_t max) {
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(s, "/", &save); t && n < max; t = strtok_r(NULL, "/", &save))
        if (strcmp(t, ".") != 0) out[n++] = t;
    return n;
}

bool cg_config_path_match(const char *pattern, const char *path) {
    enum { MAX_SEGMENTS = 128 };
    char *p = cg_xstrdup(pattern), *q = cg_xstrdup(path);
    char *ps[MAX_SEGMENTS], *qs[MAX_SEGMENTS];
    size_t np = split_path(p, ps, MAX_SEGMENTS), nq = split_path(q, qs, MAX_SEGMENTS);
    bool ok = np > 0 && match_segments(ps, np, qs, nq);
    free(p);
    free(q);
    return ok;
}

/* path relative to cfg->dir, or NULL when it lies outside. Caller frees. */
static char *relative_to_config(const cg_config *cfg, const char *path) {
    char *abs = NULL;
    if (path[0] == '/') {
        abs = cg_xstrdup(path);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return NULL;
        abs = cg_path_join(cwd, path);
    }
    char *real = realpath(abs, NULL);
    if (real) {
        free(abs);
        abs = real;
    }
    size_t n = strlen(cfg->dir);
    char *rel = NULL;
    if (strncmp(abs, cfg->dir, n) == 0 && (abs[n] == '/' || (n == 1 && cfg->dir[0] == '/')))
        rel = cg_xstrdup(abs + (n == 1 ? 1 : n + 1));
    free(abs);
    return rel;
}

bool cg_config_excludes(const cg_config *cfg, const char *path, const char *rule_id) {
    if (!cfg || !path || !cfg->excludes.len) return false;
    char *rel = relative_to_config(cfg, path);
    if (!rel) return false;
    bool hit = false;
    for (size_t i = 0; i < cfg->excludes.len && !hit; i++) {
        const cg_config_exclude *x = &cfg->excludes.items[i];
        hit = cg_rule_set_has(&x->rules, rule_id) && cg_config_path_match(x->pattern, rel);
    }
    free(rel);
    return hit;
}

char *cg_config_find(const char *dir) {
    static const char *const names[] = {".cgoguard.yml", ".cgoguard.yaml"};
    return cg_find_upward(dir, names, 2);
}

/* ---- The YAML document ---- */

typedef struct reader {
    yaml_document_t doc;
    const char *name;
    char *err;
} reader;

static bool fail_at(reader *r, const yaml_node_t *n, const char *fmt, const char *arg) {
    if (r->err) return false;
    char *what = cg_xasprintf(fmt, arg);
    if (n) r->err = cg_xasprintf("%s:%zu:%zu: %s", r->name, n->start_mark.line + 1, n->start_mark.column + 1, what);
    else r->err = cg_xasprintf("%s: %s", r->name, what);
    free(what);
    return false;
}

static yaml_node_t *node(reader *r, yaml_node_item_t id) { return yaml_document_get_node(&r->doc, id); }

static const char *scalar(const yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A list of strings: a sequence of scalars, or one scalar with commas. */
static bool read_strings(reader *r, yaml_node_t *n, const char *key, cg_strvec *out) {
    if (n->type == YAML_SCALAR_NODE) {
        char *copy = cg_xstrdup(scalar(n));
        for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
            cg_vec_push(out, cg_xstrdup(t));
        free(copy);
        return true;
    }
    if (n->type != YAML_SEQUENCE_NODE) return fail_at(r, n, "%s: want a list of names", key);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const char *s = scalar(node(r, *it));
        if (!s) return fail_at(r, node(r, *it), "%s: want a list of names", key);
        cg_vec_push(out, cg_xstrdup(s));
    }
    return true;
}

static bool check_selectors(reader *r, yaml_node_t *n, const cg_strvec *list, const char *key) {
    for (size_t i = 0; i < list->len; i++) {
        cg_rule_set scratch = {0};
        const char *hint = NULL;
        if (!cg_rule_set_add(&scratch, list->items[i], &hint)) {
            char *msg = hint ? cg_xasprintf("%s: unknown rule or severity '%s'; did you mean '%s'?", key,
                                            list->items[i], hint)
                             : cg_xasprintf("%s: unknown rule or severity '%s'", key, list->items[i]);
            fail_at(r, n, "%s", msg);
            free(msg);
            return false;
        }
    }
    return true;
}

typedef bool (*member_fn)(reader *r, cg_config *cfg, const char *key, yaml_node_t *value, void *ctx);

static bool for_each_member(reader *r, yaml_node_t *map, const char *where, cg_config *cfg, member_fn fn,
                            void *ctx) {
    if (map->type != YAML_MAPPING_NODE) return fail_at(r, map, "%s: want a mapping (key: value)", where);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(r, p->key), *v = node(r, p->value);
        const char *key = scalar(k);
        if (!key || !v) return fail_at(r, k, "%s: keys must be plain names", where);
        if (!fn(r, cfg, key, v, ctx)) return false;
    }
    return true;
}

static bool rule_setting(reader *r, cg_config *cfg, const char *key, yaml_node_t *v, void *ctx) {
    (void)ctx;
    if (strcmp(key, "thread-error-api") == 0) return read_strings(r, v, key, &cfg->thread_error_api);
    if (strcmp(key, "thread-affine") == 0) return read_strings(r, v, key, &cfg->thread_affine);
    return fail_at(r, v, "unknown setting '%s' of thread-affinity (want thread-error-api or thread-affine)", key);
}

static bool rule_settings(reader *r, cg_config *cfg, const char *key, yaml_node_t *v, void *ctx) {
    (void)ctx;
    cg_catalog_entry e;
    if (!cg_catalog_find(key, &e) || (strcasecmp(key, e.id) != 0 && strcmp(key, e.name) != 0))
        return fail_at(r, v, "settings: unknown rule '%s'", key);
    if (strcmp(e.id, "CG012") != 0)
        return fail_at(r, v, "settings: rule '%s' has no settings (only CG012 thread-affinity has)", key);
    return for_each_member(r, v, key, cfg, rule_setting, NULL);
}

static bool rules_member(reader *r, cg_config *cfg, const char *key, yaml_node_t *v, void *ctx) {
    (void)ctx;
    if (strcmp(key, "enable") == 0) {
        cfg->has_enable = true;
        return read_strings(r, v, "rules.enable", &cfg->enable) && check_selectors(r, v, &cfg->enable, "rules.enable");
    }
    if (strcmp(key, "disable") == 0)
        return read_strings(r, v, "rules.disable", &cfg->disable) &&
               check_selectors(r, v, &cfg->disable, "rules.disable");
    if (strcmp(key, "settings") == 0) return for_each_member(r, v, "rules.settings", cfg, rule_settings, NULL);
    return fail_at(r, v, "rules: unknown key '%s' (want enable, disable or settings)", key);
}

static bool exclude_member(reader *r, cg_config *cfg, const char *key, yaml_node_t *v, void *ctx) {
    (void)cfg;
    cg_config_exclude *x = ctx;
    if (strcmp(key, "path") == 0) {
        const char *s = scalar(v);
        if (!s || !*s || s[0] == '/') return fail_at(r, v, "exclude.path: want a path pattern relative to %s", "the file");
        free(x->pattern);
        x->pattern = cg_xstrdup(s);
        return true;
    }
    if (strcmp(key, "rules") == 0) {
        cg_strvec list = {0};
        bool ok = read_strings(r, v, "exclude.rules", &list) && check_selectors(r, v, &list, "exclude.rules");
        if (ok) {
            memset(&x->rules, 0, sizeof x->rules);
            add_all(&x->rules, &list);
        }
        cg_strvec_free(&list);
        return ok;
    }
    return fail_at(r, v, "exclude: unknown key '%s' (want path or rules)", key);
}

static bool read_excludes(reader *r, cg_config *cfg, yaml_node_t *v) {
    if (v->type != YAML_SEQUENCE_NODE) return fail_at(r, v, "exclude: want a list of %s", "{path: ..., rules: [...]}");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = node(r, *it);
        cg_config_exclude x = {0};
        cg_rule_set_add(&x.rules, "all", NULL);
        bool ok = item && for_each_member(r, item, "exclude", cfg, exclude_member, &x);
        if (ok && !x.pattern) ok = fail_at(r, item, "exclude: an entry needs a %s", "path");
        if (!ok) {
            free(x.pattern);
            return false;
        }
        cg_vec_push(&cfg->excludes, x);
    }
    return true;
}

static bool top_member(reader *r, cg_config *cfg, const char *key, yaml_node_t *v, void *ctx) {
    (void)ctx;
    if (strcmp(key, "version") == 0) {
        const char *s = scalar(v);
        if (!s || strcmp(s, "1") != 0) return fail_at(r, v, "version: only version 1 is known%s", "");
        return true;
    }
    if (strcmp(key, "root") == 0) {
        /* Where exclude paths start when the file lives elsewhere (the
         * golangci-lint plugin writes its inline settings to a temporary
         * file). */
        const char *s = scalar(v);
        if (!s || s[0] != '/') return fail_at(r, v, "root: want an absolute directory%s", "");
        free(cfg->dir);
        cfg->dir = cg_xstrdup(s);
        return true;
    }
    if (strcmp(key, "rules") == 0) return for_each_member(r, v, "rules", cfg, rules_member, NULL);
    if (strcmp(key, "exclude") == 0) return read_excludes(r, cfg, v);
    return fail_at(r, v, "unknown key '%s' (want version, root, rules or exclude)", key);
}

cg_status cg_config_parse(const char *name, const char *dir, const char *text, size_t len, cg_config **out,
                          char **err) {
    *out = NULL;
    *err = NULL;
    reader r = {.name = name};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        *err = cg_xstrdup("cannot initialise the YAML parser");
        return CG_ERR_USAGE;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &r.doc)) {
        *err = cg_xasprintf("%s:%zu:%zu: not valid YAML: %s", name, parser.problem_mark.line + 1,
                            parser.problem_mark.column + 1, parser.problem ? parser.problem : "syntax error");
        yaml_parser_delete(&parser);
        return CG_ERR_USAGE;
    }
    yaml_parser_delete(&parser);
    cg_config *cfg = cg_xcalloc(1, sizeof *cfg);
    cfg->path = cg_xstrdup(name);
    cfg->dir = cg_xstrdup(dir);
    yaml_node_t *root = yaml_document_get_root_node(&r.doc);
    bool ok = !root || (root->type == YAML_SCALAR_NODE && !*scalar(root)) ||
              for_each_member(&r, root, "the file", cfg, top_member, NULL);
    yaml_document_delete(&r.doc);
    if (!ok) {
        *err = r.err ? r.err : cg_xasprintf("%s: malformed", name);
        cg_config_free(cfg);
        return CG_ERR_USAGE;
    }
    *out = cfg;
    return CG_OK;
}

cg_status cg_config_load(const char *path, cg_config **out, char **err) {
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    cg_status st = cg_read_file(path, MAX_CONFIG_BYTES, &data, &len, err);
    if (st != CG_OK) return st;
    char *abs = realpath(path, NULL);
    char *dir = abs ? cg_path_dir(abs) : cg_xstrdup(".");
    st = cg_config_parse(path, dir, data, len, out, err);
    free(dir);
    free(abs);
    free(data);
    return st;
}

void cg_config_free(cg_config *cfg) {
    if (!cfg) return;
    free(cfg->path);
    free(cfg->dir);
    cg_strvec_free(&cfg->enable);
    cg_strvec_free(&cfg->disable);
    for (size_t i = 0; i < cfg->excludes.len; i++) free(cfg->excludes.items[i].pattern);
    cg_vec_free(&cfg->excludes);
    cg_strvec_free(&cfg->thread_error_api);
    cg_strvec_free(&cfg->thread_affine);
    free(cfg);
}

/* ---- The configs of a scan ---- */

typedef struct loaded {
    cg_config *cfg;   /* NULL when the file was malformed */
    cg_rule_set rules;
    bool rules_done;
} loaded;

struct cg_config_set {
    char *forced;
    cg_strmap by_dir;  /* directory -> config path (strdup), "" for none */
    cg_strmap by_path; /* config path -> loaded* */
    loaded none;       /* the selection when no config applies */
};

cg_config_set *cg_config_set_new(const char *forced) {
    cg_config_set *set = cg_xcalloc(1, sizeof *set);
    set->forced = forced ? cg_xstrdup(forced) : NULL;
    cg_strmap_init(&set->by_dir);
    cg_strmap_init(&set->by_path);
    return set;
}

void cg_config_set_free(cg_config_set *set) {
    if (!set) return;
    for (size_t i = 0; i < set->by_dir.capacity; i++)
        if (set->by_dir.slots[i].key) free(set->by_dir.slots[i].value);
    for (size_t i = 0; i < set->by_path.capacity; i++) {
        if (!set->by_path.slots[i].key) continue;
        loaded *l = set->by_path.slots[i].value;
        cg_config_free(l->cfg);
        free(l);
    }
    cg_strmap_free(&set->by_dir);
    cg_strmap_free(&set->by_path);
    free(set->forced);
    free(set);
}

const cg_config *cg_config_set_for(cg_config_set *set, const char *dir, char **err) {
    *err = NULL;
    const char *path = set->forced;
    if (!path) {
        char *found = cg_strmap_get(&set->by_dir, dir);
        if (!found) {
            char *p = cg_config_find(dir);
            found = p ? p : cg_xstrdup("");
            cg_strmap_put(&set->by_dir, dir, found);
        }
        path = found;
    }
    if (!*path) return NULL;
    loaded *l = cg_strmap_get(&set->by_path, path);
    if (!l) {
        l = cg_xcalloc(1, sizeof *l);
        cg_config_load(path, &l->cfg, err);
        cg_strmap_put(&set->by_path, path, l);
    }
    return l->cfg;
}

const cg_rule_set *cg_config_set_rules(cg_config_set *set, const cg_config *cfg, const cg_strvec *cli_enable,
                                       const cg_strvec *cli_disable) {
    loaded *l = cfg ? cg_strmap_get(&set->by_path, cfg->path) : &set->none;
    if (!l) l = &set->none;
    if (!l->rules_done) {
        cg_rule_selection(cfg, cli_enable, cli_disable, &l->rules);
        l->rules_done = true;
    }
    return &l->rules;
}
