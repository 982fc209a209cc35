/*
 * cgoguard/arena.h: a per-thread scratch arena for temporary C buffers.
 *
 * C code called through cgo often needs short-lived buffers (a converted
 * string, a struct array to pass to a library). malloc/free per call costs a
 * lock round trip in contended allocators and is easy to leak; Go memory must
 * not be kept by C. The scratch arena is one mmap'd region per thread with a
 * bump pointer: cg_scratch_begin() marks a scope, cg_scratch_alloc() bumps,
 * cg_scratch_end() returns everything allocated since the mark. A PROT_NONE
 * guard page follows the region, so running off its end faults at once
 * instead of corrupting memory. No locks: each thread only touches its own.
 *
 * Scope rule for cgo: a goroutine may run on a different thread in its next
 * cgo call, so a scope must begin and end inside one C call (or on a thread
 * locked with runtime.LockOSThread).
 *
 * Names: the type is cg_scratch (the scanner's base library already has a
 * cg_arena for per-file data; the two must be able to link together).
 */
#ifndef CGOGUARD_ARENA_H
#define CGOGUARD_ARENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default size of a thread's arena, and the largest accepted. */
#define CG_SCRATCH_DEFAULT_SIZE ((size_t)1 << 20)
#define CG_SCRATCH_MAX_SIZE ((size_t)1 << 30)

/* A position in the calling thread's arena, returned by cg_scratch_begin. */
typedef struct cg_scratch_mark {
    size_t offset;
    uint64_t depth;
} cg_scratch_mark;

typedef struct cg_scratch_stats {
    size_t size;      /* usable bytes (0 before the thread's first use) */
    size_t used;      /* bytes in use now */
    size_t high_water; /* most bytes ever in use */
    uint64_t failed;  /* allocations that did not fit */
} cg_scratch_stats;

/* Sets the size of the calling thread's arena before its first use (rounded
 * up to whole pages). Returns 0, or -1 with errno EINVAL (bad size) or
 * EBUSY (the arena already exists). */
int cg_scratch_set_size(size_t size);

/* Opens a scope. Creates the thread's arena on first use; the mark is
 * {0, 0} and later allocations return NULL if that fails. */
cg_scratch_mark cg_scratch_begin(void);

/* Returns `size` bytes aligned to 16 (or NULL when the arena cannot hold
 * them, or there is no open scope). Valid until the scope that contains it
 * ends. Never blocks, never takes a lock. */
void *cg_scratch_alloc(size_t size);

/* Copies n bytes plus a NUL into the arena (NULL when it does not fit). */
char *cg_scratch_strndup(const char *s, size_t n);

/* Closes the scope opened by `mark` and every scope opened after it,
 * releasing their memory. Ending a scope that is not open is a broken
 * invariant and aborts. */
void cg_scratch_end(cg_scratch_mark mark);

void cg_scratch_get_stats(cg_scratch_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_ARENA_H */
