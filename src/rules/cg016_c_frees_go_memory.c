/*
 * CG016 c-frees-go-memory: a Go call hands a Go pointer to a C function
 * that frees or reallocs that parameter (directly or through a chain of
 * package C functions, csummary.h `freed`).
 *
 * Go memory does not come from the C allocator: free() reads malloc's
 * chunk header in front of the pointer, finds none, and glibc aborts the
 * process ("free(): invalid pointer", "free(): invalid size",
 * "munmap_chunk(): invalid pointer") or, when the bytes there happen to look
 * like a header, corrupts its own heap. The finding traces Go call -> C
 * parameter -> each C call -> the free/realloc line. Pinning does not help:
 * it keeps the Go collector away, not free().
 */
#include "ckept.h"
#include "cside.h"

static void check_call(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s) {
    cg_gn args[32];
    uint32_t n = cg_call_args(call->call, args, 32);
    for (uint32_t i = 0; i < n && i < s->param_count; i++) {
        const cg_cparam_summary *ps = &s->params[i];
        if (!ps->freed.len) continue;
        const char *what;
        if (!cg_ckept_arg_is_go_pointer(ctx, cm, call, i, args[i], &what)) continue;
        const char *param = cg_ckept_param_name(ctx, s, i);
        cg_diag *d = cg_check_report(ctx, call->file, args[i],
                                     "C.%s frees Go memory: %s, and parameter '%s' of %s reaches "
                                     "free/realloc; the C allocator does not own it (glibc aborts with "
                                     "\"free(): invalid pointer\" or corrupts its heap)",
                                     call->name, what, param, s->name);
        cg_ckept_note_param(ctx, d, s, i);
        cg_cside_note_trace(ctx, d, &ps->freed, NULL, 16);
        cg_check_fix(ctx, d,
                     "pass C memory that C may free (C.malloc, C.CString, C.CBytes), or stop %s from "
                     "freeing a parameter it does not own",
                     s->name);
    }
}

static void check(cg_check_ctx *ctx) { cg_ckept_each_call(ctx, check_call); }

const cg_rule cg_rule_CG016 = {
    .id = "CG016",
    .name = "c-frees-go-memory",
    .severity = CG_SEV_ERROR,
    .summary = "memory allocated by Go freed or reallocated by C",
    .check = check,
};
