/*
 * base.c: implementation of the shared toolkit declared in base.h.
 */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cg_assert_fail(const char *what, const char *file, int line) {
    fprintf(stderr, "cgoguard: internal error: assertion '%s' failed at %s:%d\n", what, file,
            line);
    abort();
}

static CG_NORETURN void out_of_memory(size_t size) {
    fprintf(stderr, "cgoguard: out of memory (requested %zu bytes)\n", size);
    abort();
}

void *cg_xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *cg_xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *cg_xrealloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

char *cg_xstrdup(const char *s) { return cg_xstrndup(s, strlen(s)); }

char *cg_xstrndup(const char *s, size_t n) {
    char *p = cg_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cg_xvasprintf(const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    CG_ASSERT(n >= 0);
    char *p = cg_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *cg_xasprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = cg_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* ---- Arena ---- */

struct cg_arena_block {
    cg_arena_block *next;
    size_t used;
    size_t size;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK_SIZE = 64 * 1024 };

void cg_arena_init(cg_arena *arena) {
    arena->head = NULL;
    arena->bytes_used = 0;
}

void cg_arena_free(cg_arena *arena) {
    cg_arena_block *b = arena->head;
    while (b) {
        cg_arena_block *next = b->next;
        free(b);
        b = next;
    }
    cg_arena_init(arena);
}

void *cg_arena_alloc(cg_arena *arena, size_t size) {
    size = (size + 15) & ~(size_t)15;
    cg_arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t block_size = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
        b = cg_xmalloc(sizeof(cg_arena_block) + block_size);
        b->used = 0;
        b->size = block_size;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    arena->bytes_used += size;
    memset(p, 0, size);
    return p;
}

char *cg_arena_strndup(cg_arena *arena, const char *s, size_t n) {
    char *p = cg_arena_alloc(arena, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cg_arena_strdup(cg_arena *arena, const char *s) {
    return cg_arena_strndup(arena, s, strlen(s));
}

char *cg_arena_printf(cg_arena *arena, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *tmp = cg_xvasprintf(fmt, ap);
    va_end(ap);
    char *p = cg_arena_strdup(arena, tmp);
    free(tmp);
    return p;
}

/* ---- String buffer ---- */

void cg_strbuf_init(cg_strbuf *sb) {
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void cg_strbuf_free(cg_strbuf *sb) {
    free(sb->data);
    cg_strbuf_init(sb);
}

void cg_strbuf_reset(cg_strbuf *sb) {
    sb->len = 0;
    if (sb->data) sb->data[0] = '\0';
}

static void strbuf_reserve(cg_strbuf *sb, size_t extra) {
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1) cap *= 2;
    sb->data = cg_xrealloc(sb->data, cap);
    sb->cap = cap;
}

void cg_strbuf_append_n(cg_strbuf *sb, const char *s, size_t n) {
    strbuf_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void cg_strbuf_append(cg_strbuf *sb, const char *s) { cg_strbuf_append_n(sb, s, strlen(s)); }

void cg_strbuf_append_char(cg_strbuf *sb, char c) { cg_strbuf_append_n(sb, &c, 1); }

void cg_strbuf_printf(cg_strbuf *sb, const char *fmt, ...) {
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    CG_ASSERT(n >= 0);
    strbuf_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    va_end(ap);
}

char *cg_strbuf_detach(cg_strbuf *sb) {
    char *p = sb->data ? sb->data : cg_xstrdup("");
    cg_strbuf_init(sb);
    return p;
}

/* ---- Hashing and string map ---- */

uint64_t cg_hash_bytes(const void *data, size_t len, uint64_t seed) {
    /* FNV-1a 64; good enough for symbol tables and content keys. */
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void cg_strmap_init(cg_strmap *map) {
    map->slots = NULL;
    map->count = 0;
    map->capacity = 0;
}

void cg_strmap_free(cg_strmap *map) {
    for (size_t i = 0; i < map->capacity; i++) free(map->slots[i].key);
    free(map->slots);
    cg_strmap_init(map);
}

static size_t strmap_find(const cg_strmap *map, const char *key) {
    size_t mask = map->capacity - 1;
    size_t i = (size_t)cg_hash_bytes(key, strlen(key), 0) & mask;
    while (map->slots[i].key && strcmp(map->slots[i].key, key) != 0) i = (i + 1) & mask;
    return i;
}

void *cg_strmap_get(const cg_strmap *map, const char *key) {
    if (map->capacity == 0) return NULL;
    size_t i = strmap_find(map, key);
    return map->slots[i].key ? map->slots[i].value : NULL;
}

static void strmap_grow(cg_strmap *map) {
    cg_strmap old = *map;
    map->capacity = old.capacity ? old.capacity * 2 : 16;
    map->slots = cg_xcalloc(map->capacity, sizeof(cg_strmap_entry));
    map->count = 0;
    for (size_t i = 0; i < old.capacity; i++) {
        if (!old.slots[i].key) continue;
        size_t j = strmap_find(map, old.slots[i].key);
        map->slots[j] = old.slots[i];
        map->count++;
    }
    free(old.slots);
}

void *cg_strmap_put(cg_strmap *map, const char *key, void *value) {
    if ((map->count + 1) * 4 > map->capacity * 3) strmap_grow(map);
    size_t i = strmap_find(map, key);
    if (map->slots[i].key) {
        void *prev = map->slots[i].value;
        map->slots[i].value = value;
        return prev;
    }
    map->slots[i].key = cg_xstrdup(key);
    map->slots[i].value = value;
    map->count++;
    return NULL;
}

/* ---- Pointer map ---- */

void cg_ptrmap_init(cg_ptrmap *map) {
    map->slots = NULL;
    map->count = 0;
    map->capacity = 0;
}

void cg_ptrmap_free(cg_ptrmap *map) {
    free(map->slots);
    cg_ptrmap_init(map);
}

static size_t ptrmap_find(const cg_ptrmap *map, const void *key) {
    size_t mask = map->capacity - 1;
    uintptr_t k = (uintptr_t)key;
    size_t i = (size_t)((k >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 32) & mask;
    while (map->slots[i].key && map->slots[i].key != key) i = (i + 1) & mask;
    return i;
}

void *cg_ptrmap_get(const cg_ptrmap *map, const void *key) {
    if (map->capacity == 0) return NULL;
    size_t i = ptrmap_find(map, key);
    return map->slots[i].key ? map->slots[i].value : NULL;
}

void *cg_ptrmap_put(cg_ptrmap *map, const void *key, void *value) {
    CG_ASSERT(key != NULL);
    if ((map->count + 1) * 4 > map->capacity * 3) {
        cg_ptrmap old = *map;
        map->capacity = old.capacity ? old.capacity * 2 : 16;
        map->slots = cg_xcalloc(map->capacity, sizeof(cg_ptrmap_entry));
        map->count = 0;
        for (size_t i = 0; i < old.capacity; i++) {
            if (!old.slots[i].key) continue;
            map->slots[ptrmap_find(map, old.slots[i].key)] = old.slots[i];
            map->count++;
        }
        free(old.slots);
    }
    size_t i = ptrmap_find(map, key);
    if (map->slots[i].key) {
        void *prev = map->slots[i].value;
        map->slots[i].value = value;
        return prev;
    }
    map->slots[i].key = key;
    map->slots[i].value = value;
    map->count++;
    return NULL;
}

/* ---- Files and paths ---- */

cg_status cg_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char **err) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = cg_xasprintf("cannot open %s: %s", path, strerror(errno));
        return CG_ERR_IO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        *err = cg_xasprintf("%s is not a regular file", path);
        return CG_ERR_IO;
    }
    if ((uint64_t)st.st_size > max_bytes) {
        fclose(f);
        *err = cg_xasprintf("%s is %lld bytes, over the limit of %zu bytes", path,
                            (long long)st.st_size, max_bytes);
        return CG_ERR_LIMIT;
    }
    size_t cap = (size_t)st.st_size + 1;
    char *buf = cg_xmalloc(cap);
    size_t n = fread(buf, 1, cap - 1, f);
    if (ferror(f)) {
        fclose(f);
        free(buf);
        *err = cg_xasprintf("cannot read %s: %s", path, strerror(errno));
        return CG_ERR_IO;
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CG_OK;
}

bool cg_str_has_suffix(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool cg_str_has_prefix(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *cg_path_join(const char *dir, const char *name) {
    if (!dir || !*dir || strcmp(dir, ".") == 0) return cg_xstrdup(name);
    size_t n = strlen(dir);
    return cg_xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

const char *cg_path_base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *cg_path_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return cg_xstrdup(".");
    if (slash == path) return cg_xstrdup("/");
    return cg_xstrndup(path, (size_t)(slash - path));
}

bool cg_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cg_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *cg_module_root(const char *dir) {
    char *real = realpath(dir, NULL);
    char *start = cg_xstrdup(real ? real : dir);
    free(real);
    char *at = cg_xstrdup(start);
    for (;;) {
        char *mod = cg_path_join(at, "go.mod");
        bool found = cg_is_file(mod);
        free(mod);
        if (found) {
            free(start);
            return at;
        }
        char *up = cg_path_dir(at);
        bool top = strcmp(up, at) == 0 || !*up;
        free(at);
        at = up;
        if (top) break;
    }
    free(at);
    return start;
}

bool cg_path_within(const char *path, const char *root) {
    size_t n = strlen(root);
    if (n && root[n - 1] == '/') n--;
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

void cg_strvec_free(cg_strvec *v) {
    for (size_t i = 0; i < v->len; i++) free(v->items[i]);
    cg_vec_free(v);
}
