/*
 * test_galloc_stress.c: the slot bookkeeping under concurrency.
 *
 * With every allocation sampled and far fewer slots than live blocks, worker
 * threads allocate, fill, verify and free blocks of random sizes, realloc
 * them, and hand blocks to each other through a shared exchange so that
 * frees happen on other threads than the allocations. Meanwhile a reader
 * thread calls the describer (lock-free, as from a signal handler) on
 * addresses of blocks that are live, freed or being recycled, and checks
 * that every answer is self-consistent. At the end the counters must
 * balance: every guarded block freed exactly once, none live, the pool
 * exhausted at times (the fallback path exercised) and no error reported.
 * A block's contents are checked before it is freed, so two slots handed to
 * two threads at once, or a fallback pointer freed into the pool, would show.
 *
 * Then, outside TSan (which does not support threads in a forked child),
 * two threads free the same guarded block at the same moment, many times:
 * the allocator must report a double free every time, and never crash
 * otherwise.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "cgoguard/galloc.h"
#include "check.h"

enum { THREADS = 4, OWN = 24, EXCHANGE = 16 };

#ifdef CG_TEST_TSAN
enum { ITERATIONS = 4000 };
#else
enum { ITERATIONS = 20000 };
#endif

typedef struct block_header {
    uint32_t size;
    uint8_t fill;
} block_header;

static _Atomic(unsigned char *) exchange[EXCHANGE];
static _Atomic(uintptr_t) recent[64];
static atomic_bool stop;
static atomic_ulong describe_hits;

static uint64_t next_random(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Every block starts with its size and fill byte, then the fill. */
static unsigned char *make_block(uint64_t *rng) {
    uint32_t size = (uint32_t)(sizeof(block_header) + next_random(rng) % 600);
    unsigned char *p = (next_random(rng) & 3) == 0 ? cg_galloc_calloc(1, size) : cg_galloc_malloc(size);
    CHECK(p != NULL);
    block_header h = {size, (uint8_t)next_random(rng)};
    memcpy(p, &h, sizeof h);
    memset(p + sizeof h, h.fill, size - sizeof h);
    atomic_store(&recent[next_random(rng) % 64], (uintptr_t)p + (next_random(rng) % (size + 32)));
    return p;
}

static void verify_block(const unsigned char *p) {
    block_header h;
    memcpy(&h, p, sizeof h);
    CHECK(h.size >= sizeof h && h.size < sizeof h + 600);
    for (uint32_t i = sizeof h; i < h.size; i++) CHECK(p[i] == h.fill);
    if (cg_galloc_owns(p)) CHECK_EQ(cg_galloc_usable_size(p), h.size);
}

static void drop_block(unsigned char *p) {
    verify_block(p);
    cg_galloc_free(p);
}

static void *worker(void *arg) {
    uint64_t rng = 0x9e3779b97f4a7c15ull * (uintptr_t)arg + 1;
    unsigned char *own[OWN] = {0};
    for (int it = 0; it < ITERATIONS; it++) {
        int slot = (int)(next_random(&rng) % OWN);
        switch (next_random(&rng) % 4) {
        case 0: /* allocate or replace */
            if (own[slot]) drop_block(own[slot]);
            own[slot] = make_block(&rng);
            break;
        case 1: /* realloc keeps the prefix */
            if (own[slot]) {
                verify_block(own[slot]);
                block_header h;
                memcpy(&h, own[slot], sizeof h);
                uint32_t size = (uint32_t)(sizeof h + next_random(&rng) % 600);
                unsigned char *q = cg_galloc_realloc(own[slot], size);
                CHECK(q != NULL);
                uint32_t keep = size < h.size ? size : h.size;
                for (uint32_t i = sizeof h; i < keep; i++) CHECK(q[i] == h.fill);
                memset(q + sizeof h, h.fill, size - sizeof h);
                h.size = size;
                memcpy(q, &h, sizeof h);
                own[slot] = q;
            }
            break;
        case 2: /* trade with the other threads: free what was there */
            if (own[slot]) {
                unsigned char *old = atomic_exchange(&exchange[next_random(&rng) % EXCHANGE], own[slot]);
                own[slot] = NULL;
                if (old) drop_block(old);
            }
            break;
        default:
            if (own[slot]) {
                drop_block(own[slot]);
                own[slot] = NULL;
            }
        }
    }
    for (int i = 0; i < OWN; i++)
        if (own[i]) drop_block(own[i]);
    return NULL;
}

static bool known_kind(const char *kind) {
    return strcmp(kind, "heap-use-after-free") == 0 || strcmp(kind, "heap-buffer-overflow") == 0 ||
           strcmp(kind, "unknown-crash") == 0 || strcmp(kind, "wild-access") == 0;
}

static void *reader(void *arg) {
    (void)arg;
    cg_galloc_stats s;
    cg_galloc_get_stats(&s);
    uint64_t rng = 12345;
    while (!atomic_load(&stop)) {
        uintptr_t addr = atomic_load(&recent[next_random(&rng) % 64]);
        if (addr == 0) continue;
        cg_fault_detail d;
        if (!cg_galloc_describe(addr, &d)) continue;
        atomic_fetch_add(&describe_hits, 1);
        CHECK(known_kind(d.kind));
        CHECK(d.alloc_frame_count <= CG_FAULT_MAX_FRAMES && d.free_frame_count <= CG_FAULT_MAX_FRAMES);
        if (strcmp(d.kind, "wild-access") != 0) {
            CHECK(d.block_size <= s.slot_size);
            CHECK(cg_galloc_owns((void *)d.block_address));
        }
    }
    return NULL;
}

static void stress(void) {
    pthread_t workers[THREADS], rd;
    CHECK(pthread_create(&rd, NULL, reader, NULL) == 0);
    for (uintptr_t i = 0; i < THREADS; i++) CHECK(pthread_create(&workers[i], NULL, worker, (void *)(i + 1)) == 0);
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(workers[i], NULL) == 0);
    atomic_store(&stop, true);
    CHECK(pthread_join(rd, NULL) == 0);
    for (int i = 0; i < EXCHANGE; i++) {
        unsigned char *p = atomic_exchange(&exchange[i], NULL);
        if (p) drop_block(p);
    }
    cg_galloc_stats s;
    cg_galloc_get_stats(&s);
    printf("guarded %llu, exhausted %llu, described %lu\n", (unsigned long long)s.guarded_allocs,
           (unsigned long long)s.fallback_exhausted, atomic_load(&describe_hits));
    CHECK(s.guarded_allocs > 1000);
    CHECK_EQ(s.guarded_allocs, s.guarded_frees);
    CHECK_EQ(s.live, 0);
    CHECK(s.fallback_exhausted > 0);
    CHECK_EQ(s.errors, 0);
}

/* ---- racing double free ---- */
#ifndef CG_TEST_TSAN

static pthread_barrier_t race_barrier;
static void *race_block;

static void *race_free(void *arg) {
    (void)arg;
    pthread_barrier_wait(&race_barrier);
    cg_galloc_free(race_block);
    return NULL;
}

static void child_race(void) {
    race_block = cg_galloc_malloc(48);
    CHECK(cg_galloc_owns(race_block));
    pthread_barrier_init(&race_barrier, NULL, 2);
    pthread_t a, b;
    pthread_create(&a, NULL, race_free, NULL);
    pthread_create(&b, NULL, race_free, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("both frees returned\n");
}

static void racing_double_free(void) {
    for (int i = 0; i < 20; i++) {
        child_result r;
        run_child(child_race, &r);
        if (!child_aborted(&r) || strstr(r.err, "double-free") == NULL) {
            fprintf(stderr, "round %d: status %#x, stdout \"%s\", stderr:\n%s\n", i, r.status, r.out, r.err);
            CHECK(false);
        }
    }
}

#endif /* CG_TEST_TSAN */

int main(void) {
    cg_galloc_options o = {
        .sample_rate = 1, .slot_count = 32, .max_size = 4096, .placement = CG_GALLOC_RIGHT, .min_align = 16};
    CHECK(cg_galloc_init(&o) == 0);
    stress();
#ifndef CG_TEST_TSAN
    racing_double_free();
#endif
    printf("galloc stress: ok\n");
    return 0;
}
