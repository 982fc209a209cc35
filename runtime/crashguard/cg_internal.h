/*
 * cg_internal.h: what the crash guard's files share and nothing outside
 * runtime/crashguard may use. Every symbol here is hidden, so that two copies
 * of the crash guard in one process (the preload library and a linked-in
 * libcgoguard) never bind to each other's internals.
 *
 * Everything reachable from the signal handler is async-signal-safe: fixed
 * static buffers instead of malloc, raw system calls instead of stdio.
 */
#ifndef CG_CRASHGUARD_INTERNAL_H
#define CG_CRASHGUARD_INTERNAL_H

#include "cgoguard/crashguard.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_HIDDEN __attribute__((visibility("hidden")))

/* ---- Async-signal-safe text building (sbuf.c). Appends silently stop at
 * capacity: a truncated report is better than none. ---- */
typedef struct cg_sbuf {
    char *data;
    size_t len;
    size_t cap; /* data[cap-1] is reserved for the terminating NUL */
} cg_sbuf;

CG_HIDDEN void cg_sbuf_init(cg_sbuf *b, char *storage, size_t cap);
CG_HIDDEN void cg_sbuf_str(cg_sbuf *b, const char *s);
CG_HIDDEN void cg_sbuf_mem(cg_sbuf *b, const char *s, size_t n);
CG_HIDDEN void cg_sbuf_char(cg_sbuf *b, char c);
CG_HIDDEN void cg_sbuf_dec(cg_sbuf *b, uint64_t v);
CG_HIDDEN void cg_sbuf_hex(cg_sbuf *b, uint64_t v);             /* 0x1a2b */
CG_HIDDEN void cg_sbuf_hex_fixed(cg_sbuf *b, uint64_t v);       /* 0x0000..1a2b, 16 digits */
CG_HIDDEN void cg_sbuf_json_str(cg_sbuf *b, const char *s);     /* "escaped" */
CG_HIDDEN void cg_write_all(int fd, const char *s, size_t n);
CG_HIDDEN size_t cg_strlcpy(char *dst, const char *src, size_t cap);
CG_HIDDEN bool cg_str_eq(const char *a, const char *b);
CG_HIDDEN bool cg_str_starts(const char *s, const char *prefix);

/* ---- Facts about the Go program, if this is one (goinfo.c). Loaded once at
 * install time (outside any handler) from /proc/self/exe's symbol table. ---- */
typedef struct cg_go_info {
    bool is_go;              /* runtime.text was found */
    uintptr_t text_lo;       /* [runtime.text, runtime.etext): Go code */
    uintptr_t text_hi;
    uintptr_t threadentry;   /* runtime/cgo's thread start routine, or 0 */
    bool have_g_slot;        /* g_slot_offset is known (x86-64, runtime.tlsg in .symtab) */
    intptr_t g_slot_offset;  /* the runtime's per-thread g pointer is at thread pointer + this */
} cg_go_info;

CG_HIDDEN extern cg_go_info cg_go;
CG_HIDDEN void cg_go_info_load(void);
CG_HIDDEN bool cg_pc_in_go(uintptr_t pc);
/* The Go runtime's g pointer of the calling thread (0: the thread has no
 * M); only meaningful when cg_go.have_g_slot. Async-signal-safe. */
CG_HIDDEN uintptr_t cg_go_current_g(void);

/* ---- Symbolization (symbolize.c). ---- */
enum { CG_SYM_FUNC = 160, CG_SYM_FILE = 256, CG_SYM_MODULE = 256 };

typedef struct cg_sym_frame {
    uintptr_t pc;
    unsigned index;               /* index of the pc in the input */
    bool inlined;                 /* an "(inlined by)" caller of the previous entry */
    char function[CG_SYM_FUNC];   /* "" when unknown */
    char file[CG_SYM_FILE];       /* "" when unknown */
    unsigned line;                /* 0 when unknown */
    char module[CG_SYM_MODULE];   /* path of the mapped object, "" when unmapped */
    uintptr_t module_offset;      /* address inside the object (what addr2line takes) */
} cg_sym_frame;

/* Finds the symbolizer (addr2line) once, outside the handler. */
CG_HIDDEN void cg_symbolizer_init(void);

/* Symbolizes pcs[0..n). pcs[i] for i >= first_return is a return address
 * (looked up at pc-1). Writes up to max entries (inlined callers add
 * entries) and returns how many. Async-signal-safe (reads /proc/self/maps,
 * forks and execs addr2line per object); uses static buffers, so callers
 * serialize through cg_report_lock. */
CG_HIDDEN size_t cg_symbolize(const uintptr_t *pcs, size_t n, size_t first_return,
                              cg_sym_frame *out, size_t max);

/* One mapping of /proc/self/maps (symbolize.c). */
typedef struct cg_mapping {
    uintptr_t start, end, offset;
    char perms[5];
    const char *path; /* points into a static buffer; "" for anonymous */
} cg_mapping;

/* Re-reads /proc/self/maps; afterwards cg_find_mapping works on that copy. */
CG_HIDDEN bool cg_maps_load(void);
CG_HIDDEN const cg_mapping *cg_find_mapping(uintptr_t addr);

/* Serializes reports and symbolization (one static buffer set). Reentrant
 * for the owning thread: returns false if this thread already holds it. */
CG_HIDDEN bool cg_report_lock(void);
CG_HIDDEN void cg_report_unlock(void);

CG_HIDDEN long cg_gettid(void);

/* libc's sigaction; the preload library points it past its own interposer. */
CG_HIDDEN extern int (*cg_sys_sigaction)(int, const struct sigaction *, struct sigaction *);

/* The crash signals. */
enum { CG_NSIGNALS = 5 };
CG_HIDDEN extern const int cg_signals[CG_NSIGNALS];
CG_HIDDEN bool cg_is_guarded_signal(int sig);

/* For the preload interposers (crashguard.c): what the program believes is
 * installed for a guarded signal, and the handler the crash guard chains to. */
CG_HIDDEN bool cg_crashguard_active(void);
CG_HIDDEN void cg_chain_get(int sig, struct sigaction *out);
CG_HIDDEN void cg_chain_set(int sig, const struct sigaction *act);

/* Thread bookkeeping, set by the preload's pthread_create wrapper: who
 * created the calling thread. */
typedef enum cg_thread_origin {
    CG_ORIGIN_UNKNOWN,  /* e.g. a stripped Go binary: threadentry unknown */
    CG_ORIGIN_GO,       /* start routine was runtime/cgo's threadentry */
    CG_ORIGIN_C,        /* another start routine */
} cg_thread_origin;
CG_HIDDEN void cg_thread_set_origin(cg_thread_origin origin);
CG_HIDDEN void cg_thread_release_altstack(void);

#endif /* CG_CRASHGUARD_INTERNAL_H */
