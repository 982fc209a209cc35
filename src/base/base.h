/*
 * base.h: the small toolkit every stage of the scanner shares.
 *
 * Allocation wrappers that fail loudly (an out-of-memory analyzer cannot do
 * anything useful, so it stops with a message instead of limping on), a bump
 * arena for per-file data that is freed at once, a growable string buffer, a
 * typed growable vector, a string-keyed hash map and file/path helpers.
 * Nothing here keeps global state.
 */
#ifndef CG_BASE_H
#define CG_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define CG_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#define CG_NORETURN __attribute__((noreturn))
#else
#define CG_PRINTF(fmt_index, first_arg)
#define CG_NORETURN
#endif

/* Operational failures: returned as a status, with a message the caller owns. */
typedef enum cg_status {
    CG_OK = 0,
    CG_ERR_IO,      /* file cannot be opened/read/written */
    CG_ERR_PARSE,   /* input is not what it should be */
    CG_ERR_USAGE,   /* bad flags or arguments */
    CG_ERR_LIMIT,   /* input exceeds a documented limit */
    CG_ERR_TOOL,    /* an external tool (go, pkg-config) failed */
} cg_status;

/* Broken invariants: abort naming file and line, also in release builds. */
#define CG_ASSERT(cond)                                                       \
    do {                                                                      \
        if (!(cond)) cg_assert_fail(#cond, __FILE__, __LINE__);               \
    } while (0)
CG_NORETURN void cg_assert_fail(const char *what, const char *file, int line);

/* Allocation wrappers: never return NULL; abort with a message on exhaustion. */
void *cg_xmalloc(size_t size);
void *cg_xcalloc(size_t count, size_t size);
void *cg_xrealloc(void *ptr, size_t size);
char *cg_xstrdup(const char *s);
char *cg_xstrndup(const char *s, size_t n);
char *cg_xasprintf(const char *fmt, ...) CG_PRINTF(1, 2);
char *cg_xvasprintf(const char *fmt, va_list ap);

/* ---- Arena: bump allocation, freed all at once. ---- */
typedef struct cg_arena_block cg_arena_block;
typedef struct cg_arena {
    cg_arena_block *head;
    size_t bytes_used;
} cg_arena;

void cg_arena_init(cg_arena *arena);
void cg_arena_free(cg_arena *arena); /* frees every block; arena stays usable */
void *cg_arena_alloc(cg_arena *arena, size_t size); /* zeroed, 16-byte aligned */
char *cg_arena_strdup(cg_arena *arena, const char *s);
char *cg_arena_strndup(cg_arena *arena, const char *s, size_t n);
char *cg_arena_printf(cg_arena *arena, const char *fmt, ...) CG_PRINTF(2, 3);

/* ---- String buffer: always NUL-terminated. ---- */
typedef struct cg_strbuf {
    char *data;
    size_t len;
    size_t cap;
} cg_strbuf;

void cg_strbuf_init(cg_strbuf *sb);
void cg_strbuf_free(cg_strbuf *sb);
void cg_strbuf_reset(cg_strbuf *sb);
void cg_strbuf_append(cg_strbuf *sb, const char *s);
void cg_strbuf_append_n(cg_strbuf *sb, const char *s, size_t n);
void cg_strbuf_append_char(cg_strbuf *sb, char c);
void cg_strbuf_printf(cg_strbuf *sb, const char *fmt, ...) CG_PRINTF(2, 3);
char *cg_strbuf_detach(cg_strbuf *sb); /* caller owns the result; sb is reset */

/* ---- Vector: CG_VEC(T) is a struct { T *items; size_t len, cap; }. ---- */
#define CG_VEC(T)                                                             \
    struct {                                                                  \
        T *items;                                                             \
        size_t len;                                                           \
        size_t cap;                                                           \
    }
#define cg_vec_push(vec, value)                                               \
    do {                                                                      \
        if ((vec)->len == (vec)->cap) {                                       \
            (vec)->cap = (vec)->cap ? (vec)->cap * 2 : 8;                     \
            (vec)->items = cg_xrealloc((vec)->items,                          \
                                       (vec)->cap * sizeof(*(vec)->items));   \
        }                                                                     \
        (vec)->items[(vec)->len++] = (value);                                 \
    } while (0)
#define cg_vec_free(vec)                                                      \
    do {                                                                      \
        free((vec)->items);                                                   \
        (vec)->items = NULL;                                                  \
        (vec)->len = (vec)->cap = 0;                                          \
    } while (0)

/* A vector of owned strings, the most common vector. */
typedef CG_VEC(char *) cg_strvec;
void cg_strvec_free(cg_strvec *v); /* frees every string and the vector */

/* ---- String map: string keys (copied) to pointer values. ---- */
typedef struct cg_strmap_entry {
    char *key;
    void *value;
} cg_strmap_entry;
typedef struct cg_strmap {
    cg_strmap_entry *slots;
    size_t count;
    size_t capacity; /* power of two, or 0 */
} cg_strmap;

void cg_strmap_init(cg_strmap *map);
void cg_strmap_free(cg_strmap *map); /* frees keys, not values */
void *cg_strmap_get(const cg_strmap *map, const char *key);
/* Inserts or replaces; returns the previous value or NULL. */
void *cg_strmap_put(cg_strmap *map, const char *key, void *value);
/* Iterate: for (size_t i = 0; i < m.capacity; i++) if (m.slots[i].key) ... */

uint64_t cg_hash_bytes(const void *data, size_t len, uint64_t seed);

/* ---- Pointer map: pointer keys (not owned, never NULL) to pointer values,
 * for caches keyed by a syntax node or a declaration. ---- */
typedef struct cg_ptrmap_entry {
    const void *key;
    void *value;
} cg_ptrmap_entry;
typedef struct cg_ptrmap {
    cg_ptrmap_entry *slots;
    size_t count;
    size_t capacity; /* power of two, or 0 */
} cg_ptrmap;

void cg_ptrmap_init(cg_ptrmap *map);
void cg_ptrmap_free(cg_ptrmap *map); /* frees the table, not the values */
void *cg_ptrmap_get(const cg_ptrmap *map, const void *key);
/* Inserts or replaces; returns the previous value or NULL. */
void *cg_ptrmap_put(cg_ptrmap *map, const void *key, void *value);

/* ---- Files and paths. ---- */
/* Reads a whole file (NUL-terminated). Files larger than max_bytes fail with
 * CG_ERR_LIMIT. On failure *err is a message the caller frees. */
cg_status cg_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char **err);
bool cg_str_has_suffix(const char *s, const char *suffix);
bool cg_str_has_prefix(const char *s, const char *prefix);
char *cg_path_join(const char *dir, const char *name); /* caller frees */
const char *cg_path_base(const char *path);           /* points into path */
char *cg_path_dir(const char *path);                  /* caller frees */
bool cg_is_dir(const char *path);
bool cg_is_file(const char *path);
/* The module root of dir: the nearest directory at or above it holding a
 * go.mod, else dir itself; canonical (realpath) when dir exists. Caller
 * frees. What belongs to "the code being scanned" is decided against it. */
char *cg_module_root(const char *dir);
/* Whether canonical path lies in canonical directory root (or is it). */
bool cg_path_within(const char *path, const char *root);

#endif /* CG_BASE_H */
