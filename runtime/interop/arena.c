/*
 * arena.c: the per-thread scratch arena of cgoguard/arena.h.
 *
 * The arena's bookkeeping is a thread-local struct, so no operation takes a
 * lock or touches another thread's cache lines. Its memory is one private
 * anonymous mapping: `size` usable bytes followed by one PROT_NONE page, so
 * an overrun past the end faults at the first byte instead of corrupting a
 * neighbour. A pthread key's destructor unmaps it when the thread exits.
 */
#include "cgoguard/arena.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct scratch {
    unsigned char *base; /* NULL until first use */
    size_t size;         /* usable bytes */
    size_t used;
    size_t high_water;
    uint64_t depth;      /* open scopes */
    uint64_t failed;
    size_t requested;    /* cg_scratch_set_size before first use; 0 = default */
} scratch;

static _Thread_local scratch tls_scratch;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static size_t page_size(void) {
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

static void unmap_at_exit(void *arg) {
    scratch *s = arg;
    if (s->base) munmap(s->base, s->size + page_size());
    memset(s, 0, sizeof(*s));
}

static void make_exit_key(void) {
    /* On failure threads keep their mapping until process exit; harmless. */
    (void)pthread_key_create(&exit_key, unmap_at_exit);
}

static size_t round_to_pages(size_t n) {
    size_t p = page_size();
    return (n + p - 1) & ~(p - 1);
}

/* Maps the calling thread's arena on first use. Returns false on failure. */
static bool ensure(scratch *s) {
    if (s->base) return true;
    size_t size = round_to_pages(s->requested ? s->requested : CG_SCRATCH_DEFAULT_SIZE);
    size_t guard = page_size();
    void *mem = mmap(NULL, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return false;
    if (mprotect((unsigned char *)mem + size, guard, PROT_NONE) != 0) {
        munmap(mem, size + guard);
        return false;
    }
    s->base = mem;
    s->size = size;
    pthread_once(&exit_key_once, make_exit_key);
    (void)pthread_setspecific(exit_key, s);
    return true;
}

int cg_scratch_set_size(size_t size) {
    if (size == 0 || size > CG_SCRATCH_MAX_SIZE) {
        errno = EINVAL;
        return -1;
    }
    if (tls_scratch.base) {
        errno = EBUSY;
        return -1;
    }
    tls_scratch.requested = size;
    return 0;
}

cg_scratch_mark cg_scratch_begin(void) {
    scratch *s = &tls_scratch;
    if (!ensure(s)) return (cg_scratch_mark){0, 0};
    s->depth++;
    return (cg_scratch_mark){s->used, s->depth};
}

void *cg_scratch_alloc(size_t size) {
    scratch *s = &tls_scratch;
    if (!s->depth) return NULL;
    size_t off = (s->used + 15) & ~(size_t)15;
    if (off > s->size || size > s->size - off) {
        s->failed++;
        return NULL;
    }
    s->used = off + size;
    if (s->used > s->high_water) s->high_water = s->used;
    return s->base + off;
}

char *cg_scratch_strndup(const char *str, size_t n) {
    if (n == SIZE_MAX) return NULL;
    char *p = cg_scratch_alloc(n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, str, n);
    p[n] = '\0';
    return p;
}

void cg_scratch_end(cg_scratch_mark mark) {
    scratch *s = &tls_scratch;
    if (mark.depth == 0) return; /* from a failed begin: there is no scope */
    if (mark.depth > s->depth || mark.offset > s->used) {
        /* A broken invariant: a mark from another thread, or a scope already
         * closed. Continuing would hand out memory still in use. */
        fprintf(stderr, "%s:%d: cg_scratch_end: scope %llu is not open on this thread\n",
                __FILE__, __LINE__, (unsigned long long)mark.depth);
        abort();
    }
    s->used = mark.offset;
    s->depth = mark.depth - 1;
}

void cg_scratch_get_stats(cg_scratch_stats *out) {
    const scratch *s = &tls_scratch;
    out->size = s->size;
    out->used = s->used;
    out->high_water = s->high_water;
    out->failed = s->failed;
}
