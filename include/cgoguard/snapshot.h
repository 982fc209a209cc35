/*
 * cgoguard/snapshot.h: immutable, C-owned copies of Go maps and slices.
 *
 * C code must not keep a Go pointer after the cgo call that passed it
 * returns (see `go doc cmd/cgo`, "Passing pointers"). When C needs to read a
 * Go map or slice later (configuration, lookup tables), the Go binding copies
 * it into one malloc'd block — entries, strings and an open-addressing hash
 * index — and C reads that block for as long as it holds a reference. The
 * block never changes after it is built, so any number of threads may read
 * it without locks; the reference count is atomic.
 *
 * Kinds: string -> string map, string -> int64 map, and a list of strings
 * (indexed access plus an O(1) membership test).
 *
 * Input encoding for cg_snapshot_build (what the Go binding produces, and
 * what C callers can produce too): `count` records, back to back, with no
 * alignment; integers are in native byte order:
 *   CG_SNAPSHOT_STRING_MAP: u32 key_len, key bytes, u32 value_len, value bytes
 *   CG_SNAPSHOT_INT_MAP:    u32 key_len, key bytes, i64 value
 *   CG_SNAPSHOT_LIST:       u32 len, bytes
 * Strings are byte strings (may contain NUL); the snapshot also stores a NUL
 * after each one so that C can use them as C strings when they contain none.
 */
#ifndef CGOGUARD_SNAPSHOT_H
#define CGOGUARD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_snapshot cg_snapshot;

typedef enum cg_snapshot_kind {
    CG_SNAPSHOT_STRING_MAP = 1,
    CG_SNAPSHOT_INT_MAP = 2,
    CG_SNAPSHOT_LIST = 3,
} cg_snapshot_kind;

typedef enum cg_snapshot_status {
    CG_SNAPSHOT_OK = 0,
    CG_SNAPSHOT_NOT_FOUND, /* no such key, or index out of range */
    CG_SNAPSHOT_WRONG_KIND, /* e.g. cg_snapshot_get_int on a string map */
    CG_SNAPSHOT_MALFORMED, /* encoded input truncated, trailing bytes, or a duplicate map key */
    CG_SNAPSHOT_TOO_BIG,   /* more than 2^31 entries or 4 GiB of data */
    CG_SNAPSHOT_INVALID,   /* bad argument */
    CG_SNAPSHOT_NOMEM,
} cg_snapshot_status;

/* A string inside a snapshot: valid while the reference that found it is
 * held. data[len] is always '\0'. */
typedef struct cg_snapshot_str {
    const char *data;
    size_t len;
} cg_snapshot_str;

/* Builds a snapshot from `count` encoded records (see above) and returns it
 * with one reference owned by the caller. Copies everything: `encoded` is
 * not referenced after the call. */
cg_snapshot_status cg_snapshot_build(cg_snapshot_kind kind, const void *encoded, size_t encoded_len,
                                     size_t count, cg_snapshot **out);

/* Reference counting (atomic, any thread). The last release frees the block. */
void cg_snapshot_retain(cg_snapshot *snap);
void cg_snapshot_release(cg_snapshot *snap); /* NULL is a no-op */

cg_snapshot_kind cg_snapshot_kind_of(const cg_snapshot *snap);
size_t cg_snapshot_len(const cg_snapshot *snap); /* entries (map) or elements (list) */

/* Map lookups, O(1) expected. Keys are byte strings of key_len bytes. */
cg_snapshot_status cg_snapshot_get(const cg_snapshot *snap, const char *key, size_t key_len,
                                   cg_snapshot_str *value);
cg_snapshot_status cg_snapshot_get_int(const cg_snapshot *snap, const char *key, size_t key_len,
                                       int64_t *value);

/* The i-th entry in input order: key (maps) or element (lists), and for
 * string maps the value (value may be NULL). */
cg_snapshot_status cg_snapshot_at(const cg_snapshot *snap, size_t index, cg_snapshot_str *key,
                                  cg_snapshot_str *value);

/* Lists and maps: whether the string is an element (list) or a key (map). */
bool cg_snapshot_contains(const cg_snapshot *snap, const char *key, size_t key_len);

const char *cg_snapshot_strerror(cg_snapshot_status status);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_SNAPSHOT_H */
