/*
 * cgoguard/crashguard.h: the crash guard of libcgoguard.
 *
 * Installs SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGABRT handlers on an alternate
 * signal stack, writes one report per crash (signal, fault address and its
 * classification, thread, registers, symbolized C backtrace) and then lets the
 * crash proceed (chains to the previous handler or re-raises with the default
 * disposition), so exit status, core dumps and Go's own traceback still happen.
 *
 * The same code runs linked in (cg_crashguard_install) and from the preload
 * library libcgoguard-preload.so (installed from a constructor, before the Go
 * runtime starts).
 *
 * Environment (read at install time): CGOGUARD_REPORT=path appends each
 * report as one JSON object per line to path; CGOGUARD_SYMBOLIZER names an
 * addr2line-compatible tool ("off" disables symbolization); for the preload,
 * CGOGUARD_CHAIN_ONLY=1 turns off its sigaction interposition.
 * runtime/crashguard/README.md explains the design decisions.
 *
 * Extension point for other parts of libcgoguard (the guarded allocator):
 * a fault describer explains a fault address that belongs to it, and
 * cg_crashguard_report_error lets it report an error found outside a signal
 * handler (double free, invalid free) with the same report format.
 */
#ifndef CGOGUARD_CRASHGUARD_H
#define CGOGUARD_CRASHGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Installs the handlers and an alternate stack for the calling thread.
 * Idempotent and thread-safe. Returns 0, or -1 with errno set. */
int cg_crashguard_install(void);

/* Gives the calling thread an alternate signal stack unless it already has
 * one (the Go runtime installs its own on its threads; that one is kept).
 * Returns 0, or -1 with errno set. */
int cg_crashguard_thread_init(void);

enum { CG_FAULT_MAX_FRAMES = 32 };

/* What a describer knows about a fault address it owns. All pointers must
 * stay valid while the process is crashing (point into static storage). */
typedef struct cg_fault_detail {
    const char *kind;          /* "heap-use-after-free", "heap-buffer-overflow", ... */
    uintptr_t access_address;  /* the faulting (or freed) address */
    uintptr_t block_address;   /* start of the user block */
    size_t block_size;         /* requested size of the user block */
    const uintptr_t *alloc_frames; /* return addresses at allocation, innermost first */
    size_t alloc_frame_count;
    uint64_t alloc_thread;     /* kernel thread id that allocated */
    const uintptr_t *free_frames;  /* at free; count 0 when not freed */
    size_t free_frame_count;
    uint64_t free_thread;
} cg_fault_detail;

/* Called from the signal handler: must be async-signal-safe and lock-free
 * (it may run while the crashing thread holds any lock). Returns true and
 * fills *out when addr belongs to the describer. */
typedef bool (*cg_fault_describer)(uintptr_t addr, cg_fault_detail *out);

/* Registers the one describer (the guarded allocator). Passing NULL removes it. */
void cg_crashguard_set_describer(cg_fault_describer describer);

/* Writes a report for an error detected outside a signal handler (e.g. a
 * double free seen inside free()), including the current backtrace, to
 * stderr and to CGOGUARD_REPORT when set. Async-signal-safe. Does not return
 * control to the program: it aborts (SIGABRT) after reporting. */
void cg_crashguard_report_error(const cg_fault_detail *detail) __attribute__((noreturn));

/* ---- Additions for the Go traceback helper and other reporters. ---- */

/* Fills frames[0..max) with the C call stack of a signal context (the
 * ucontext_t * a handler received): frames[0] is the interrupted pc, the
 * others are return addresses. Unwinding stops at code without unwind
 * tables (Go code). Async-signal-safe. Returns the number of frames. */
size_t cg_crashguard_backtrace(const void *ucontext, uintptr_t *frames, size_t max);

/* One source location of a code address; inlining yields several. */
typedef struct cg_symbol {
    const char *function; /* "" when unknown */
    const char *file;     /* "" when unknown */
    unsigned line;        /* 0 when unknown */
} cg_symbol;

/* Symbolizes the code address pc (exact: pass return address - 1 for call
 * frames) into out[0..max), innermost inlined function first, and returns
 * the count (0 when nothing is known). The strings stay valid until the next
 * call with a different pc. Thread-safe (calls are serialized) and usable
 * while crashing: no malloc; it may fork and exec the symbolizer
 * (llvm-addr2line or addr2line; CGOGUARD_SYMBOLIZER overrides, "off"
 * disables). */
size_t cg_crashguard_symbolize(uintptr_t pc, cg_symbol *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif /* CGOGUARD_CRASHGUARD_H */
