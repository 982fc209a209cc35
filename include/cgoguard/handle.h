/*
 * cgoguard/handle.h: generation-checked handles for C objects.
 *
 * Instead of handing raw C pointers to Go (or to other C code that may hold
 * them past the object's life), register the object in a handle table and
 * hand out a 64-bit cg_handle: the slot index in the low 32 bits and the
 * slot's generation in the high 32 bits. Freeing bumps the generation, so a
 * stale or double-freed handle is reported as CG_HANDLE_STALE instead of
 * becoming a use-after-free, and a value that was never issued is
 * CG_HANDLE_INVALID.
 *
 * acquire/release keep an object alive while a call uses it: cg_handle_free
 * on an object that is acquired only marks it dead (new acquires fail at
 * once) and the destructor runs when the last holder releases it. That is
 * what makes it safe for a Go finalizer to free a handle while a C callback
 * on another thread is still using the object.
 *
 * Acquire and release are lock-free (one compare-and-swap on the slot's
 * state word); creating handles and recycling slots take a table-private
 * mutex. Handle 0 is never valid.
 */
#ifndef CGOGUARD_HANDLE_H
#define CGOGUARD_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t cg_handle;
typedef struct cg_handle_table cg_handle_table;

typedef enum cg_handle_status {
    CG_HANDLE_OK = 0,
    CG_HANDLE_INVALID, /* never issued by this table (0, bad index, future generation), or release without acquire */
    CG_HANDLE_STALE,   /* was valid, has been freed: use after free or double free (also a forged
                        * value naming a free slot's next generation: it cannot be told apart) */
    CG_HANDLE_FULL,    /* the table holds max_handles live objects */
    CG_HANDLE_LIMIT,   /* too many concurrent acquires of one handle (2^31 - 1) */
    CG_HANDLE_NOMEM,   /* allocation failed */
} cg_handle_status;

/* Runs exactly once per object, when it is freed and no acquire is
 * outstanding, on the thread that made the last free/release call. */
typedef void (*cg_handle_destroy_fn)(void *object, void *ctx);

/* Creates a table for up to max_handles live objects (1 .. 2^30). Slot
 * storage grows in chunks as needed; lookups never see it move. destroy may
 * be NULL. On error *out is NULL. */
cg_handle_status cg_handle_table_new(uint32_t max_handles, cg_handle_destroy_fn destroy,
                                     void *ctx, cg_handle_table **out);

/* Destroys every object still registered, then the table. No other call on
 * the table may run concurrently or afterwards. NULL is a no-op. */
void cg_handle_table_free(cg_handle_table *table);

/* Registers object (may be NULL) and returns its handle in *out. Thread-safe. */
cg_handle_status cg_handle_new(cg_handle_table *table, void *object, cg_handle *out);

/* Takes a reference and returns the object in *object (NULL on error).
 * Every CG_HANDLE_OK must be paired with one cg_handle_release. Lock-free. */
cg_handle_status cg_handle_acquire(cg_handle_table *table, cg_handle handle, void **object);

/* Drops a reference taken by cg_handle_acquire; runs the destructor when the
 * handle was freed meanwhile and this was the last reference. Lock-free
 * unless it recycles the slot. */
cg_handle_status cg_handle_release(cg_handle_table *table, cg_handle handle);

/* Frees the handle: later acquires fail with CG_HANDLE_STALE. The destructor
 * runs now, or at the last outstanding release. A second free of the same
 * handle returns CG_HANDLE_STALE. Thread-safe. */
cg_handle_status cg_handle_free(cg_handle_table *table, cg_handle handle);

/* Number of handles that are registered and not freed. */
size_t cg_handle_table_live(const cg_handle_table *table);

const char *cg_handle_strerror(cg_handle_status status);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_HANDLE_H */
