/*
 * cache.c: package result cache (see cache.h).
 *
 * Entry format, one record per line, tab-separated fields, with \\, \t, \n
 * escaped and "\0" standing for a NULL string:
 *   cgoguard-cache 1
 *   dep <size> <mtime-ns> <path>
 *   diag <id> <name> <severity> <file> <line> <col> <end-line> <end-col> <message> <fix> <confidence>
 *   rel <file> <line> <col> <end-line> <end-col> <message>       (belongs to the diag above)
 *   title <fix title>                                         (the diag above's fix)
 *   edit <file> <start> <end> <line> <col> <end-line> <end-col> <text>  (one edit of that fix)
 *   end <checksum of everything above, hex>
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_HASHED_FILE = 512 * 1024 * 1024 };
static const char magic[] = "cgoguard-cache 2\n";

struct cg_cache {
    char *dir;
    uint64_t options_hash;
};

static int mkdir_p(const char *path) {
    char *copy = cg_xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    int rc = mkdir(copy, 0755) != 0 && errno != EEXIST ? -1 : 0;
    free(copy);
    return rc;
}

cg_cache *cg_cache_open(const char *dir, uint64_t options_hash, char **err) {
    char *path;
    if (dir) {
        path = cg_xstrdup(dir);
    } else if (getenv("XDG_CACHE_HOME") && *getenv("XDG_CACHE_HOME")) {
        path = cg_path_join(getenv("XDG_CACHE_HOME"), "cgoguard");
    } else if (getenv("HOME") && *getenv("HOME")) {
        path = cg_xasprintf("%s/.cache/cgoguard", getenv("HOME"));
    } else {
        *err = cg_xstrdup("no cache directory: neither XDG_CACHE_HOME nor HOME is set");
        return NULL;
    }
    if (mkdir_p(path) != 0) {
        *err = cg_xasprintf("cannot create cache directory %s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    cg_cache *cache = cg_xcalloc(1, sizeof(*cache));
    cache->dir = path;
    cache->options_hash = options_hash;
    return cache;
}

void cg_cache_close(cg_cache *cache) {
    if (!cache) return;
    free(cache->dir);
    free(cache);
}

uint64_t cg_cache_tool_hash(void) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file("/proc/self/exe", MAX_HASHED_FILE, &data, &len, &err) != CG_OK) {
        free(err);
        return 0;
    }
    uint64_t h = cg_hash_bytes(data, len, 0);
    free(data);
    return h;
}

/* ---- Keys ---- */

typedef struct hasher {
    uint64_t a, b; /* two independent FNV streams make a 128-bit key */
} hasher;

static void hash_update(hasher *h, const void *data, size_t len) {
    h->a = cg_hash_bytes(data, len, h->a);
    h->b = cg_hash_bytes(data, len, h->b ^ 0x9e3779b97f4a7c15ULL);
}

static bool hash_file(hasher *h, const char *path) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(path, MAX_HASHED_FILE, &data, &len, &err) != CG_OK) {
        free(err);
        return false;
    }
    hash_update(h, path, strlen(path) + 1);
    hash_update(h, data, len);
    hash_update(h, "\0", 1);
    free(data);
    return true;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Package-local headers are inputs too; their names, sorted. */
static void package_headers(const char *dir, cg_strvec *out) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (cg_str_has_suffix(ent->d_name, ".h")) cg_vec_push(out, cg_path_join(dir, ent->d_name));
    closedir(d);
    if (out->len) qsort(out->items, out->len, sizeof(char *), compare_strings);
}

bool cg_cache_package_key(const cg_cache *cache, const cg_pkg_files *files, char key[33]) {
    hasher h = {cache->options_hash, ~cache->options_hash};
    hash_update(&h, files->dir, strlen(files->dir) + 1);
    /* What the driver adds besides the files: flags and the config's settings. */
    const cg_strvec *extra[] = {&files->env_cflags, &files->thread_error_api, &files->thread_affine};
    for (size_t l = 0; l < sizeof extra / sizeof extra[0]; l++) {
        for (size_t i = 0; i < extra[l]->len; i++) hash_update(&h, extra[l]->items[i], strlen(extra[l]->items[i]) + 1);
        hash_update(&h, "\n", 1);
    }
    bool ok = true;
    for (size_t i = 0; ok && i < files->go_files.len; i++) ok = hash_file(&h, files->go_files.items[i]);
    for (size_t i = 0; ok && i < files->c_files.len; i++) ok = hash_file(&h, files->c_files.items[i]);
    cg_strvec headers = {0};
    package_headers(files->dir, &headers);
    for (size_t i = 0; ok && i < headers.len; i++) ok = hash_file(&h, headers.items[i]);
    cg_strvec_free(&headers);
    snprintf(key, 33, "%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b);
    return ok;
}

/* ---- Entry encoding ---- */

static void put_str(cg_strbuf *sb, const char *s) {
    cg_strbuf_append_char(sb, '\t');
    if (!s) {
        cg_strbuf_append(sb, "\\0");
        return;
    }
    for (; *s; s++) {
        if (*s == '\\') cg_strbuf_append(sb, "\\\\");
        else if (*s == '\t') cg_strbuf_append(sb, "\\t");
        else if (*s == '\n') cg_strbuf_append(sb, "\\n");
        else cg_strbuf_append_char(sb, *s);
    }
}

static void put_loc(cg_strbuf *sb, const cg_location *loc) {
    put_str(sb, loc->file);
    cg_strbuf_printf(sb, "\t%u\t%u\t%u\t%u", loc->line, loc->column, loc->end_line, loc->end_column);
}

static char *entry_path(const cg_cache *cache, const char *key) {
    return cg_xasprintf("%s/%.2s/%s", cache->dir, key, key + 2);
}

void cg_cache_encode(const cg_diag_list *diags, const cg_strvec *dependencies, cg_strbuf *out) {
    cg_strbuf sb = *out;
    cg_strbuf_append(&sb, magic);
    for (size_t i = 0; dependencies && i < dependencies->len; i++) {
        struct stat st;
        if (stat(dependencies->items[i], &st) != 0) continue;
        cg_strbuf_printf(&sb, "dep\t%lld\t%lld", (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
        put_str(&sb, dependencies->items[i]);
        cg_strbuf_append_char(&sb, '\n');
    }
    for (size_t i = 0; i < cg_diag_list_count(diags); i++) {
        const cg_diag *d = cg_diag_list_at_const(diags, i);
        cg_strbuf_append(&sb, "diag");
        put_str(&sb, d->rule_id);
        put_str(&sb, d->rule_name);
        cg_strbuf_printf(&sb, "\t%d", (int)d->severity);
        put_loc(&sb, &d->loc);
        put_str(&sb, d->message);
        put_str(&sb, d->fix);
        put_str(&sb, d->confidence);
        cg_strbuf_append_char(&sb, '\n');
        for (unsigned r = 0; r < d->related_count; r++) {
            cg_strbuf_append(&sb, "rel");
            put_loc(&sb, &d->related[r].loc);
            put_str(&sb, d->related[r].message);
            cg_strbuf_append_char(&sb, '\n');
        }
        if (d->edit_count) {
            cg_strbuf_append(&sb, "title");
            put_str(&sb, d->fix_title);
            cg_strbuf_append_char(&sb, '\n');
        }
        for (unsigned e = 0; e < d->edit_count; e++) {
            const cg_edit *ed = &d->edits[e];
            cg_strbuf_append(&sb, "edit");
            put_str(&sb, ed->file);
            cg_strbuf_printf(&sb, "\t%u\t%u\t%u\t%u\t%u\t%u", ed->start, ed->end, ed->line, ed->column,
                             ed->end_line, ed->end_column);
            put_str(&sb, ed->text);
            cg_strbuf_append_char(&sb, '\n');
        }
    }
    cg_strbuf_printf(&sb, "end\t%016llx\n", (unsigned long long)cg_hash_bytes(sb.data, sb.len, 0));
    *out = sb;
}

void cg_cache_store(cg_cache *cache, const char *key, const cg_diag_list *diags,
                    const cg_strvec *dependencies) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_cache_encode(diags, dependencies, &sb);
    char *path = entry_path(cache, key);
    char *dir = cg_path_dir(path);
    char *tmp = cg_xasprintf("%s/.tmp-XXXXXX", dir);
    int fd = -1;
    if (mkdir_p(dir) == 0 && (fd = mkstemp(tmp)) >= 0) {
        size_t off = 0;
        while (off < sb.len) {
            ssize_t n = write(fd, sb.data + off, sb.len - off);
            if (n <= 0) break;
            off += (size_t)n;
        }
        bool written = off == sb.len;
        if (close(fd) != 0) written = false;
        /* rename is atomic: readers see the old entry or the whole new one. */
        if (!written || rename(tmp, path) != 0) unlink(tmp);
    }
    free(tmp);
    free(dir);
    free(path);
    cg_strbuf_free(&sb);
}

/* ---- Entry decoding ---- */

/* Splits a line at tabs in place and unescapes each field. */
static size_t split_fields(char *line, char **fields, size_t max) {
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *out = p;
        for (; *p && *p != '\t'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == '0' ? '\0' : *p;
                if (*p == '0') fields[n - 1] = NULL; /* the NULL marker */
            } else {
                *out++ = *p;
            }
        }
        bool more = *p == '\t';
        *out = '\0';
        if (!more) break;
        p++;
    }
    return n;
}

static bool parse_loc(char **f, cg_location *loc) {
    loc->file = f[0];
    return f[0] && sscanf(f[1], "%u", &loc->line) == 1 && sscanf(f[2], "%u", &loc->column) == 1 &&
           sscanf(f[3], "%u", &loc->end_line) == 1 && sscanf(f[4], "%u", &loc->end_column) == 1;
}

static bool dependency_unchanged(char **f) {
    struct stat st;
    long long size, mtime;
    if (!f[2] || sscanf(f[0], "%lld", &size) != 1 || sscanf(f[1], "%lld", &mtime) != 1) return false;
    return stat(f[2], &st) == 0 && (long long)st.st_size == size &&
           (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == mtime;
}

bool cg_cache_load(cg_cache *cache, const char *key, cg_diag_list *out) {
    char *path = entry_path(cache, key);
    char *data = NULL, *err = NULL;
    size_t len = 0;
    cg_status st = cg_read_file(path, MAX_HASHED_FILE, &data, &len, &err);
    free(path);
    free(err);
    if (st != CG_OK) return false;
    bool ok = cg_cache_decode(data, len, out);
    free(data);
    return ok;
}

bool cg_cache_decode(char *data, size_t len, cg_diag_list *out) {
    /* The checksum covers everything before the "end" line. */
    char *end = len >= 21 ? data + len - 21 : NULL; /* "end\t" + 16 hex digits + "\n" */
    unsigned long long want = 0;
    bool ok = len > sizeof(magic) && strncmp(data, magic, sizeof(magic) - 1) == 0 && end &&
              (end == data || end[-1] == '\n') && sscanf(end, "end\t%16llx\n", &want) == 1 &&
              cg_hash_bytes(data, (size_t)(end - data), 0) == want;
    cg_diag_list *tmp = cg_diag_list_new();
    cg_diag *current = NULL;
    char *line = data + sizeof(magic) - 1;
    while (ok && line < end) {
        char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) {
            ok = false;
            break;
        }
        *eol = '\0';
        char *f[16];
        size_t n = split_fields(line, f, 16);
        if (strcmp(f[0], "dep") == 0) {
            ok = n == 4 && dependency_unchanged(f + 1);
        } else if (strcmp(f[0], "diag") == 0 && n == 12) {
            cg_diag d = {0};
            int sev = 0;
            d.rule_id = f[1];
            d.rule_name = f[2];
            ok = f[1] && f[2] && f[9] && sscanf(f[3], "%d", &sev) == 1 && parse_loc(f + 4, &d.loc);
            d.severity = (cg_severity)sev;
            d.message = f[9];
            d.fix = f[10];
            d.confidence = f[11];
            if (ok) current = cg_diag_list_add(tmp, &d);
        } else if (strcmp(f[0], "rel") == 0 && n == 7 && current) {
            cg_location loc;
            ok = parse_loc(f + 1, &loc) && f[6];
            if (ok) cg_diag_relate(tmp, current, loc, "%s", f[6]);
        } else if (strcmp(f[0], "title") == 0 && n == 2 && current) {
            current->fix_title = cg_diag_list_intern(tmp, f[1]);
        } else if (strcmp(f[0], "edit") == 0 && n == 9 && current) {
            cg_edit e = {.file = f[1], .text = f[8]};
            ok = f[1] && f[8] && sscanf(f[2], "%u", &e.start) == 1 && sscanf(f[3], "%u", &e.end) == 1 &&
                 e.start <= e.end &&
                 sscanf(f[4], "%u", &e.line) == 1 && sscanf(f[5], "%u", &e.column) == 1 &&
                 sscanf(f[6], "%u", &e.end_line) == 1 && sscanf(f[7], "%u", &e.end_column) == 1 &&
                 cg_diag_add_edit(tmp, current, &e);
        } else {
            ok = false;
        }
        line = eol + 1;
    }
    if (ok)
        for (size_t i = 0; i < cg_diag_list_count(tmp); i++)
            cg_diag_list_add(out, cg_diag_list_at_const(tmp, i));
    cg_diag_list_free(tmp);
    return ok;
}
