/*
 * cgoguard/galloc.h: the guarded allocator of libcgoguard.
 *
 * A sampling guarded allocator in the spirit of GWP-ASan: one allocation in N
 * is placed alone on its own page(s) inside a reserved pool, right-aligned
 * against an inaccessible guard page, so that an overflow past its end faults
 * at once. When it is freed its pages become inaccessible and the slot stays
 * in a FIFO quarantine (it is reused only after every other free slot), so a
 * later read or write faults too. Each slot keeps the allocation and free
 * stacks (C frames unwound through DWARF CFI, then the Go frames that called
 * into C, followed through Go's frame pointers), which the crash guard prints
 * through the fault describer registered at initialisation. Double free and
 * free of a pool address the allocator never returned are reported at the
 * free call through cg_crashguard_report_error().
 *
 * Two ways to use it:
 *  - preloaded: libcgoguard-preload.so interposes malloc, calloc, realloc,
 *    reallocarray, free, posix_memalign, aligned_alloc, memalign, valloc,
 *    pvalloc and malloc_usable_size; configuration comes from the environment
 *    (see below) the first time the allocator is used;
 *  - linked in: call cg_galloc_init() (or let the first cg_galloc_* call read
 *    the environment) and allocate with the cg_galloc_* functions. Memory
 *    from cg_galloc_* must be released with cg_galloc_free/cg_galloc_realloc
 *    (or free() when the preload library is active), never with another
 *    allocator's free.
 *
 * Environment (read once):
 *   CGOGUARD_SAMPLE=N      guard about one allocation in N (0 disables,
 *                          1 guards every allocation); default
 *                          CG_GALLOC_DEFAULT_SAMPLE.
 *   CGOGUARD_SLOTS=N       number of guarded slots (live + quarantined);
 *                          default CG_GALLOC_DEFAULT_SLOTS, at most
 *                          CG_GALLOC_MAX_SLOTS.
 *   CGOGUARD_MAX_SIZE=N    largest allocation that can be guarded, in bytes;
 *                          default CG_GALLOC_DEFAULT_MAX_SIZE.
 *   CGOGUARD_PLACEMENT=left|right
 *                          right (default) catches overflow at the first
 *                          byte past the end; left catches underflow.
 *   CGOGUARD_ALIGN=N       minimum alignment of guarded blocks, a power of
 *                          two <= 4096; default CG_GALLOC_DEFAULT_ALIGN,
 *                          malloc's ABI guarantee on x86-64 and arm64. A block
 *                          whose size is not a multiple of it ends up to N-1
 *                          bytes before the guard page; those slack bytes hold
 *                          a canary that free() checks, so a small overflow is
 *                          still reported (at the free, not at the write).
 *                          CGOGUARD_ALIGN=1 aligns a block only to the largest
 *                          power of two dividing its size (at most 16), so it
 *                          ends exactly at the guard page; programs that put a
 *                          header and a flexible array in one malloc (CPython
 *                          does) may then get misaligned headers.
 *
 * Limits: allocations larger than the slot size, or needing alignment larger
 * than a page, go to the normal allocator; so do allocations made when every
 * slot is live (the pool is a fixed size and never grows). Both are counted
 * (cg_galloc_get_stats).
 */
#ifndef CGOGUARD_GALLOC_H
#define CGOGUARD_GALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgoguard/crashguard.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One in 50000. A guarded block costs two syscalls (mprotect at malloc, mmap
 * at free) and two stack captures: about 10 us measured alone, and in a busy
 * allocator three to four times that once the TLB and cache refills after
 * each syscall are counted; glibc's malloc+free costs tens of ns. In the
 * malloc-heavy benchmark of bench/galloc, 1 in 20000 measured 4-6% slower
 * than glibc alone, over the 5% target; 1 in 50000 stays within it with
 * margin (see its README). A program allocating a million blocks a second
 * still guards twenty of them every second; use a small N (or 1) to hunt a
 * known bug. */
#define CG_GALLOC_DEFAULT_SAMPLE 50000u
#define CG_GALLOC_DEFAULT_SLOTS 4096u
#define CG_GALLOC_MAX_SLOTS 16384u
#define CG_GALLOC_DEFAULT_MAX_SIZE 16384u
#define CG_GALLOC_DEFAULT_ALIGN 16u

typedef enum cg_galloc_placement {
    CG_GALLOC_RIGHT = 0, /* block ends at the guard page: catches overflow */
    CG_GALLOC_LEFT = 1,  /* block starts after the guard page: catches underflow */
} cg_galloc_placement;

typedef struct cg_galloc_options {
    uint32_t sample_rate; /* one allocation in sample_rate; 0 = never, 1 = always */
    uint32_t slot_count;  /* 1..CG_GALLOC_MAX_SLOTS */
    size_t max_size;      /* largest guarded allocation, >= 1 */
    cg_galloc_placement placement;
    size_t min_align;     /* power of two, 1..4096 (1: natural alignment of the size) */
} cg_galloc_options;

/* Fills *opts with the defaults overridden by the CGOGUARD_* variables.
 * Returns 0, or -1 (errno EINVAL) naming nothing when a variable is malformed
 * (the defaults stay in *opts for that field). Does not allocate. */
int cg_galloc_options_from_env(cg_galloc_options *opts);

/* Initialises the allocator once: reserves the pool, registers the fault
 * describer with the crash guard. opts NULL means cg_galloc_options_from_env.
 * Later calls do nothing and return 0. Thread-safe. Returns 0, or -1 with
 * errno (EINVAL for bad options, ENOMEM when the pool cannot be reserved);
 * on failure every allocation goes to the normal allocator. */
int cg_galloc_init(const cg_galloc_options *opts);

/* The malloc family: same contracts as the C library's, with sampling. */
void *cg_galloc_malloc(size_t size);
void *cg_galloc_calloc(size_t count, size_t size);
void *cg_galloc_realloc(void *ptr, size_t size);
void *cg_galloc_aligned_alloc(size_t alignment, size_t size);
void cg_galloc_free(void *ptr);
/* The size the caller may use: exactly the requested size for a guarded
 * block (so that filling "usable" bytes cannot hit the guard page). */
size_t cg_galloc_usable_size(const void *ptr);

/* True when ptr lies in the guarded pool (a block, a quarantined slot or a
 * guard page). Lock-free. */
bool cg_galloc_owns(const void *ptr);

/* The fault describer registered with the crash guard; exposed so that it
 * can be tested and called post mortem. Async-signal-safe and lock-free.
 * Fills *out when addr lies in the pool: heap-use-after-free for a freed
 * block, heap-buffer-overflow for an access outside a block (before its
 * start, when the offset is negative, or past its end). The frame arrays
 * point into storage owned by the allocator that the next call overwrites. */
bool cg_galloc_describe(uintptr_t addr, cg_fault_detail *out);

typedef struct cg_galloc_stats {
    uint64_t guarded_allocs;      /* blocks placed in the pool */
    uint64_t guarded_frees;       /* blocks freed into the quarantine */
    uint64_t live;                /* guarded blocks not yet freed */
    uint64_t fallback_exhausted;  /* sampled, but every slot was live */
    uint64_t fallback_too_large;  /* sampled, but larger than the slot or over-aligned */
    uint64_t errors;              /* double/invalid frees detected */
    uint32_t slot_count;
    size_t slot_size;             /* bytes usable in one slot */
    uint32_t sample_rate;
} cg_galloc_stats;

/* A snapshot of the counters (each read atomically, not as a whole). */
void cg_galloc_get_stats(cg_galloc_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_GALLOC_H */
