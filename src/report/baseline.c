/*
 * baseline.c: fingerprints of findings and the --baseline filter (see
 * baseline.h for the contract). The fingerprint used to live inside the
 * SARIF emitter; it is computed here once per finished list so that the
 * JSON and SARIF reports, and the filter, all see the same values.
 */
#include "baseline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "report_internal.h"

/* Baselines are reports; a report of a huge tree is still far below this. */
enum { MAX_BASELINE_BYTES = 1024 * 1024 * 1024 };

/* ---- URIs ---- */

static bool uri_safe(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~/!$&'()*+,;=:@", c) != NULL;
}

static void append_encoded(cg_strbuf *sb, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p == '\\' ? '/' : *p; /* Windows-style separators */
        if (uri_safe(c)) cg_strbuf_append_char(sb, (char)c);
        else cg_strbuf_printf(sb, "%%%02X", c);
    }
}

char *cg_report_path_uri(const char *path, const char *srcroot_uri, bool *relative) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    if (path[0] == '/') {
        cg_strbuf_append(&sb, "file://");
        append_encoded(&sb, path);
        size_t rl = srcroot_uri ? strlen(srcroot_uri) : 0;
        if (rl && srcroot_uri[rl - 1] == '/' && sb.len > rl && strncmp(sb.data, srcroot_uri, rl) == 0) {
            char *rel = cg_xstrdup(sb.data + rl);
            cg_strbuf_free(&sb);
            *relative = true;
            return rel;
        }
        *relative = false;
        return cg_strbuf_detach(&sb);
    }
    while (path[0] == '.' && (path[1] == '/' || path[1] == '\\')) {
        path += 2;
        while (*path == '/' || *path == '\\') path++;
    }
    append_encoded(&sb, path);
    *relative = true;
    return cg_strbuf_detach(&sb);
}

/* ---- Fingerprints ---- */

typedef struct fp_entry {
    const cg_diag *diag;
    char *uri;
    char fp[40]; /* 16 hex digits, ':', the occurrence */
} fp_entry;

struct cg_fingerprints {
    fp_entry *entries; /* sorted by diag address for lookup */
    size_t count;
};

static int by_diag(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const fp_entry *)a)->diag, y = (uintptr_t)((const fp_entry *)b)->diag;
    return x < y ? -1 : x > y;
}

/* ---- Stable file names ---- */

typedef struct namer {
    char *scan_root;      /* canonical, or NULL */
    cg_strmap module_of;  /* directory -> "module path\037module root" or "" (none), malloc'd */
    cg_strmap names;      /* file as reported -> stable name, malloc'd */
} namer;

/* go.mod's module path, or NULL (caller frees). */
static char *module_path(const char *gomod) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(gomod, 1 << 20, &data, &len, &err) != CG_OK) {
        free(err);
        return NULL;
    }
    char *found = NULL;
    for (char *line = data; line && *line && !found;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        while (*line == ' ' || *line == '\t') line++;
        if (strncmp(line, "module", 6) == 0 && (line[6] == ' ' || line[6] == '\t')) {
            char *p = line + 6;
            while (*p == ' ' || *p == '\t') p++;
            size_t n = strcspn(p, " \t\r/\"");
            if (*p == '"') n = strcspn(++p, "\"");
            if (n) found = cg_xstrndup(p, n);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(data);
    return found;
}

/* "module path\037module root" for the module holding canonical dir dir,
 * or "" when none does; memoized per directory. */
static const char *module_of(namer *nm, const char *dir) {
    const char *known = cg_strmap_get(&nm->module_of, dir);
    if (known) return known;
    char *gomod = cg_path_join(dir, "go.mod");
    char *value = NULL;
    if (cg_is_file(gomod)) {
        char *path = module_path(gomod);
        if (path) value = cg_xasprintf("%s\037%s", path, dir);
        free(path);
    }
    free(gomod);
    if (!value) {
        char *up = cg_path_dir(dir);
        value = cg_xstrdup(strcmp(up, dir) == 0 ? "" : module_of(nm, up));
        free(up);
    }
    cg_strmap_put(&nm->module_of, dir, value);
    return value;
}

static const char *stable_name(namer *nm, const char *file) {
    const char *known = cg_strmap_get(&nm->names, file);
    if (known) return known;
    char *real = realpath(file, NULL);
    char *name = NULL;
    if (real) {
        char *dir = cg_path_dir(real);
        const char *mod = module_of(nm, dir);
        const char *sep = strchr(mod, '\037');
        if (sep) {
            size_t rl = strlen(sep + 1);
            name = cg_xasprintf("%.*s/%s", (int)(sep - mod), mod, real + rl + (real[rl] == '/'));
        } else if (nm->scan_root && cg_path_within(real, nm->scan_root)) {
            size_t rl = strlen(nm->scan_root);
            name = cg_xstrdup(real + rl + (real[rl] == '/'));
        }
        free(dir);
    }
    /* Outside any module and the scan root: the path as shown, which is
     * relative to the current directory when the scan was given one (an
     * absolute path would tie the fingerprint to where the checkout is). */
    if (!name) name = cg_xstrdup(file[0] != '/' || !real ? file : real);
    free(real);
    cg_strmap_put(&nm->names, file, name);
    return name;
}

static void namer_free(namer *nm) {
    cg_strmap *maps[] = {&nm->module_of, &nm->names};
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < maps[m]->capacity; i++)
            if (maps[m]->slots[i].key) free(maps[m]->slots[i].value);
        cg_strmap_free(maps[m]);
    }
    free(nm->scan_root);
}

static uint64_t fingerprint_hash(const cg_diag *d, const char *uri) {
    cg_strbuf norm;
    cg_strbuf_init(&norm);
    const char *text = d->source_line ? d->source_line : d->message;
    for (const char *p = text ? text : ""; *p; p++)
        if (!strchr(" \t\r\n\f\v", *p)) cg_strbuf_append_char(&norm, *p);
    uint64_t h = cg_hash_bytes(d->rule_id, strlen(d->rule_id) + 1, 0);
    h = cg_hash_bytes(uri, strlen(uri) + 1, h);
    h = cg_hash_bytes(norm.data ? norm.data : "", norm.len, h);
    cg_strbuf_free(&norm);
    return h;
}

cg_fingerprints *cg_fingerprints_compute(const cg_diag_list *list, const char *srcroot_uri,
                                         const char *scan_root) {
    cg_fingerprints *fps = cg_xcalloc(1, sizeof(*fps));
    namer nm = {scan_root ? realpath(scan_root, NULL) : NULL, {0}, {0}};
    cg_strmap_init(&nm.module_of);
    cg_strmap_init(&nm.names);
    size_t n = cg_diag_list_count(list);
    fps->entries = cg_xcalloc(n ? n : 1, sizeof(*fps->entries));
    cg_strmap occurrences; /* hash text -> count so far */
    cg_strmap_init(&occurrences);
    for (size_t i = 0; i < n; i++) {
        const cg_diag *d = cg_diag_list_at_const(list, i);
        if (!d->loc.file) continue;
        fp_entry *e = &fps->entries[fps->count++];
        bool relative;
        e->diag = d;
        e->uri = cg_report_path_uri(d->loc.file, srcroot_uri, &relative);
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx",
                 (unsigned long long)fingerprint_hash(d, stable_name(&nm, d->loc.file)));
        size_t seen = (size_t)(uintptr_t)cg_strmap_get(&occurrences, hex) + 1;
        cg_strmap_put(&occurrences, hex, (void *)(uintptr_t)seen);
        snprintf(e->fp, sizeof e->fp, "%s:%zu", hex, seen);
    }
    cg_strmap_free(&occurrences);
    namer_free(&nm);
    qsort(fps->entries, fps->count, sizeof(*fps->entries), by_diag);
    return fps;
}

void cg_fingerprints_free(cg_fingerprints *fps) {
    if (!fps) return;
    for (size_t i = 0; i < fps->count; i++) free(fps->entries[i].uri);
    free(fps->entries);
    free(fps);
}

static const fp_entry *find_entry(const cg_fingerprints *fps, const cg_diag *d) {
    if (!fps || !d) return NULL;
    fp_entry key = {.diag = d};
    return bsearch(&key, fps->entries, fps->count, sizeof(key), by_diag);
}

const char *cg_fingerprints_get(const cg_fingerprints *fps, const cg_diag *d) {
    const fp_entry *e = find_entry(fps, d);
    return e ? e->fp : NULL;
}

const char *cg_fingerprints_uri(const cg_fingerprints *fps, const cg_diag *d) {
    const fp_entry *e = find_entry(fps, d);
    return e ? e->uri : NULL;
}

/* ---- Baselines ---- */

struct cg_baseline {
    cg_strmap keys; /* "rule\037fingerprint" -> (void *)1 */
    size_t count;
};

/* The fingerprint names the file already (stably); the URI a report gives
 * depends on where it was written from, so it is not part of the key. */
static char *match_key(const char *rule, const char *uri, const char *fp) {
    (void)uri;
    return cg_xasprintf("%s\037%s", rule, fp);
}

static void add_key(cg_baseline *b, const char *rule, const char *uri, const char *fp) {
    char *key = match_key(rule, uri, fp);
    if (!cg_strmap_get(&b->keys, key)) {
        cg_strmap_put(&b->keys, key, (void *)1);
        b->count++;
    }
    free(key);
}

/* JSON report, version 1: findings[].{rule_id, file, fingerprint}. */
static char *load_json_report(cg_baseline *b, const cg_jvalue *root, const char *srcroot_uri) {
    const cg_jvalue *findings = cg_jvalue_get(root, "findings");
    if (!findings || findings->kind != CG_JARRAY) return cg_xstrdup("\"findings\" is not an array");
    for (size_t i = 0; i < findings->count; i++) {
        const cg_jvalue *f = findings->items[i];
        const char *rule = cg_jvalue_string(cg_jvalue_get(f, "rule_id"));
        const cg_jvalue *file = cg_jvalue_get(f, "file");
        const cg_jvalue *fp = cg_jvalue_get(f, "fingerprint");
        if (!rule) return cg_xasprintf("finding %zu has no \"rule_id\" string", i + 1);
        if (!file || (file->kind != CG_JSTRING && file->kind != CG_JNULL))
            return cg_xasprintf("finding %zu has no \"file\" (a string or null)", i + 1);
        if (file->kind == CG_JNULL) continue; /* about no file: never filtered */
        if (!fp) return cg_xasprintf("finding %zu has no \"fingerprint\" (a report of an older cgoguard? "
                                     "write the baseline again with this version)", i + 1);
        if (fp->kind != CG_JSTRING) return cg_xasprintf("finding %zu: \"fingerprint\" is not a string", i + 1);
        bool relative;
        char *uri = cg_report_path_uri(file->text, srcroot_uri, &relative);
        add_key(b, rule, uri, fp->text);
        free(uri);
    }
    return NULL;
}

/* The URI of a SARIF result's first location, directly or through the
 * run's artifacts[] by index. */
static const char *sarif_result_uri(const cg_jvalue *run, const cg_jvalue *result) {
    const cg_jvalue *art = cg_jvalue_get(
        cg_jvalue_get(cg_jvalue_at(cg_jvalue_get(result, "locations"), 0), "physicalLocation"),
        "artifactLocation");
    const char *uri = cg_jvalue_string(cg_jvalue_get(art, "uri"));
    if (uri) return uri;
    const cg_jvalue *index = cg_jvalue_get(art, "index");
    if (!index || index->kind != CG_JNUMBER || index->number < 0) return NULL;
    const cg_jvalue *a = cg_jvalue_at(cg_jvalue_get(run, "artifacts"), (size_t)index->number);
    return cg_jvalue_string(cg_jvalue_get(cg_jvalue_get(a, "location"), "uri"));
}

/* SARIF 2.1.0: runs[].results[].{ruleId, locations[0], partialFingerprints}. */
static char *load_sarif(cg_baseline *b, const cg_jvalue *root) {
    const cg_jvalue *runs = cg_jvalue_get(root, "runs");
    if (!runs || runs->kind != CG_JARRAY) return cg_xstrdup("\"runs\" is not an array");
    for (size_t r = 0; r < runs->count; r++) {
        const cg_jvalue *run = runs->items[r];
        const cg_jvalue *results = cg_jvalue_get(run, "results");
        if (!results) continue; /* a run without results lists none */
        if (results->kind != CG_JARRAY) return cg_xasprintf("runs[%zu].results is not an array", r);
        for (size_t i = 0; i < results->count; i++) {
            const cg_jvalue *res = results->items[i];
            const char *rule = cg_jvalue_string(cg_jvalue_get(res, "ruleId"));
            if (!rule) rule = cg_jvalue_string(cg_jvalue_get(cg_jvalue_get(res, "rule"), "id"));
            const char *uri = sarif_result_uri(run, res);
            const char *fp = cg_jvalue_string(cg_jvalue_get(cg_jvalue_get(res, "partialFingerprints"), "cgoguard/v1"));
            if (!rule) return cg_xasprintf("runs[%zu].results[%zu] has no ruleId", r, i);
            if (!uri) return cg_xasprintf("runs[%zu].results[%zu] has no location URI", r, i);
            if (!fp)
                return cg_xasprintf("runs[%zu].results[%zu] has no partialFingerprints[\"cgoguard/v1\"] "
                                    "(not a cgoguard report?)", r, i);
            add_key(b, rule, uri, fp);
        }
    }
    return NULL;
}

cg_baseline *cg_baseline_load(const char *path, const char *srcroot_uri, char **err) {
    char *data = NULL, *why = NULL;
    size_t len = 0;
    if (cg_read_file(path, MAX_BASELINE_BYTES, &data, &len, &why) != CG_OK) {
        *err = cg_xasprintf("cannot read baseline %s: %s", path, why);
        free(why);
        return NULL;
    }
    cg_jdoc doc;
    if (cg_jdoc_parse(data, len, &doc, &why) != CG_OK) {
        *err = cg_xasprintf("baseline %s is not valid JSON: %s", path, why);
        free(why);
        free(data);
        return NULL;
    }
    free(data);
    cg_baseline *b = cg_xcalloc(1, sizeof(*b));
    cg_strmap_init(&b->keys);
    const cg_jvalue *root = doc.root;
    const cg_jvalue *version = cg_jvalue_get(root, "version");
    if (root->kind != CG_JOBJECT) {
        why = cg_xstrdup("the top level is not an object");
    } else if (cg_jvalue_get(root, "runs")) {
        why = load_sarif(b, root);
    } else if (cg_jvalue_get(root, "findings")) {
        if (!version || version->kind != CG_JNUMBER || strcmp(version->text, "1") != 0)
            why = cg_xstrdup("unsupported JSON report version (want 1)");
        else why = load_json_report(b, root, srcroot_uri);
    } else {
        why = cg_xstrdup("neither a cgoguard JSON report (\"findings\") nor SARIF (\"runs\")");
    }
    cg_jdoc_free(&doc);
    if (why) {
        *err = cg_xasprintf("bad baseline %s: %s", path, why);
        free(why);
        cg_baseline_free(b);
        return NULL;
    }
    return b;
}

void cg_baseline_free(cg_baseline *baseline) {
    if (!baseline) return;
    cg_strmap_free(&baseline->keys);
    free(baseline);
}

size_t cg_baseline_count(const cg_baseline *baseline) { return baseline ? baseline->count : 0; }

typedef struct filter_ctx {
    const cg_baseline *baseline;
    const cg_fingerprints *fps;
    size_t removed;
} filter_ctx;

static int known(const cg_diag *d, void *arg) {
    filter_ctx *ctx = arg;
    const char *fp = cg_fingerprints_get(ctx->fps, d);
    if (!fp) return 0;
    char *key = match_key(d->rule_id, cg_fingerprints_uri(ctx->fps, d), fp);
    int drop = cg_strmap_get(&ctx->baseline->keys, key) != NULL;
    free(key);
    ctx->removed += (size_t)drop;
    return drop;
}

size_t cg_baseline_filter(const cg_baseline *baseline, cg_diag_list *list, const cg_fingerprints *fps) {
    filter_ctx ctx = {baseline, fps, 0};
    cg_diag_list_remove_if(list, known, &ctx);
    return ctx.removed;
}
