/*
 * galloc.c: the guarded pool, its slot bookkeeping and the fault describer.
 *
 * Layout. One reservation made at initialisation, never grown or moved:
 *
 *     [guard][slot 0][guard][slot 1][guard] ... [slot n-1][guard]
 *
 * Every page starts PROT_NONE. Allocating in a slot makes only the pages the
 * block spans readable and writable; the block is right-aligned against the
 * next guard page (or left-aligned after the previous one). Freeing maps
 * fresh PROT_NONE pages over the block in one mmap(MAP_FIXED), which both
 * makes it inaccessible and gives its memory back, so a reused slot starts
 * zeroed (calloc needs no memset).
 *
 * Slots available for allocation wait in a FIFO ring: never-used slots first,
 * then freed ones in the order they were freed, so a freed slot stays in
 * quarantine for as long as possible. The ring is the only thing behind the
 * mutex, and only for a push or a pop; syscalls and stack capture happen
 * outside it. When the ring is empty every slot is live and the allocation
 * falls back to the normal allocator (counted).
 *
 * Each slot's metadata has one writer at a time, made exclusive by its state:
 * the thread that popped the slot (ALLOCATING) or the one whose CAS moved it
 * LIVE -> FREEING. Readers that may run in a signal handler (the describer)
 * take no lock: they read under a per-slot sequence counter and retry a
 * snapshot that was written meanwhile. Racing frees of one block are told
 * apart by that CAS: exactly one frees it, the other reports a double free.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "galloc_internal.h"

/* The crash guard is another component of the same library; referenced
 * weakly so that the allocator still works (with its own minimal report)
 * in a build or a static link without it. */
#pragma weak cg_crashguard_set_describer
#pragma weak cg_crashguard_report_error

/* glibc's allocator under its own names: no dlsym, no recursion. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

enum {
    SLOT_EMPTY = 0,      /* never used: in the ring */
    SLOT_ALLOCATING = 1, /* popped, being set up */
    SLOT_LIVE = 2,
    SLOT_FREEING = 3,    /* being freed: counts as freed */
    SLOT_FREED = 4,      /* in quarantine: in the ring */
};

enum { INIT_NONE = 0, INIT_DONE = 1, INIT_OFF = 2 };

typedef struct cg_galloc_slot {
    uint32_t state; /* SLOT_*, atomic */
    uint32_t seq;   /* odd while the fields below are written */
    uintptr_t user;
    size_t size;
    uint64_t alloc_tid;
    uint64_t free_tid;
    uint32_t alloc_count;
    uint32_t free_count;
    uintptr_t alloc_frames[CG_FAULT_MAX_FRAMES];
    uintptr_t free_frames[CG_FAULT_MAX_FRAMES];
} cg_galloc_slot;

/* A consistent copy of one slot. */
typedef struct cg_galloc_snapshot {
    uint32_t state;
    uintptr_t user;
    size_t size;
    uint64_t alloc_tid;
    uint64_t free_tid;
    uint32_t alloc_count;
    uint32_t free_count;
    uintptr_t alloc_frames[CG_FAULT_MAX_FRAMES];
    uintptr_t free_frames[CG_FAULT_MAX_FRAMES];
} cg_galloc_snapshot;

static struct {
    pthread_mutex_t lock; /* the ring and initialisation */
    int init;             /* INIT_*, atomic */
    cg_galloc_options opts;
    size_t page;
    size_t slot_size; /* bytes in a slot, a multiple of page */
    size_t stride;    /* slot + its guard page */
    cg_galloc_slot *slots;
    uint32_t *ring;
    uint32_t ring_head;
    uint32_t ring_count;
    uint64_t allocs, frees, exhausted, too_large, errors; /* atomic counters */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

uintptr_t cg_galloc__pool_start;
uintptr_t cg_galloc__pool_size;
CG_GALLOC_TLS uint32_t cg_galloc__countdown = 1;
CG_GALLOC_TLS int cg_galloc__busy;
static CG_GALLOC_TLS uint64_t cg_galloc_rng;

/* malloc_usable_size has no __libc_ name. Bound here it is glibc's in a
 * program that links libcgoguard, and the interposer (which handles both
 * kinds of pointer) under the preload; either way it never recurses. */
static size_t cg_libc_usable_size(void *ptr) { return malloc_usable_size(ptr); }

const cg_galloc_fallback cg_galloc__libc = {
    __libc_malloc, __libc_calloc, __libc_realloc, __libc_memalign, __libc_free, cg_libc_usable_size,
};

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define COUNT(p) __atomic_fetch_add((p), 1, __ATOMIC_RELAXED)

/* ---- options ---- */

/* Parses a decimal number without locale or allocation (this may run
 * before the C library finished initialising). */
static bool cg_parse_size(const char *text, size_t *out) {
    if (text == NULL || *text == '\0') return false;
    size_t value = 0;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9') return false;
        size_t digit = (size_t)(*text - '0');
        if (value > (SIZE_MAX - digit) / 10) return false;
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

static bool cg_is_pow2(size_t v) { return v != 0 && (v & (v - 1)) == 0; }

/* Records the first malformed variable, for the warning at initialisation. */
static bool cg_bad(const char **first, const char *name) {
    if (*first == NULL) *first = name;
    return false;
}

static int cg_options_parse(cg_galloc_options *opts, const char **bad) {
    *opts = (cg_galloc_options){
        .sample_rate = CG_GALLOC_DEFAULT_SAMPLE,
        .slot_count = CG_GALLOC_DEFAULT_SLOTS,
        .max_size = CG_GALLOC_DEFAULT_MAX_SIZE,
        .placement = CG_GALLOC_RIGHT,
        .min_align = CG_GALLOC_DEFAULT_ALIGN,
    };
    bool ok = true;
    size_t v;
    const char *text;
    if ((text = getenv("CGOGUARD_SAMPLE")) != NULL) {
        if (cg_parse_size(text, &v) && v <= UINT32_MAX) opts->sample_rate = (uint32_t)v;
        else ok = cg_bad(bad, "CGOGUARD_SAMPLE");
    }
    if ((text = getenv("CGOGUARD_SLOTS")) != NULL) {
        if (cg_parse_size(text, &v) && v >= 1 && v <= CG_GALLOC_MAX_SLOTS) opts->slot_count = (uint32_t)v;
        else ok = cg_bad(bad, "CGOGUARD_SLOTS");
    }
    if ((text = getenv("CGOGUARD_MAX_SIZE")) != NULL) {
        if (cg_parse_size(text, &v) && v >= 1 && v <= ((size_t)1 << 30)) opts->max_size = v;
        else ok = cg_bad(bad, "CGOGUARD_MAX_SIZE");
    }
    if ((text = getenv("CGOGUARD_PLACEMENT")) != NULL) {
        if (strcmp(text, "left") == 0) opts->placement = CG_GALLOC_LEFT;
        else if (strcmp(text, "right") == 0) opts->placement = CG_GALLOC_RIGHT;
        else ok = cg_bad(bad, "CGOGUARD_PLACEMENT");
    }
    if ((text = getenv("CGOGUARD_ALIGN")) != NULL) {
        if (cg_parse_size(text, &v) && cg_is_pow2(v) && v <= 4096) opts->min_align = v;
        else ok = cg_bad(bad, "CGOGUARD_ALIGN");
    }
    if (!ok) errno = EINVAL;
    return ok ? 0 : -1;
}

int cg_galloc_options_from_env(cg_galloc_options *opts) {
    const char *bad = NULL;
    return cg_options_parse(opts, &bad);
}

static bool cg_options_valid(const cg_galloc_options *o) {
    return o->slot_count >= 1 && o->slot_count <= CG_GALLOC_MAX_SLOTS && o->max_size >= 1 &&
           o->max_size <= ((size_t)1 << 30) && cg_is_pow2(o->min_align) && o->min_align <= 4096 &&
           (o->placement == CG_GALLOC_RIGHT || o->placement == CG_GALLOC_LEFT);
}

static void cg_write_str(const char *text);

/* ---- initialisation ---- */

static void cg_atfork_prepare(void) { pthread_mutex_lock(&g.lock); }
static void cg_atfork_parent(void) { pthread_mutex_unlock(&g.lock); }
static void cg_atfork_child(void) {
    pthread_mutex_unlock(&g.lock);
    cg_galloc__tid_reset();
}

/* Called with g.lock held. Returns 0 or an errno value. */
static int cg_reserve_pool(void) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return EINVAL;
    g.page = (size_t)page;
    g.slot_size = (g.opts.max_size + g.page - 1) / g.page * g.page;
    g.stride = g.slot_size + g.page;
    size_t pool_size = g.page + (size_t)g.opts.slot_count * g.stride;
    void *pool = mmap(NULL, pool_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pool == MAP_FAILED) return ENOMEM;
    size_t meta_size = (size_t)g.opts.slot_count * (sizeof(cg_galloc_slot) + sizeof(uint32_t));
    void *meta = mmap(NULL, meta_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (meta == MAP_FAILED) {
        munmap(pool, pool_size);
        return ENOMEM;
    }
    g.slots = meta;
    g.ring = (uint32_t *)(g.slots + g.opts.slot_count);
    for (uint32_t i = 0; i < g.opts.slot_count; i++) g.ring[i] = i;
    g.ring_head = 0;
    g.ring_count = g.opts.slot_count;
    STORE(&cg_galloc__pool_start, (uintptr_t)pool);
    STORE(&cg_galloc__pool_size, pool_size);
    return 0;
}

CG_GALLOC_TEXT int cg_galloc_init(const cg_galloc_options *opts) {
    int state = __atomic_load_n(&g.init, __ATOMIC_ACQUIRE);
    if (state != INIT_NONE) return 0;
    cg_galloc__busy++;
    pthread_mutex_lock(&g.lock);
    int err = 0;
    const char *bad = NULL;
    if (LOAD(&g.init) != INIT_NONE) goto out;
    if (opts != NULL) g.opts = *opts;
    else if (cg_options_parse(&g.opts, &bad) != 0) err = EINVAL;
    if (err == 0 && !cg_options_valid(&g.opts)) err = EINVAL;
    if (err == 0 && g.opts.sample_rate != 0) err = cg_reserve_pool();
    if (err != 0 || g.opts.sample_rate == 0) {
        __atomic_store_n(&g.init, INIT_OFF, __ATOMIC_RELEASE);
        goto out;
    }
    /* The first unwind resolves libgcc's lazy state; do it now, not in the
     * middle of some allocation. */
    uintptr_t prime[4];
    (void)cg_galloc__capture(prime, 4);
    pthread_atfork(cg_atfork_prepare, cg_atfork_parent, cg_atfork_child);
    if (cg_crashguard_set_describer != NULL) cg_crashguard_set_describer(cg_galloc_describe);
    __atomic_store_n(&g.init, INIT_DONE, __ATOMIC_RELEASE);
out:
    pthread_mutex_unlock(&g.lock);
    cg_galloc__busy--;
    /* Maybe configured by a preload nobody watches: say why nothing will
     * be guarded. */
    if (bad != NULL) {
        cg_write_str("cgoguard: guarded allocator off: ");
        cg_write_str(bad);
        cg_write_str(" is malformed (see cgoguard/galloc.h)\n");
    } else if (err == ENOMEM) {
        cg_write_str("cgoguard: guarded allocator off: cannot reserve its pool "
                     "(lower CGOGUARD_SLOTS or CGOGUARD_MAX_SIZE)\n");
    }
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

/* ---- sampling ---- */

static uint64_t cg_splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [1, 2*rate-1]: mean `rate`, and random so that a program that
 * allocates in a fixed cycle does not always guard the same call site. */
static uint32_t cg_draw_interval(uint32_t rate) {
    if (rate <= 1) return 1;
    if (cg_galloc_rng == 0) {
        static uint64_t salt;
        cg_galloc_rng = cg_galloc__tid() * 0x2545f4914f6cdd1dull ^ (uintptr_t)&cg_galloc_rng ^
                        __atomic_add_fetch(&salt, 0x632be59bd9b4e019ull, __ATOMIC_RELAXED);
    }
    uint64_t span = 2 * (uint64_t)rate - 1;
    return (uint32_t)(1 + cg_splitmix(&cg_galloc_rng) % span);
}

extern char **environ;

/* Set once the C library is initialised: our constructor runs after libc's
 * (libcgoguard depends on it). Before that, environ is the only sign; a
 * program may also clear its environment later, leaving environ NULL. */
static int cg_libc_ready;

__attribute__((constructor)) static void cg_galloc_constructor(void) {
    __atomic_store_n(&cg_libc_ready, 1, __ATOMIC_RELAXED);
}

bool cg_galloc__sample_slow(void) {
    static CG_GALLOC_TLS bool seeded;
    if (cg_galloc__busy) {
        cg_galloc__countdown = 1;
        return false;
    }
    int state = __atomic_load_n(&g.init, __ATOMIC_ACQUIRE);
    if (state == INIT_NONE) {
        /* The dynamic loader allocates before the C library has set up
         * environ; configuring now would ignore CGOGUARD_*. Wait for it. */
        if (environ == NULL && !__atomic_load_n(&cg_libc_ready, __ATOMIC_RELAXED)) {
            cg_galloc__countdown = 1;
            return false;
        }
        (void)cg_galloc_init(NULL);
        state = __atomic_load_n(&g.init, __ATOMIC_ACQUIRE);
    }
    if (state != INIT_DONE) {
        cg_galloc__countdown = UINT32_MAX;
        return false;
    }
    uint32_t rate = g.opts.sample_rate;
    cg_galloc__countdown = cg_draw_interval(rate);
    if (!seeded) {
        /* A thread's first allocation only draws its interval: sampling it
         * would guard far more than 1 in N in programs with many threads. */
        seeded = true;
        return rate == 1;
    }
    return true;
}

/* ---- geometry ---- */

static uintptr_t cg_slot_start(uint32_t idx) {
    return cg_galloc__pool_start + g.page + (uintptr_t)idx * g.stride;
}

/* The slot whose pages hold addr, or -1 for a guard page. *left and *right get
 * the slots on either side (-1 when none). */
static long cg_locate(uintptr_t addr, long *left, long *right) {
    uintptr_t off = addr - cg_galloc__pool_start;
    long n = (long)g.opts.slot_count;
    if (off < g.page) {
        *left = -1;
        *right = 0;
        return -1;
    }
    long idx = (long)((off - g.page) / g.stride);
    if ((off - g.page) % g.stride >= g.slot_size) {
        *left = idx;
        *right = idx + 1 < n ? idx + 1 : -1;
        return -1;
    }
    *left = idx > 0 ? idx - 1 : -1;
    *right = idx + 1 < n ? idx + 1 : -1;
    return idx;
}

/* ---- slot metadata: one writer, lock-free readers ---- */

static void cg_slot_write_begin(cg_galloc_slot *s) {
    STORE(&s->seq, LOAD(&s->seq) + 1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void cg_slot_write_end(cg_galloc_slot *s) {
    __atomic_store_n(&s->seq, LOAD(&s->seq) + 1, __ATOMIC_RELEASE);
}

static void cg_copy_frames(uintptr_t *dst, const uintptr_t *src, size_t n) {
    for (size_t i = 0; i < n; i++) STORE(&dst[i], LOAD(&src[i]));
}

/* Async-signal-safe. Retries a bounded number of times, then keeps the last
 * (possibly torn) copy: a crash report with a slightly stale stack beats
 * none, and the faulting thread must not spin forever. */
static void cg_slot_snapshot(uint32_t idx, cg_galloc_snapshot *out) {
    cg_galloc_slot *s = &g.slots[idx];
    for (int attempt = 0; attempt < 64; attempt++) {
        uint32_t before = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
        out->state = LOAD(&s->state);
        out->user = LOAD(&s->user);
        out->size = LOAD(&s->size);
        out->alloc_tid = LOAD(&s->alloc_tid);
        out->free_tid = LOAD(&s->free_tid);
        out->alloc_count = LOAD(&s->alloc_count);
        out->free_count = LOAD(&s->free_count);
        if (out->alloc_count > CG_FAULT_MAX_FRAMES) out->alloc_count = CG_FAULT_MAX_FRAMES;
        if (out->free_count > CG_FAULT_MAX_FRAMES) out->free_count = CG_FAULT_MAX_FRAMES;
        cg_copy_frames(out->alloc_frames, s->alloc_frames, out->alloc_count);
        cg_copy_frames(out->free_frames, s->free_frames, out->free_count);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t after = LOAD(&s->seq);
        if (before == after && before % 2 == 0) return;
    }
}

static bool cg_snapshot_has_block(const cg_galloc_snapshot *snap) {
    return snap->state == SLOT_LIVE || snap->state == SLOT_FREEING || snap->state == SLOT_FREED;
}

static bool cg_snapshot_freed(const cg_galloc_snapshot *snap) {
    return snap->state == SLOT_FREEING || snap->state == SLOT_FREED;
}

/* Distance from addr to a block: 0 inside it. */
static uintptr_t cg_distance(uintptr_t addr, const cg_galloc_snapshot *snap) {
    uintptr_t end = snap->user + (snap->size ? snap->size : 1);
    if (addr < snap->user) return snap->user - addr;
    if (addr >= end) return addr - end + 1;
    return 0;
}

static void cg_fill_detail(cg_fault_detail *out, const char *kind, uintptr_t addr,
                           const cg_galloc_snapshot *snap) {
    *out = (cg_fault_detail){
        .kind = kind,
        .access_address = addr,
        .block_address = snap->user,
        .block_size = snap->size,
        .alloc_frames = snap->alloc_frames,
        .alloc_frame_count = snap->alloc_count,
        .alloc_thread = snap->alloc_tid,
        .free_frames = snap->free_frames,
        .free_frame_count = cg_snapshot_freed(snap) ? snap->free_count : 0,
        .free_thread = cg_snapshot_freed(snap) ? snap->free_tid : 0,
    };
}

/* Which block an address belongs to: the slot holding it or a neighbour,
 * whichever block is nearest (an address in a guard page is past the end of
 * the block on its left, or before the start of the block on its right). */
static bool cg_classify(uintptr_t addr, cg_galloc_snapshot *best, const char **kind) {
    long left, right;
    long own = cg_locate(addr, &left, &right);
    long candidates[3] = {own, left, right};
    bool found = false;
    uintptr_t best_distance = UINTPTR_MAX;
    cg_galloc_snapshot snap;
    for (int i = 0; i < 3; i++) {
        if (candidates[i] < 0) continue;
        cg_slot_snapshot((uint32_t)candidates[i], &snap);
        if (!cg_snapshot_has_block(&snap)) continue;
        uintptr_t d = cg_distance(addr, &snap);
        if (d < best_distance) {
            best_distance = d;
            *best = snap;
            found = true;
        }
    }
    if (!found) {
        *best = (cg_galloc_snapshot){0};
        *kind = "wild-access";
        return false;
    }
    if (best_distance != 0) *kind = "heap-buffer-overflow";
    else if (cg_snapshot_freed(best)) *kind = "heap-use-after-free";
    else *kind = "unknown-crash";
    return true;
}

/* The describer: the snapshot lives in static storage because the detail
 * must outlive this call while the process crashes. */
bool cg_galloc_describe(uintptr_t addr, cg_fault_detail *out) {
    static cg_galloc_snapshot snap;
    if (__atomic_load_n(&g.init, __ATOMIC_ACQUIRE) != INIT_DONE) return false;
    if (!cg_galloc__in_pool((const void *)addr)) return false;
    const char *kind;
    cg_classify(addr, &snap, &kind);
    cg_fill_detail(out, kind, addr, &snap);
    return true;
}

/* ---- reporting errors found at a call ---- */

static void cg_write_all(const char *text, size_t len) {
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, text, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        len -= (size_t)n;
    }
}

static void cg_write_str(const char *text) { cg_write_all(text, strlen(text)); }

static void cg_write_num(uint64_t v, unsigned base) {
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0 && i > 0);
    if (base == 16) cg_write_str("0x");
    cg_write_all(buf + i, sizeof buf - i);
}

static void cg_write_frames(const char *title, const uintptr_t *frames, size_t n) {
    cg_write_str(title);
    for (size_t i = 0; i < n; i++) {
        cg_write_str("    #");
        cg_write_num(i, 10);
        cg_write_str(" ");
        cg_write_num(frames[i], 16);
        cg_write_str("\n");
    }
}

/* Only used when the crash guard is not part of the build: the essentials,
 * unsymbolized, then abort like it would. */
__attribute__((noreturn)) static void cg_minimal_report(const cg_fault_detail *d) {
    cg_write_str("==cgoguard== ERROR: ");
    cg_write_str(d->kind);
    cg_write_str(" on address ");
    cg_write_num(d->access_address, 16);
    cg_write_str(" (block ");
    cg_write_num(d->block_address, 16);
    cg_write_str(" of ");
    cg_write_num(d->block_size, 10);
    cg_write_str(" bytes)\n");
    cg_write_frames("  allocated at:\n", d->alloc_frames, d->alloc_frame_count);
    cg_write_frames("  freed at:\n", d->free_frames, d->free_frame_count);
    abort();
}

__attribute__((noreturn)) static void cg_report(const char *kind, uintptr_t addr,
                                                const cg_galloc_snapshot *snap) {
    COUNT(&g.errors);
    cg_fault_detail detail;
    cg_fill_detail(&detail, kind, addr, snap);
    if (cg_crashguard_report_error != NULL) cg_crashguard_report_error(&detail);
    cg_minimal_report(&detail);
}

/* What an error at a call on a pool pointer is called: by free and
 * realloc, which free it, or by malloc_usable_size, which only reads it. */
typedef struct cg_call_kinds {
    const char *freed;   /* ptr is the start of a freed block */
    const char *invalid; /* ptr is not the start of any block */
} cg_call_kinds;

static const cg_call_kinds cg_at_free = {"double-free", "invalid-free"};
static const cg_call_kinds cg_at_size = {"heap-use-after-free", "invalid-pointer"};

/* Reports an error at a call on addr. The snapshot lives in this (never
 * returning) frame. */
__attribute__((noreturn)) static void cg_report_at_call(uintptr_t addr, const cg_call_kinds *kinds) {
    cg_galloc_snapshot snap;
    long left, right;
    long own = cg_locate(addr, &left, &right);
    if (own >= 0) {
        cg_slot_snapshot((uint32_t)own, &snap);
        if (cg_snapshot_freed(&snap) && snap.user == addr) cg_report(kinds->freed, addr, &snap);
    }
    const char *ignored;
    cg_classify(addr, &snap, &ignored);
    cg_report(kinds->invalid, addr, &snap);
}

/* ---- guarded blocks ---- */

/* The largest power of two dividing size, capped at 16. */
static size_t cg_natural_align(size_t size) {
    size_t low = size & (~size + 1);
    if (low == 0 || low > 16) low = 16;
    return low;
}

/* The bytes between a block's end and its page end are slack that alignment
 * leaves before the guard page (at most min_align - 1 bytes when
 * right-aligned). An overflow into them does not fault, so they hold a
 * canary checked at free. Only the first CG_SLACK_CHECKED bytes: with left
 * placement the slack is the rest of the page, and small overflows are the
 * ones that matter. */
#define CG_SLACK_CHECKED 64

static uint8_t cg_canary(uintptr_t addr) { return (uint8_t)(0xa5 ^ (addr & 0xff) ^ (addr >> 8)); }

static uintptr_t cg_slack_end(uintptr_t user, size_t size) {
    uintptr_t end = user + size;
    uintptr_t page_end = (end + g.page - 1) & ~(uintptr_t)(g.page - 1);
    if (size == 0) page_end = (user + 1 + g.page - 1) & ~(uintptr_t)(g.page - 1);
    return page_end - end > CG_SLACK_CHECKED ? end + CG_SLACK_CHECKED : page_end;
}

static void cg_slack_fill(uintptr_t user, size_t size) {
    for (uintptr_t a = user + size, end = cg_slack_end(user, size); a < end; a++) *(uint8_t *)a = cg_canary(a);
}

/* The first slack byte that was overwritten, or 0. */
static uintptr_t cg_slack_check(uintptr_t user, size_t size) {
    for (uintptr_t a = user + size, end = cg_slack_end(user, size); a < end; a++)
        if (*(const uint8_t *)a != cg_canary(a)) return a;
    return 0;
}

static bool cg_ring_pop(uint32_t *idx) {
    pthread_mutex_lock(&g.lock);
    bool ok = g.ring_count > 0;
    if (ok) {
        *idx = g.ring[g.ring_head];
        g.ring_head = (g.ring_head + 1) % g.opts.slot_count;
        g.ring_count--;
    }
    pthread_mutex_unlock(&g.lock);
    return ok;
}

static void cg_ring_push(uint32_t idx) {
    pthread_mutex_lock(&g.lock);
    g.ring[(g.ring_head + g.ring_count) % g.opts.slot_count] = idx;
    g.ring_count++;
    pthread_mutex_unlock(&g.lock);
}

CG_GALLOC_TEXT void *cg_galloc__alloc(size_t size, size_t alignment) {
    if (__atomic_load_n(&g.init, __ATOMIC_ACQUIRE) != INIT_DONE) return NULL;
    size_t align = cg_natural_align(size);
    if (align < g.opts.min_align) align = g.opts.min_align;
    if (align < alignment) align = alignment;
    size_t need = size ? size : 1;
    if (need > g.slot_size || align > g.page) {
        COUNT(&g.too_large);
        return NULL;
    }
    uint32_t idx;
    if (!cg_ring_pop(&idx)) {
        COUNT(&g.exhausted);
        return NULL;
    }
    cg_galloc_slot *s = &g.slots[idx];
    uint32_t previous = LOAD(&s->state); /* EMPTY or FREED */
    STORE(&s->state, SLOT_ALLOCATING);
    uintptr_t start = cg_slot_start(idx);
    uintptr_t user = g.opts.placement == CG_GALLOC_LEFT ? start
                                                        : (start + g.slot_size - need) & ~(uintptr_t)(align - 1);
    uintptr_t lo = user & ~(uintptr_t)(g.page - 1);
    uintptr_t hi = (user + need + g.page - 1) & ~(uintptr_t)(g.page - 1);
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) != 0) {
        /* Out of mappings (vm.max_map_count): give the slot back as it was. */
        STORE(&s->state, previous);
        cg_ring_push(idx);
        COUNT(&g.exhausted);
        return NULL;
    }
    cg_slack_fill(user, size);
    uintptr_t frames[CG_FAULT_MAX_FRAMES];
    cg_galloc__busy++;
    size_t n = cg_galloc__capture(frames, CG_FAULT_MAX_FRAMES);
    cg_galloc__busy--;
    cg_slot_write_begin(s);
    STORE(&s->user, user);
    STORE(&s->size, size);
    STORE(&s->alloc_tid, cg_galloc__tid());
    STORE(&s->alloc_count, (uint32_t)n);
    cg_copy_frames(s->alloc_frames, frames, n);
    STORE(&s->free_count, 0);
    STORE(&s->free_tid, 0);
    __atomic_store_n(&s->state, SLOT_LIVE, __ATOMIC_RELEASE);
    cg_slot_write_end(s);
    COUNT(&g.allocs);
    return (void *)user;
}

/* The slot index of a live block starting at ptr, or reports and does not
 * return. */
static uint32_t cg_live_slot(const void *ptr, const cg_call_kinds *kinds) {
    uintptr_t addr = (uintptr_t)ptr;
    long left, right;
    long own = cg_locate(addr, &left, &right);
    if (own < 0) cg_report_at_call(addr, kinds);
    cg_galloc_slot *s = &g.slots[own];
    if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SLOT_LIVE || LOAD(&s->user) != addr)
        cg_report_at_call(addr, kinds);
    return (uint32_t)own;
}

CG_GALLOC_TEXT void cg_galloc__free(void *ptr) {
    uint32_t idx = cg_live_slot(ptr, &cg_at_free);
    cg_galloc_slot *s = &g.slots[idx];
    uint32_t expected = SLOT_LIVE;
    if (!__atomic_compare_exchange_n(&s->state, &expected, SLOT_FREEING, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        cg_report_at_call((uintptr_t)ptr, &cg_at_free); /* lost a race with another free */
    uintptr_t user = LOAD(&s->user);
    size_t size = LOAD(&s->size);
    size_t need = size ? size : 1;
    uintptr_t smashed = cg_slack_check(user, size);
    if (smashed != 0) {
        /* An overflow that stayed within the alignment slack: report it now,
         * at the free, with the offset of the first byte written. */
        cg_galloc_snapshot snap;
        cg_slot_snapshot(idx, &snap);
        snap.state = SLOT_LIVE; /* the block was not freed yet */
        cg_report("heap-buffer-overflow", smashed, &snap);
    }
    uintptr_t lo = user & ~(uintptr_t)(g.page - 1);
    uintptr_t hi = (user + need + g.page - 1) & ~(uintptr_t)(g.page - 1);
    /* Fresh PROT_NONE pages: inaccessible, memory returned, zero on reuse.
     * If the kernel refuses a new mapping (out of map entries), zero the
     * pages by hand and revoke access, which keeps both promises but not
     * the memory. */
    if (mmap((void *)lo, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
             0) == MAP_FAILED) {
        memset((void *)lo, 0, hi - lo);
        mprotect((void *)lo, hi - lo, PROT_NONE);
    }
    uintptr_t frames[CG_FAULT_MAX_FRAMES];
    cg_galloc__busy++;
    size_t n = cg_galloc__capture(frames, CG_FAULT_MAX_FRAMES);
    cg_galloc__busy--;
    cg_slot_write_begin(s);
    STORE(&s->free_tid, cg_galloc__tid());
    STORE(&s->free_count, (uint32_t)n);
    cg_copy_frames(s->free_frames, frames, n);
    __atomic_store_n(&s->state, SLOT_FREED, __ATOMIC_RELEASE);
    cg_slot_write_end(s);
    COUNT(&g.frees);
    cg_ring_push(idx);
}

CG_GALLOC_TEXT size_t cg_galloc__block_size(const void *ptr, bool freeing) {
    uint32_t idx = cg_live_slot(ptr, freeing ? &cg_at_free : &cg_at_size);
    return LOAD(&g.slots[idx].size);
}

/* ---- the malloc family over a fallback ---- */

CG_GALLOC_TEXT void *cg_galloc__malloc(const cg_galloc_fallback *fb, size_t size) {
    if (cg_galloc__sample()) {
        void *p = cg_galloc__alloc(size, 1);
        if (p != NULL) return p;
    }
    return fb->malloc(size);
}

CG_GALLOC_TEXT void *cg_galloc__calloc(const cg_galloc_fallback *fb, size_t count, size_t size) {
    if (cg_galloc__sample()) {
        size_t total;
        if (__builtin_mul_overflow(count, size, &total)) {
            errno = ENOMEM;
            return NULL;
        }
        void *p = cg_galloc__alloc(total, 1); /* pool pages are zero */
        if (p != NULL) return p;
    }
    return fb->calloc(count, size);
}

CG_GALLOC_TEXT void *cg_galloc__memalign(const cg_galloc_fallback *fb, size_t alignment, size_t size) {
    if (cg_galloc__sample()) {
        size_t align = 1;
        while (align < alignment && align < ((size_t)1 << 62)) align <<= 1;
        void *p = cg_galloc__alloc(size, align);
        if (p != NULL) return p;
    }
    return fb->memalign(alignment, size);
}

CG_GALLOC_TEXT void cg_galloc__free_any(const cg_galloc_fallback *fb, void *ptr) {
    if (cg_galloc__in_pool(ptr)) cg_galloc__free(ptr);
    else fb->free(ptr);
}

CG_GALLOC_TEXT size_t cg_galloc__usable_size(const cg_galloc_fallback *fb, void *ptr) {
    if (ptr == NULL) return 0;
    if (cg_galloc__in_pool(ptr)) return cg_galloc__block_size(ptr, false);
    return fb->usable_size != NULL ? fb->usable_size(ptr) : 0;
}

CG_GALLOC_TEXT void *cg_galloc__realloc(const cg_galloc_fallback *fb, void *ptr, size_t size) {
    if (ptr == NULL) return cg_galloc__malloc(fb, size);
    bool guarded = cg_galloc__in_pool(ptr);
    if (size == 0) {
        /* glibc: realloc(p, 0) frees p and returns NULL. */
        cg_galloc__free_any(fb, ptr);
        return NULL;
    }
    size_t old_size;
    if (guarded) {
        old_size = cg_galloc__block_size(ptr, true);
    } else {
        /* Moving a fallback block into the pool needs its size; when it is
         * unknown (0), stay in the fallback allocator. */
        if (fb->usable_size == NULL || !cg_galloc__sample()) return fb->realloc(ptr, size);
        old_size = fb->usable_size(ptr);
        if (old_size == 0) return fb->realloc(ptr, size);
        void *p = cg_galloc__alloc(size, 1);
        if (p == NULL) return fb->realloc(ptr, size);
        memcpy(p, ptr, old_size < size ? old_size : size);
        fb->free(ptr);
        return p;
    }
    void *p = cg_galloc__malloc(fb, size);
    if (p == NULL) return NULL; /* ptr stays valid, as realloc promises */
    memcpy(p, ptr, old_size < size ? old_size : size);
    cg_galloc__free(ptr);
    return p;
}

/* ---- linked-in API ---- */

/* Under a sanitizer the program's malloc is the sanitizer's, which must see
 * every allocation; otherwise glibc's own entry points, like the preload. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CG_SANITIZED 1
#endif
#endif

#ifdef CG_SANITIZED
static void *cg_std_memalign(size_t alignment, size_t size) { return memalign(alignment, size); }
static const cg_galloc_fallback cg_galloc_api = {malloc, calloc, realloc, cg_std_memalign, free,
                                                 malloc_usable_size};
#else
#define cg_galloc_api cg_galloc__libc
#endif

CG_GALLOC_TEXT void *cg_galloc_malloc(size_t size) { return cg_galloc__malloc(&cg_galloc_api, size); }

CG_GALLOC_TEXT void *cg_galloc_calloc(size_t count, size_t size) {
    return cg_galloc__calloc(&cg_galloc_api, count, size);
}

CG_GALLOC_TEXT void *cg_galloc_realloc(void *ptr, size_t size) {
    return cg_galloc__realloc(&cg_galloc_api, ptr, size);
}

CG_GALLOC_TEXT void *cg_galloc_aligned_alloc(size_t alignment, size_t size) {
    if (!cg_is_pow2(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    return cg_galloc__memalign(&cg_galloc_api, alignment, size);
}

CG_GALLOC_TEXT void cg_galloc_free(void *ptr) { cg_galloc__free_any(&cg_galloc_api, ptr); }

CG_GALLOC_TEXT size_t cg_galloc_usable_size(const void *ptr) {
    return cg_galloc__usable_size(&cg_galloc_api, (void *)ptr);
}

bool cg_galloc_owns(const void *ptr) { return cg_galloc__in_pool(ptr); }

void cg_galloc_get_stats(cg_galloc_stats *out) {
    bool ready = __atomic_load_n(&g.init, __ATOMIC_ACQUIRE) == INIT_DONE;
    uint64_t allocs = LOAD(&g.allocs), frees = LOAD(&g.frees);
    *out = (cg_galloc_stats){
        .guarded_allocs = allocs,
        .guarded_frees = frees,
        .live = allocs - frees,
        .fallback_exhausted = LOAD(&g.exhausted),
        .fallback_too_large = LOAD(&g.too_large),
        .errors = LOAD(&g.errors),
        .slot_count = ready ? g.opts.slot_count : 0,
        .slot_size = ready ? g.slot_size : 0,
        .sample_rate = ready ? g.opts.sample_rate : 0,
    };
}
