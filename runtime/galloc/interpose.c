/*
 * interpose.c: the malloc family of libcgoguard-preload.so.
 *
 * Preloaded, these definitions come first in symbol lookup, so every
 * allocation of the program, of the C library itself and of the dynamic
 * loader (once it switches to the real malloc) comes through here. The
 * unsampled path goes to glibc's __libc_* entry points, never through dlsym
 * (which can itself allocate). A pointer in the guarded pool is never handed
 * to glibc and a glibc pointer never reaches the pool code: the pool's
 * address range decides, with one compare.
 *
 * Built only into the preload library: linked into an ordinary program these
 * would silently replace its allocator.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "galloc_internal.h"

#define CG_EXPORT __attribute__((visibility("default")))

extern void *__libc_malloc(size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

/* glibc exports no __libc_ name for malloc_usable_size, so it is looked up
 * with dlsym (which may allocate: hence the busy flag), from a constructor,
 * which runs once libc is initialised and normally before any other thread
 * exists. Until then, and if the lookup fails, the size of a glibc block is
 * reported as 0 ("unknown"); realloc then keeps the block in glibc. */
static size_t (*cg_libc_usable_size)(void *ptr);

__attribute__((constructor)) static void cg_resolve_usable_size(void) {
    cg_galloc__busy++;
    void *sym = dlsym(RTLD_NEXT, "malloc_usable_size");
    cg_galloc__busy--;
    __atomic_store_n(&cg_libc_usable_size, (size_t(*)(void *))sym, __ATOMIC_RELEASE);
}

static size_t cg_libc_usable(void *ptr) {
    size_t (*fn)(void *) = __atomic_load_n(&cg_libc_usable_size, __ATOMIC_ACQUIRE);
    return fn != NULL ? fn(ptr) : 0;
}

extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

/* glibc's allocator, with a usable size so that a sampled realloc can move
 * a glibc block into the pool. */
static const cg_galloc_fallback cg_preload_fb = {
    __libc_malloc, __libc_calloc, __libc_realloc, __libc_memalign, __libc_free, cg_libc_usable,
};

/* malloc and free are the hot pair: the unsampled path calls glibc directly,
 * not through the fallback table. */
CG_GALLOC_TEXT CG_EXPORT void *malloc(size_t size) {
    if (__builtin_expect(cg_galloc__sample(), 0)) {
        void *p = cg_galloc__alloc(size, 1);
        if (p != NULL) return p;
    }
    return __libc_malloc(size);
}

CG_GALLOC_TEXT CG_EXPORT void free(void *ptr) {
    if (__builtin_expect(cg_galloc__in_pool(ptr), 0)) cg_galloc__free(ptr);
    else __libc_free(ptr);
}

CG_GALLOC_TEXT CG_EXPORT void *calloc(size_t count, size_t size) { return cg_galloc__calloc(&cg_preload_fb, count, size); }

CG_GALLOC_TEXT CG_EXPORT void *realloc(void *ptr, size_t size) { return cg_galloc__realloc(&cg_preload_fb, ptr, size); }

CG_GALLOC_TEXT CG_EXPORT void *reallocarray(void *ptr, size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return cg_galloc__realloc(&cg_preload_fb, ptr, total);
}

CG_GALLOC_TEXT CG_EXPORT void *memalign(size_t alignment, size_t size) {
    return cg_galloc__memalign(&cg_preload_fb, alignment, size);
}

CG_GALLOC_TEXT CG_EXPORT void *aligned_alloc(size_t alignment, size_t size) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return cg_galloc__memalign(&cg_preload_fb, alignment, size);
}

CG_GALLOC_TEXT CG_EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0)
        return EINVAL;
    int saved = errno; /* posix_memalign reports through its result only */
    void *p = cg_galloc__memalign(&cg_preload_fb, alignment, size);
    errno = saved;
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}

CG_GALLOC_TEXT CG_EXPORT void *valloc(size_t size) {
    return cg_galloc__memalign(&cg_preload_fb, (size_t)sysconf(_SC_PAGESIZE), size);
}

CG_GALLOC_TEXT CG_EXPORT void *pvalloc(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t rounded;
    if (__builtin_add_overflow(size, page - 1, &rounded)) {
        errno = ENOMEM;
        return NULL;
    }
    rounded &= ~(page - 1);
    return cg_galloc__memalign(&cg_preload_fb, page, rounded ? rounded : page);
}

CG_GALLOC_TEXT CG_EXPORT size_t malloc_usable_size(void *ptr) { return cg_galloc__usable_size(&cg_preload_fb, ptr); }
