/*
 * snapshot.c: immutable C-owned snapshots (cgoguard/snapshot.h).
 *
 * One malloc'd block: the header, an entry array in input order, an
 * open-addressing index (linear probing, load factor <= 1/2, slots hold
 * entry number + 1) and the string bytes, each followed by a NUL. Building
 * parses the encoded input twice — once to validate and size, once to copy —
 * so the block is allocated exactly once and never changes afterwards;
 * readers need no synchronisation beyond holding a reference.
 */
#include "cgoguard/snapshot.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNT ((size_t)1 << 31)
#define MAX_STRING_BYTES ((size_t)UINT32_MAX)

typedef struct entry {
    uint64_t hash;
    uint32_t key_off;
    uint32_t key_len;
    union {
        struct {
            uint32_t off;
            uint32_t len;
        } str;
        int64_t num;
    } val;
} entry;

struct cg_snapshot {
    _Atomic uint32_t refs;
    cg_snapshot_kind kind;
    size_t count;
    size_t index_mask;
    entry *entries;
    uint32_t *index;
    char *strings;
};

/* FNV-1a, 64 bit: keys are short configuration strings; O(len) per lookup. */
static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* A cursor over the encoded input; every read is bounds-checked. */
typedef struct reader {
    const unsigned char *p;
    size_t left;
} reader;

static int read_u32(reader *r, uint32_t *v) {
    if (r->left < 4) return -1;
    memcpy(v, r->p, 4);
    r->p += 4;
    r->left -= 4;
    return 0;
}

static int read_bytes(reader *r, const char **s, uint32_t *len) {
    if (read_u32(r, len) || r->left < *len) return -1;
    *s = (const char *)r->p;
    r->p += *len;
    r->left -= *len;
    return 0;
}

static int read_i64(reader *r, int64_t *v) {
    if (r->left < 8) return -1;
    memcpy(v, r->p, 8);
    r->p += 8;
    r->left -= 8;
    return 0;
}

/* One record: key (or list element) and, for string maps, the value. */
static int read_record(reader *r, cg_snapshot_kind kind, const char **key, uint32_t *key_len,
                       const char **val, uint32_t *val_len, int64_t *num) {
    if (read_bytes(r, key, key_len)) return -1;
    if (kind == CG_SNAPSHOT_STRING_MAP) return read_bytes(r, val, val_len);
    if (kind == CG_SNAPSHOT_INT_MAP) return read_i64(r, num);
    return 0;
}

static const entry *find(const cg_snapshot *snap, const char *key, size_t key_len) {
    if (!snap->count) return NULL;
    uint64_t h = hash_bytes(key, key_len);
    for (size_t i = (size_t)h & snap->index_mask;; i = (i + 1) & snap->index_mask) {
        uint32_t slot = snap->index[i];
        if (!slot) return NULL;
        const entry *e = &snap->entries[slot - 1];
        if (e->hash == h && e->key_len == key_len &&
            memcmp(snap->strings + e->key_off, key, key_len) == 0)
            return e;
    }
}

/* Inserts entry number n; returns -1 when an equal key is already there. */
static int index_insert(cg_snapshot *snap, uint32_t n) {
    const entry *e = &snap->entries[n];
    for (size_t i = (size_t)e->hash & snap->index_mask;; i = (i + 1) & snap->index_mask) {
        uint32_t slot = snap->index[i];
        if (!slot) {
            snap->index[i] = n + 1;
            return 0;
        }
        const entry *o = &snap->entries[slot - 1];
        if (o->hash == e->hash && o->key_len == e->key_len &&
            memcmp(snap->strings + o->key_off, snap->strings + e->key_off, e->key_len) == 0)
            return -1;
    }
}

static uint32_t copy_string(char *strings, size_t *used, const char *s, uint32_t len) {
    uint32_t off = (uint32_t)*used;
    if (len) memcpy(strings + off, s, len);
    strings[off + len] = '\0';
    *used += (size_t)len + 1;
    return off;
}

cg_snapshot_status cg_snapshot_build(cg_snapshot_kind kind, const void *encoded, size_t encoded_len,
                                     size_t count, cg_snapshot **out) {
    if (!out) return CG_SNAPSHOT_INVALID;
    *out = NULL;
    if (kind != CG_SNAPSHOT_STRING_MAP && kind != CG_SNAPSHOT_INT_MAP && kind != CG_SNAPSHOT_LIST)
        return CG_SNAPSHOT_INVALID;
    if (encoded_len && !encoded) return CG_SNAPSHOT_INVALID;
    if (count >= MAX_COUNT) return CG_SNAPSHOT_TOO_BIG;

    /* Pass 1: validate and size. */
    reader r = {encoded, encoded_len};
    size_t string_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        const char *key, *val = NULL;
        uint32_t key_len, val_len = 0;
        int64_t num;
        if (read_record(&r, kind, &key, &key_len, &val, &val_len, &num)) return CG_SNAPSHOT_MALFORMED;
        string_bytes += (size_t)key_len + 1;
        if (kind == CG_SNAPSHOT_STRING_MAP) string_bytes += (size_t)val_len + 1;
        if (string_bytes > MAX_STRING_BYTES) return CG_SNAPSHOT_TOO_BIG;
    }
    if (r.left) return CG_SNAPSHOT_MALFORMED;

    size_t buckets = 2;
    while (buckets < count * 2) buckets <<= 1;
    size_t head = (sizeof(cg_snapshot) + alignof(entry) - 1) & ~(alignof(entry) - 1);
    size_t entries_bytes = count * sizeof(entry);
    size_t index_bytes = buckets * sizeof(uint32_t);
    cg_snapshot *snap = malloc(head + entries_bytes + index_bytes + string_bytes);
    if (!snap) return CG_SNAPSHOT_NOMEM;
    atomic_init(&snap->refs, 1);
    snap->kind = kind;
    snap->count = count;
    snap->index_mask = buckets - 1;
    snap->entries = (entry *)((char *)snap + head);
    snap->index = (uint32_t *)((char *)snap->entries + entries_bytes);
    snap->strings = (char *)snap->index + index_bytes;
    memset(snap->index, 0, index_bytes);

    /* Pass 2: copy and index. The input was validated, reads cannot fail. */
    r = (reader){encoded, encoded_len};
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        const char *key = NULL, *val = NULL;
        uint32_t key_len = 0, val_len = 0;
        int64_t num = 0;
        /* Pass 1 validated every record, so this read cannot fail. */
        if (read_record(&r, kind, &key, &key_len, &val, &val_len, &num) != 0) abort();
        entry *e = &snap->entries[i];
        e->hash = hash_bytes(key, key_len);
        e->key_len = key_len;
        e->key_off = copy_string(snap->strings, &used, key, key_len);
        if (kind == CG_SNAPSHOT_STRING_MAP) {
            e->val.str.len = val_len;
            e->val.str.off = copy_string(snap->strings, &used, val, val_len);
        } else {
            e->val.num = num;
        }
        /* A list may repeat elements (the index keeps the first); a map may not. */
        if (index_insert(snap, (uint32_t)i) && kind != CG_SNAPSHOT_LIST) {
            free(snap);
            return CG_SNAPSHOT_MALFORMED;
        }
    }
    *out = snap;
    return CG_SNAPSHOT_OK;
}

void cg_snapshot_retain(cg_snapshot *snap) {
    atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
}

void cg_snapshot_release(cg_snapshot *snap) {
    if (!snap) return;
    if (atomic_fetch_sub_explicit(&snap->refs, 1, memory_order_acq_rel) == 1) free(snap);
}

cg_snapshot_kind cg_snapshot_kind_of(const cg_snapshot *snap) { return snap->kind; }

size_t cg_snapshot_len(const cg_snapshot *snap) { return snap ? snap->count : 0; }

cg_snapshot_status cg_snapshot_get(const cg_snapshot *snap, const char *key, size_t key_len,
                                   cg_snapshot_str *value) {
    if (!snap || (key_len && !key) || !value) return CG_SNAPSHOT_INVALID;
    value->data = NULL;
    value->len = 0;
    if (snap->kind != CG_SNAPSHOT_STRING_MAP) return CG_SNAPSHOT_WRONG_KIND;
    const entry *e = find(snap, key, key_len);
    if (!e) return CG_SNAPSHOT_NOT_FOUND;
    value->data = snap->strings + e->val.str.off;
    value->len = e->val.str.len;
    return CG_SNAPSHOT_OK;
}

cg_snapshot_status cg_snapshot_get_int(const cg_snapshot *snap, const char *key, size_t key_len,
                                       int64_t *value) {
    if (!snap || (key_len && !key) || !value) return CG_SNAPSHOT_INVALID;
    *value = 0;
    if (snap->kind != CG_SNAPSHOT_INT_MAP) return CG_SNAPSHOT_WRONG_KIND;
    const entry *e = find(snap, key, key_len);
    if (!e) return CG_SNAPSHOT_NOT_FOUND;
    *value = e->val.num;
    return CG_SNAPSHOT_OK;
}

cg_snapshot_status cg_snapshot_at(const cg_snapshot *snap, size_t index, cg_snapshot_str *key,
                                  cg_snapshot_str *value) {
    if (!snap || !key) return CG_SNAPSHOT_INVALID;
    key->data = NULL;
    key->len = 0;
    if (value) {
        value->data = NULL;
        value->len = 0;
    }
    if (index >= snap->count) return CG_SNAPSHOT_NOT_FOUND;
    const entry *e = &snap->entries[index];
    key->data = snap->strings + e->key_off;
    key->len = e->key_len;
    if (value && snap->kind == CG_SNAPSHOT_STRING_MAP) {
        value->data = snap->strings + e->val.str.off;
        value->len = e->val.str.len;
    }
    return CG_SNAPSHOT_OK;
}

bool cg_snapshot_contains(const cg_snapshot *snap, const char *key, size_t key_len) {
    if (!snap || (key_len && !key)) return false;
    return find(snap, key, key_len) != NULL;
}

const char *cg_snapshot_strerror(cg_snapshot_status status) {
    switch (status) {
    case CG_SNAPSHOT_OK: return "ok";
    case CG_SNAPSHOT_NOT_FOUND: return "not found";
    case CG_SNAPSHOT_WRONG_KIND: return "wrong snapshot kind for this lookup";
    case CG_SNAPSHOT_MALFORMED: return "malformed snapshot input (truncated, trailing bytes or duplicate key)";
    case CG_SNAPSHOT_TOO_BIG: return "snapshot too big (2^31 entries or 4 GiB of strings)";
    case CG_SNAPSHOT_INVALID: return "invalid argument";
    case CG_SNAPSHOT_NOMEM: return "out of memory";
    }
    return "unknown snapshot status";
}
