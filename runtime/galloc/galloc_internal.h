/*
 * galloc_internal.h: what the guarded allocator's files share and nobody
 * else sees: the sampling fast path, the pool range check, the operations on
 * guarded blocks, the fallback allocator table and the stack capture.
 *
 * The fast paths are inline so that the common case of malloc/free under the
 * preload costs one thread-local decrement or one range compare on top of the
 * C library's allocator.
 */
#ifndef CG_GALLOC_INTERNAL_H
#define CG_GALLOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgoguard/galloc.h"

/* Nothing here is part of the library's ABI. */
#pragma GCC visibility push(hidden)

/* Every function of the allocator that can be on the stack when it captures
 * one goes into this section, so the capture can drop its own frames by
 * address (the linker brackets the section with __start_/__stop_ symbols).
 * Counting frames instead breaks with inlining and tail calls. */
#define CG_GALLOC_TEXT __attribute__((section("cg_galloc_text")))

/* Thread-local state is initial-exec: the preload library is loaded at
 * startup, so its TLS lives in the static block and an access is one
 * %fs-relative load, never a call to __tls_get_addr (which may allocate). */
#define CG_GALLOC_TLS __thread __attribute__((tls_model("initial-exec")))

/* Counts down to the next sampled allocation. Starts at 1 in every thread so
 * that the first allocation takes the slow path, which initialises the
 * allocator and draws the real interval. */
extern CG_GALLOC_TLS uint32_t cg_galloc__countdown;
/* Non-zero while this thread is inside the allocator (initialising, capturing
 * a stack): nested allocations from the unwinder, dlsym or pthread_atfork go
 * straight to the fallback instead of recursing. */
extern CG_GALLOC_TLS int cg_galloc__busy;

/* The pool's address range; both zero until it is reserved, and never
 * changed afterwards, so a relaxed read is enough. */
extern uintptr_t cg_galloc__pool_start;
extern uintptr_t cg_galloc__pool_size;

static inline bool cg_galloc__in_pool(const void *ptr) {
    uintptr_t start = __atomic_load_n(&cg_galloc__pool_start, __ATOMIC_RELAXED);
    uintptr_t size = __atomic_load_n(&cg_galloc__pool_size, __ATOMIC_RELAXED);
    return (uintptr_t)ptr - start < size;
}

/* The slow path of sampling: initialises on first use, redraws the interval
 * and says whether this allocation is the sampled one. */
bool cg_galloc__sample_slow(void);

static inline bool cg_galloc__sample(void) {
    if (__builtin_expect(--cg_galloc__countdown != 0, 1)) return false;
    return cg_galloc__sample_slow();
}

/* The allocator that serves what is not guarded. The preload uses glibc's
 * __libc_* entry points (calling malloc there would recurse into the
 * interposer); the linked-in API uses them too, except under sanitizers,
 * whose own allocator must see every allocation. */
typedef struct cg_galloc_fallback {
    void *(*malloc)(size_t size);
    void *(*calloc)(size_t count, size_t size);
    void *(*realloc)(void *ptr, size_t size);
    void *(*memalign)(size_t alignment, size_t size);
    void (*free)(void *ptr);
    size_t (*usable_size)(void *ptr); /* NULL, or 0 returned: size unknown */
} cg_galloc_fallback;

extern const cg_galloc_fallback cg_galloc__libc;

/* Places a block in the pool. Returns NULL when it cannot (too large,
 * over-aligned, pool exhausted or not initialised; counted), and the caller
 * then uses the fallback. The memory is zeroed. */
void *cg_galloc__alloc(size_t size, size_t alignment);

/* Frees a pointer that cg_galloc__in_pool accepted. Reports (and does not
 * return) on a double free or an invalid free. */
void cg_galloc__free(void *ptr);

/* Requested size of a live block that cg_galloc__in_pool accepted. A freed
 * block or a pointer into no block is reported (and does not return): as a
 * double or invalid free when the caller is about to free it (realloc), as
 * a use after free or an invalid pointer otherwise. */
size_t cg_galloc__block_size(const void *ptr, bool freeing);

/* The whole malloc family over a given fallback, shared by the linked-in
 * API and the interposers. */
void *cg_galloc__malloc(const cg_galloc_fallback *fb, size_t size);
void *cg_galloc__calloc(const cg_galloc_fallback *fb, size_t count, size_t size);
void *cg_galloc__realloc(const cg_galloc_fallback *fb, void *ptr, size_t size);
void *cg_galloc__memalign(const cg_galloc_fallback *fb, size_t alignment, size_t size);
void cg_galloc__free_any(const cg_galloc_fallback *fb, void *ptr);
size_t cg_galloc__usable_size(const cg_galloc_fallback *fb, void *ptr);

/* Captures the calling thread's stack into frames (innermost first),
 * without the allocator's own frames; returns the count. C frames are
 * unwound with DWARF CFI; when that stops at code without unwind info (Go's,
 * which has none in .eh_frame), the walk continues along the frame-pointer
 * chain Go maintains. Not async-signal-safe (the unwinder takes the loader
 * lock). */
size_t cg_galloc__capture(uintptr_t *frames, size_t max);

/* Kernel thread id of the caller, cached per thread. */
uint64_t cg_galloc__tid(void);
void cg_galloc__tid_reset(void);

#pragma GCC visibility pop

#endif /* CG_GALLOC_INTERNAL_H */
