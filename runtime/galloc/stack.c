/*
 * stack.c: cheap, safe stack capture for the guarded allocator.
 *
 * A sampled allocation records who allocated and who freed it. In a cgo
 * program the interesting code is on both sides of the boundary, and each
 * side needs its own unwinder:
 *  - C code compiled by cgo's gcc at -O2 keeps no frame pointers, but it has
 *    DWARF CFI in .eh_frame, so libgcc's _Unwind_Backtrace walks it;
 *  - Go code has no .eh_frame entries (the Go linker writes only
 *    .debug_frame), so that walk stops at the first Go frame, typically
 *    runtime.asmcgocall. Go does keep frame pointers on amd64 and arm64, and
 *    asmcgocall enters C with RBP still holding the calling goroutine's frame
 *    pointer (see runtime/asm_amd64.s: "The original frame pointer is stored
 *    in BP, which is useful for stack unwinding"). The CFI walk restores RBP
 *    as it unwinds each C frame, so at the frame where it stops RBP is Go's
 *    and the chain [BP] = caller's BP, [BP+8] = return address continues
 *    through the Go callers (main._Cfunc_free, the Go function calling it...).
 *
 * The frame-pointer walk only starts when the CFI walk stopped at a PC with no
 * unwind info (a thread's outermost frame, e.g. clone or _start, has CFI, so
 * pure C threads never take it) inside a Go module (one carrying the Go
 * linker's build-id note: other code without CFI, such as JIT output, may
 * hold anything in RBP). It stops at the first frame pointer that is
 * misaligned, not strictly increasing or implausibly far from the previous
 * one, so it never wanders off the goroutine stack.
 */
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include "galloc_internal.h"

/* libgcc exports this (GCC_3.0) but declares it in a private header. */
struct cg_dwarf_eh_bases {
    void *tbase;
    void *dbase;
    void *func;
};
extern const void *_Unwind_Find_FDE(void *pc, struct cg_dwarf_eh_bases *bases);

/* The x86-64 DWARF register number of RBP, arm64's of x29 (the frame pointer). */
#if defined(__x86_64__)
#define CG_DWARF_FP 6
#elif defined(__aarch64__)
#define CG_DWARF_FP 29
#endif

/* A Go frame is at most a few hundred KiB; a larger step between two frame
 * pointers means the chain left the goroutine stack. */
#define CG_MAX_FRAME_STEP ((uintptr_t)1 << 22)

/* Bracket the allocator's own code (see CG_GALLOC_TEXT). */
extern const char __start_cg_galloc_text[] __attribute__((visibility("hidden")));
extern const char __stop_cg_galloc_text[] __attribute__((visibility("hidden")));

typedef struct cg_unwind_walk {
    uintptr_t *frames;
    size_t max;
    size_t count;
    bool inside; /* still in the allocator's own frames */
    uintptr_t last_ip;
    uintptr_t last_fp;
} cg_unwind_walk;

static _Unwind_Reason_Code cg_unwind_step(struct _Unwind_Context *ctx, void *arg) {
    cg_unwind_walk *walk = arg;
    uintptr_t ip = (uintptr_t)_Unwind_GetIP(ctx);
    if (ip == 0) return _URC_END_OF_STACK;
    walk->last_ip = ip;
#ifdef CG_DWARF_FP
    walk->last_fp = (uintptr_t)_Unwind_GetGR(ctx, CG_DWARF_FP);
#endif
    if (walk->inside) {
        /* ip is a return address: ip - 1 is the call instruction. */
        if (ip - 1 >= (uintptr_t)__start_cg_galloc_text && ip - 1 < (uintptr_t)__stop_cg_galloc_text)
            return _URC_NO_REASON;
        walk->inside = false;
    }
    if (walk->count == walk->max) return _URC_END_OF_STACK;
    walk->frames[walk->count++] = ip;
    return _URC_NO_REASON;
}

/* Reads the frame-pointer chain of Go code. Not instrumented: under ASan the
 * words it reads belong to frames the sanitizer knows nothing about. */
__attribute__((no_sanitize_address)) static size_t cg_walk_frame_pointers(uintptr_t fp,
                                                                          uintptr_t *frames,
                                                                          size_t count,
                                                                          size_t max) {
    while (count < max && fp != 0 && fp % sizeof(uintptr_t) == 0) {
        const uintptr_t *frame = (const uintptr_t *)fp;
        uintptr_t next = frame[0];
        uintptr_t ret = frame[1];
        if (ret == 0) break;
        frames[count++] = ret;
        if (next <= fp || next - fp > CG_MAX_FRAME_STEP) break;
        fp = next;
    }
    return count;
}

/* ---- is this PC in Go code? ---- */

typedef struct cg_go_probe {
    uintptr_t pc;
    uintptr_t lo, hi; /* the executable segment holding pc */
    bool found;
    bool is_go;
} cg_go_probe;

/* The Go linker writes a note named "Go" (namesz 4: "Go\0\0") of type 4,
 * its build ID, into every binary and shared object it links, cgo ones
 * included (cmd/link/internal/ld/elf.go, ELF_NOTE_GOBUILDID_TAG). */
static bool cg_has_go_note(const char *note, size_t size) {
    size_t off = 0;
    while (off + sizeof(ElfW(Nhdr)) <= size) {
        const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(note + off);
        size_t name = off + sizeof *nh;
        size_t desc = name + ((nh->n_namesz + 3) & ~3u);
        if ((nh->n_namesz == 3 || nh->n_namesz == 4) && nh->n_type == 4 && name + 3 <= size &&
            memcmp(note + name, "Go", 3) == 0)
            return true;
        off = desc + ((nh->n_descsz + 3) & ~3u);
    }
    return false;
}

static int cg_probe_module(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    cg_go_probe *probe = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && probe->pc - lo < ph->p_memsz) {
            probe->found = true;
            probe->lo = lo;
            probe->hi = lo + ph->p_memsz;
        }
    }
    if (!probe->found) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_NOTE &&
            cg_has_go_note((const char *)(info->dlpi_addr + ph->p_vaddr), ph->p_memsz)) {
            probe->is_go = true;
            break;
        }
    }
    return 1;
}

/* The last answer, per thread (no synchronisation needed): the executable
 * segment it was about and whether it is Go. Modules holding Go code are
 * never unloaded (the Go runtime cannot be), so the answer cannot go stale
 * in the direction that matters. */
static CG_GALLOC_TLS uintptr_t cg_go_lo, cg_go_hi;
static CG_GALLOC_TLS bool cg_go_is_go;

static bool cg_pc_in_go(uintptr_t pc) {
    if (pc >= cg_go_lo && pc < cg_go_hi) return cg_go_is_go;
    cg_go_probe probe = {.pc = pc};
    dl_iterate_phdr(cg_probe_module, &probe);
    if (!probe.found) return false;
    cg_go_lo = probe.lo;
    cg_go_hi = probe.hi;
    cg_go_is_go = probe.is_go;
    return probe.is_go;
}

CG_GALLOC_TEXT size_t cg_galloc__capture(uintptr_t *frames, size_t max) {
    cg_unwind_walk walk = {.frames = frames, .max = max, .inside = true};
    _Unwind_Backtrace(cg_unwind_step, &walk);
    if (walk.count == 0 || walk.count == max || walk.last_ip == 0) return walk.count;
    struct cg_dwarf_eh_bases bases;
    if (_Unwind_Find_FDE((void *)(walk.last_ip - 1), &bases) != NULL) return walk.count;
    if (!cg_pc_in_go(walk.last_ip - 1)) return walk.count;
    /* Stopped in Go code, which has no unwind info: follow its frame
     * pointers. */
    return cg_walk_frame_pointers(walk.last_fp, frames, walk.count, max);
}

static CG_GALLOC_TLS uint64_t cg_galloc_tid_cache;

uint64_t cg_galloc__tid(void) {
    if (cg_galloc_tid_cache == 0) cg_galloc_tid_cache = (uint64_t)syscall(SYS_gettid);
    return cg_galloc_tid_cache;
}

void cg_galloc__tid_reset(void) { cg_galloc_tid_cache = 0; }
