/*
 * test_handle.c: unit and stress tests of cgoguard/handle.h.
 *
 * Unit tests pin the statuses: stale after free, double free, never-issued
 * values, unpaired release, a full table, destruction deferred while a
 * reference is held. The stress test has mutator threads freeing and
 * re-creating handles in shared cells (sometimes two free the same handle
 * at once) while reader threads acquire them and inspect the objects; the
 * destructor poisons and frees each object, so under ASan any access after
 * destruction is reported, and the counts check exactly-once destruction.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgoguard/handle.h"
#include "check.h"

enum { MAGIC_LIVE = 0x11fe, MAGIC_DEAD = 0xdead };

typedef struct object {
    _Atomic int magic;
    int value;
} object;

static _Atomic long destroyed;

static void destroy_object(void *obj, void *ctx) {
    CHECK(ctx == (void *)&destroyed);
    object *o = obj;
    /* Exactly once: a second destruction would see DEAD (or be a UAF). */
    CHECK_EQ(atomic_exchange(&o->magic, MAGIC_DEAD), MAGIC_LIVE);
    free(o);
    atomic_fetch_add(&destroyed, 1);
}

static object *new_object(int value) {
    object *o = malloc(sizeof(*o));
    CHECK(o != NULL);
    atomic_init(&o->magic, MAGIC_LIVE);
    o->value = value;
    return o;
}

static cg_handle_table *make_table(uint32_t max) {
    cg_handle_table *t = NULL;
    CHECK_EQ(cg_handle_table_new(max, destroy_object, (void *)&destroyed, &t), CG_HANDLE_OK);
    return t;
}

static void test_lifecycle(void) {
    atomic_store(&destroyed, 0);
    cg_handle_table *t = make_table(16);
    cg_handle h;
    CHECK_EQ(cg_handle_new(t, new_object(7), &h), CG_HANDLE_OK);
    CHECK(h != 0);
    CHECK_EQ(cg_handle_table_live(t), 1);
    void *p;
    CHECK_EQ(cg_handle_acquire(t, h, &p), CG_HANDLE_OK);
    CHECK_EQ(((object *)p)->value, 7);
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_OK);
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_INVALID); /* unpaired release */

    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_OK);
    CHECK_EQ(atomic_load(&destroyed), 1);
    CHECK_EQ(cg_handle_table_live(t), 0);
    CHECK_EQ(cg_handle_acquire(t, h, &p), CG_HANDLE_STALE); /* use after free */
    CHECK(p == NULL);
    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_STALE);        /* double free */
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_STALE);

    /* The slot is reused with a new generation: the old handle stays stale. */
    cg_handle h2;
    CHECK_EQ(cg_handle_new(t, new_object(8), &h2), CG_HANDLE_OK);
    CHECK((uint32_t)h2 == (uint32_t)h && h2 != h);
    CHECK_EQ(cg_handle_acquire(t, h, &p), CG_HANDLE_STALE);
    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_STALE);
    CHECK_EQ(cg_handle_acquire(t, h2, &p), CG_HANDLE_OK);
    CHECK_EQ(((object *)p)->value, 8);
    CHECK_EQ(cg_handle_release(t, h2), CG_HANDLE_OK);

    /* Values this table never issued. */
    CHECK_EQ(cg_handle_acquire(t, 0, &p), CG_HANDLE_INVALID);
    CHECK_EQ(cg_handle_acquire(t, h2 + ((cg_handle)5 << 32), &p), CG_HANDLE_INVALID);
    CHECK_EQ(cg_handle_acquire(t, (h2 & ~(cg_handle)UINT32_MAX) | 9, &p), CG_HANDLE_INVALID);
    CHECK_EQ(cg_handle_acquire(t, UINT64_MAX, &p), CG_HANDLE_INVALID);
    CHECK_EQ(cg_handle_free(t, 12345), CG_HANDLE_INVALID);
    CHECK_EQ(cg_handle_acquire(NULL, h2, &p), CG_HANDLE_INVALID);
    CHECK(strstr(cg_handle_strerror(CG_HANDLE_STALE), "stale") != NULL);

    cg_handle_table_free(t); /* destroys h2's object */
    CHECK_EQ(atomic_load(&destroyed), 2);
    cg_handle_table_free(NULL);
}

static void test_free_while_acquired(void) {
    atomic_store(&destroyed, 0);
    cg_handle_table *t = make_table(4);
    cg_handle h;
    CHECK_EQ(cg_handle_new(t, new_object(1), &h), CG_HANDLE_OK);
    void *a, *b;
    CHECK_EQ(cg_handle_acquire(t, h, &a), CG_HANDLE_OK);
    CHECK_EQ(cg_handle_acquire(t, h, &b), CG_HANDLE_OK);
    /* A finalizer frees the handle while two callbacks still use the object. */
    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_OK);
    CHECK_EQ(atomic_load(&destroyed), 0);
    CHECK_EQ(((object *)a)->value, 1); /* still valid */
    void *c;
    CHECK_EQ(cg_handle_acquire(t, h, &c), CG_HANDLE_STALE); /* no new users */
    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_STALE);
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_OK);
    CHECK_EQ(atomic_load(&destroyed), 0);
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_OK); /* the last one destroys */
    CHECK_EQ(atomic_load(&destroyed), 1);
    CHECK_EQ(cg_handle_release(t, h), CG_HANDLE_STALE);

    /* Table free destroys objects that are freed but still acquired too. */
    CHECK_EQ(cg_handle_new(t, new_object(2), &h), CG_HANDLE_OK);
    CHECK_EQ(cg_handle_acquire(t, h, &a), CG_HANDLE_OK);
    CHECK_EQ(cg_handle_free(t, h), CG_HANDLE_OK);
    cg_handle_table_free(t);
    CHECK_EQ(atomic_load(&destroyed), 2);
}

static void test_full_and_limits(void) {
    cg_handle_table *t = NULL;
    CHECK_EQ(cg_handle_table_new(0, NULL, NULL, &t), CG_HANDLE_INVALID);
    CHECK(t == NULL);
    CHECK_EQ(cg_handle_table_new((1u << 30) + 1, NULL, NULL, &t), CG_HANDLE_INVALID);
    /* No destructor: objects are the caller's; NULL objects are allowed. */
    CHECK_EQ(cg_handle_table_new(3000, NULL, NULL, &t), CG_HANDLE_OK);
    cg_handle hs[3000];
    for (int i = 0; i < 3000; i++) CHECK_EQ(cg_handle_new(t, (void *)(intptr_t)(i + 1), &hs[i]), CG_HANDLE_OK);
    cg_handle extra;
    CHECK_EQ(cg_handle_new(t, NULL, &extra), CG_HANDLE_FULL);
    CHECK(extra == 0);
    for (int i = 0; i < 3000; i += 2) CHECK_EQ(cg_handle_free(t, hs[i]), CG_HANDLE_OK);
    for (int i = 1; i < 3000; i += 2) {
        void *p;
        CHECK_EQ(cg_handle_acquire(t, hs[i], &p), CG_HANDLE_OK); /* across chunks */
        CHECK_EQ((intptr_t)p, i + 1);
        CHECK_EQ(cg_handle_release(t, hs[i]), CG_HANDLE_OK);
    }
    CHECK_EQ(cg_handle_table_live(t), 1500);
    CHECK_EQ(cg_handle_new(t, NULL, &extra), CG_HANDLE_OK);
    CHECK_EQ(cg_handle_new(t, NULL, &extra), CG_HANDLE_OK);
    cg_handle_table_free(t);
}

/* ---- Stress: concurrent free / re-create / acquire ---- */

enum { CELLS = 64, MUTATORS = 2, READERS = 3 };

typedef struct shared {
    cg_handle_table *t;
    _Atomic cg_handle cells[CELLS];
    _Atomic long created, freed, acquired, stale;
    int rounds;
} shared;

typedef struct worker {
    shared *s;
    unsigned seed;
} worker;

static unsigned next_rand(unsigned *seed) {
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

static void *mutate(void *arg) {
    worker *w = arg;
    shared *s = w->s;
    for (int i = 0; i < s->rounds; i++) {
        _Atomic cg_handle *cell = &s->cells[next_rand(&w->seed) % CELLS];
        cg_handle h = atomic_load(cell);
        if (h) {
            /* Two mutators may free the same handle: exactly one wins. */
            cg_handle_status st = cg_handle_free(s->t, h);
            if (st == CG_HANDLE_OK) {
                atomic_fetch_add(&s->freed, 1);
                atomic_compare_exchange_strong(cell, &h, 0);
            } else {
                CHECK_EQ(st, CG_HANDLE_STALE);
            }
        } else {
            cg_handle nh;
            CHECK_EQ(cg_handle_new(s->t, new_object(i), &nh), CG_HANDLE_OK);
            atomic_fetch_add(&s->created, 1);
            cg_handle expected = 0;
            if (!atomic_compare_exchange_strong(cell, &expected, nh)) {
                CHECK_EQ(cg_handle_free(s->t, nh), CG_HANDLE_OK);
                atomic_fetch_add(&s->freed, 1);
            }
        }
    }
    return NULL;
}

static void *read_cells(void *arg) {
    worker *w = arg;
    shared *s = w->s;
    for (int i = 0; i < s->rounds * 2; i++) {
        cg_handle h = atomic_load(&s->cells[next_rand(&w->seed) % CELLS]);
        if (!h) continue;
        void *p;
        cg_handle_status st = cg_handle_acquire(s->t, h, &p);
        if (st == CG_HANDLE_STALE) {
            atomic_fetch_add(&s->stale, 1);
            continue;
        }
        CHECK_EQ(st, CG_HANDLE_OK);
        object *o = p;
        /* While acquired, the object must stay alive even if freed meanwhile. */
        CHECK_EQ(atomic_load(&o->magic), MAGIC_LIVE);
        volatile int v = o->value;
        (void)v;
        CHECK_EQ(atomic_load(&o->magic), MAGIC_LIVE);
        CHECK_EQ(cg_handle_release(s->t, h), CG_HANDLE_OK);
        atomic_fetch_add(&s->acquired, 1);
    }
    return NULL;
}

static void test_stress(void) {
    atomic_store(&destroyed, 0);
    static shared s;
    memset(&s, 0, sizeof(s));
    s.t = make_table(4096);
    s.rounds = STRESS_SCALE(200000);
    worker ws[MUTATORS + READERS];
    pthread_t th[MUTATORS + READERS];
    for (int i = 0; i < MUTATORS + READERS; i++) ws[i] = (worker){&s, 17u * (unsigned)i + 3u};
    /* Every cell starts with a live handle: readers that get scheduled before
     * the mutators (threads start in any order) still have objects to acquire. */
    for (int i = 0; i < CELLS; i++) {
        cg_handle h;
        CHECK_EQ(cg_handle_new(s.t, new_object(i), &h), CG_HANDLE_OK);
        atomic_store(&s.cells[i], h);
        atomic_fetch_add(&s.created, 1);
    }
    start_threads(th, MUTATORS, mutate, ws, sizeof(worker));
    start_threads(th + MUTATORS, READERS, read_cells, ws + MUTATORS, sizeof(worker));
    join_threads(th, MUTATORS + READERS);
    long live = 0;
    for (int i = 0; i < CELLS; i++) live += atomic_load(&s.cells[i]) != 0;
    CHECK_EQ(atomic_load(&s.created) - atomic_load(&s.freed), live);
    CHECK_EQ((long)cg_handle_table_live(s.t), live);
    CHECK_EQ(atomic_load(&destroyed), atomic_load(&s.freed));
    CHECK(atomic_load(&s.acquired) > 0);
    cg_handle_table_free(s.t);
    CHECK_EQ(atomic_load(&destroyed), atomic_load(&s.created));
    printf("handle stress: created %ld, acquired %ld, stale lookups %ld\n", atomic_load(&s.created),
           atomic_load(&s.acquired), atomic_load(&s.stale));
}

int main(void) {
    test_lifecycle();
    test_free_while_acquired();
    test_full_and_limits();
    test_stress();
    puts("test_handle: ok");
    return 0;
}
