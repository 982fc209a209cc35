/*
 * handle.c: the generation-checked handle table of cgoguard/handle.h.
 *
 * Each slot has one 64-bit state word: generation (high 32 bits), a live bit
 * (bit 31) and an acquire count (bits 0..30). Every transition — acquire,
 * release, free — is a CAS on that word, so the last of "freed" and "no
 * holders" is observed by exactly one thread, which runs the destructor and
 * recycles the slot with generation + 1. Old handles then carry a smaller
 * generation than their slot and are reported STALE; a slot whose
 * generation would wrap is retired instead of reused, so a handle can never
 * silently match a later object.
 *
 * Slots live in fixed chunks reached through a directory of atomic chunk
 * pointers that is sized at creation, so a lookup never races with a resize.
 * The mutex only guards slot allocation (free list, chunk creation).
 */
#include "cgoguard/handle.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define CHUNK_BITS 10
#define CHUNK_SLOTS ((uint32_t)1 << CHUNK_BITS)
#define MAX_HANDLES ((uint32_t)1 << 30)
#define LIVE_BIT ((uint64_t)1 << 31)
#define REFS_MASK (LIVE_BIT - 1)
#define GEN_MAX UINT32_MAX

typedef struct slot {
    _Atomic uint64_t state;
    void *object;        /* written before the state publishes it */
    uint32_t next_free;  /* free list link (index + 1), guarded by the mutex */
} slot;

struct cg_handle_table {
    uint32_t max_handles;
    uint32_t chunk_count;
    _Atomic(slot *) *chunks;
    cg_handle_destroy_fn destroy;
    void *ctx;
    _Atomic size_t live;
    pthread_mutex_t lock;
    uint32_t free_head;  /* index + 1 of the first free slot, 0 when empty */
    _Atomic uint32_t used; /* slots ever handed out (the next fresh index) */
};

static inline uint32_t gen_of(uint64_t state) { return (uint32_t)(state >> 32); }
static inline uint32_t handle_index(cg_handle h) { return (uint32_t)h - 1; }
static inline uint32_t handle_gen(cg_handle h) { return (uint32_t)(h >> 32); }

/* The slot for handle h, or NULL when h cannot name a slot of this table. */
static slot *lookup(const cg_handle_table *t, cg_handle h) {
    if ((uint32_t)h == 0) return NULL;
    uint32_t idx = handle_index(h);
    if (idx >= atomic_load_explicit(&t->used, memory_order_acquire)) return NULL;
    slot *chunk = atomic_load_explicit(&t->chunks[idx >> CHUNK_BITS], memory_order_acquire);
    return chunk ? &chunk[idx & (CHUNK_SLOTS - 1)] : NULL;
}

/* STALE when the handle's generation is behind its slot's, INVALID when it
 * is ahead (never issued). */
static cg_handle_status mismatch(uint32_t handle_gen_, uint32_t slot_gen) {
    return handle_gen_ < slot_gen ? CG_HANDLE_STALE : CG_HANDLE_INVALID;
}

cg_handle_status cg_handle_table_new(uint32_t max_handles, cg_handle_destroy_fn destroy, void *ctx,
                                     cg_handle_table **out) {
    if (!out) return CG_HANDLE_INVALID;
    *out = NULL;
    if (max_handles == 0 || max_handles > MAX_HANDLES) return CG_HANDLE_INVALID;
    cg_handle_table *t = calloc(1, sizeof(*t));
    if (!t) return CG_HANDLE_NOMEM;
    t->max_handles = max_handles;
    t->chunk_count = (max_handles + CHUNK_SLOTS - 1) / CHUNK_SLOTS;
    t->chunks = calloc(t->chunk_count, sizeof(*t->chunks));
    if (!t->chunks) {
        free(t);
        return CG_HANDLE_NOMEM;
    }
    t->destroy = destroy;
    t->ctx = ctx;
    pthread_mutex_init(&t->lock, NULL);
    *out = t;
    return CG_HANDLE_OK;
}

void cg_handle_table_free(cg_handle_table *t) {
    if (!t) return;
    for (uint32_t c = 0; c < t->chunk_count; c++) {
        slot *chunk = atomic_load_explicit(&t->chunks[c], memory_order_acquire);
        if (!chunk) continue;
        for (uint32_t i = 0; i < CHUNK_SLOTS; i++) {
            uint64_t st = atomic_load_explicit(&chunk[i].state, memory_order_acquire);
            /* Live, or freed but still acquired: the object still exists. */
            if (((st & LIVE_BIT) || (st & REFS_MASK)) && t->destroy)
                t->destroy(chunk[i].object, t->ctx);
        }
        free(chunk);
    }
    free(t->chunks);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

cg_handle_status cg_handle_new(cg_handle_table *t, void *object, cg_handle *out) {
    if (!t || !out) return CG_HANDLE_INVALID;
    *out = 0;
    pthread_mutex_lock(&t->lock);
    uint32_t idx;
    if (t->free_head) {
        idx = t->free_head - 1;
        slot *s = lookup(t, (cg_handle)idx + 1);
        t->free_head = s->next_free;
    } else if (atomic_load_explicit(&t->used, memory_order_relaxed) < t->max_handles) {
        idx = atomic_load_explicit(&t->used, memory_order_relaxed);
        uint32_t c = idx >> CHUNK_BITS;
        if (!atomic_load_explicit(&t->chunks[c], memory_order_relaxed)) {
            slot *chunk = calloc(CHUNK_SLOTS, sizeof(slot));
            if (!chunk) {
                pthread_mutex_unlock(&t->lock);
                return CG_HANDLE_NOMEM;
            }
            /* Fresh slots start at generation 1, not live. */
            for (uint32_t i = 0; i < CHUNK_SLOTS; i++)
                atomic_init(&chunk[i].state, (uint64_t)1 << 32);
            atomic_store_explicit(&t->chunks[c], chunk, memory_order_release);
        }
        atomic_store_explicit(&t->used, idx + 1, memory_order_release);
    } else {
        pthread_mutex_unlock(&t->lock);
        return CG_HANDLE_FULL;
    }
    pthread_mutex_unlock(&t->lock);

    slot *s = lookup(t, (cg_handle)idx + 1);
    uint64_t st = atomic_load_explicit(&s->state, memory_order_relaxed);
    s->object = object;
    /* Release: a thread that acquires this generation sees the object. */
    atomic_store_explicit(&s->state, st | LIVE_BIT, memory_order_release);
    atomic_fetch_add_explicit(&t->live, 1, memory_order_relaxed);
    *out = ((cg_handle)gen_of(st) << 32) | ((cg_handle)idx + 1);
    return CG_HANDLE_OK;
}

/* The object is dead and unreferenced: destroy it and recycle the slot with
 * the next generation (or retire the slot if the generation would wrap). */
static void reclaim(cg_handle_table *t, slot *s, uint32_t idx, uint32_t gen) {
    void *object = s->object;
    s->object = NULL;
    if (t->destroy) t->destroy(object, t->ctx);
    if (gen == GEN_MAX) return; /* retired: stays at GEN_MAX, not live, never reused */
    pthread_mutex_lock(&t->lock);
    atomic_store_explicit(&s->state, (uint64_t)(gen + 1) << 32, memory_order_release);
    s->next_free = t->free_head;
    t->free_head = idx + 1;
    pthread_mutex_unlock(&t->lock);
}

cg_handle_status cg_handle_acquire(cg_handle_table *t, cg_handle h, void **object) {
    if (object) *object = NULL;
    if (!t || !object) return CG_HANDLE_INVALID;
    slot *s = lookup(t, h);
    if (!s) return CG_HANDLE_INVALID;
    uint64_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    for (;;) {
        if (gen_of(st) != handle_gen(h)) return mismatch(handle_gen(h), gen_of(st));
        if (!(st & LIVE_BIT)) return CG_HANDLE_STALE;
        if ((st & REFS_MASK) == REFS_MASK) return CG_HANDLE_LIMIT;
        if (atomic_compare_exchange_weak_explicit(&s->state, &st, st + 1, memory_order_acquire,
                                                  memory_order_acquire))
            break;
    }
    *object = s->object;
    return CG_HANDLE_OK;
}

cg_handle_status cg_handle_release(cg_handle_table *t, cg_handle h) {
    if (!t) return CG_HANDLE_INVALID;
    slot *s = lookup(t, h);
    if (!s) return CG_HANDLE_INVALID;
    uint64_t st = atomic_load_explicit(&s->state, memory_order_relaxed);
    uint64_t next;
    do {
        if (gen_of(st) != handle_gen(h)) return mismatch(handle_gen(h), gen_of(st));
        /* No outstanding acquire: an unpaired release. */
        if ((st & REFS_MASK) == 0) return (st & LIVE_BIT) ? CG_HANDLE_INVALID : CG_HANDLE_STALE;
        next = st - 1;
        /* acq_rel: the destroying thread must see every holder's writes. */
    } while (!atomic_compare_exchange_weak_explicit(&s->state, &st, next, memory_order_acq_rel,
                                                    memory_order_relaxed));
    if (!(next & LIVE_BIT) && (next & REFS_MASK) == 0) reclaim(t, s, handle_index(h), gen_of(next));
    return CG_HANDLE_OK;
}

cg_handle_status cg_handle_free(cg_handle_table *t, cg_handle h) {
    if (!t) return CG_HANDLE_INVALID;
    slot *s = lookup(t, h);
    if (!s) return CG_HANDLE_INVALID;
    uint64_t st = atomic_load_explicit(&s->state, memory_order_relaxed);
    uint64_t next;
    do {
        if (gen_of(st) != handle_gen(h)) return mismatch(handle_gen(h), gen_of(st));
        if (!(st & LIVE_BIT)) return CG_HANDLE_STALE; /* double free */
        next = st & ~LIVE_BIT;
    } while (!atomic_compare_exchange_weak_explicit(&s->state, &st, next, memory_order_acq_rel,
                                                    memory_order_relaxed));
    atomic_fetch_sub_explicit(&t->live, 1, memory_order_relaxed);
    if ((next & REFS_MASK) == 0) reclaim(t, s, handle_index(h), gen_of(next));
    return CG_HANDLE_OK;
}

size_t cg_handle_table_live(const cg_handle_table *t) {
    return t ? atomic_load_explicit(&t->live, memory_order_relaxed) : 0;
}

const char *cg_handle_strerror(cg_handle_status status) {
    switch (status) {
    case CG_HANDLE_OK: return "ok";
    case CG_HANDLE_INVALID: return "invalid handle (never issued by this table, or release without acquire)";
    case CG_HANDLE_STALE: return "stale handle (already freed: use after free or double free)";
    case CG_HANDLE_FULL: return "handle table full";
    case CG_HANDLE_LIMIT: return "too many concurrent acquires of one handle";
    case CG_HANDLE_NOMEM: return "out of memory";
    }
    return "unknown handle status";
}
