/*
 * CG018 noescape-broken: a C function declared `#cgo noescape f` keeps a
 * pointer parameter after it returns, or returns it to Go.
 *
 * `#cgo noescape f` (Go 1.24+, cmd/cgo "Optimizing calls of C code") tells
 * the compiler that no Go pointer escapes through f, so the Go objects
 * passed to it may stay on the goroutine's stack instead of moving to the
 * heap. When f keeps the pointer (csummary.h: global, kept heap memory,
 * thread argument, thread-specific data, or stored into C memory) or
 * returns it, the kept copy points into a stack frame that is gone once
 * the Go caller returns (and stacks move when they grow): C later reads or
 * writes whatever the stack holds then.
 *
 * Only noescape together with nocallback lets the object stay on the stack
 * (cmd/cgo/out.go uses _Cgo_keepalive instead of _Cgo_use then); with
 * noescape alone the Go 1.24-1.26 compilers still move it to the heap, and
 * the broken promise has CG005's consequence today. The message says which.
 *
 * Reported at each Go call C.f(...) whose argument for a kept parameter is
 * a Go pointer, with the trace directive -> C parameter -> C calls -> the
 * keeping line. Before Go 1.24 the directive does not work at all: go/build
 * of Go <= 1.21 rejects the line ("invalid #cgo line"), cgo 1.22 and 1.23
 * stop with "#cgo noescape disabled until Go 1.23"; the message says so.
 */
#include <string.h>

#include "ckept.h"
#include "cside.h"

/* The Go file and line of the `#cgo noescape name` directive. */
static bool directive_loc(cg_check_ctx *ctx, const char *name, cg_location *out) {
    cg_gopkg *go = ctx->pkg->go;
    for (size_t f = 0; f < go->files.len; f++) {
        cg_gofile *file = go->files.items[f];
        for (size_t i = 0; i < file->directives.len; i++) {
            const cg_cgo_directive *d = &file->directives.items[i];
            if (strcmp(d->verb, "noescape") != 0 || strcmp(d->args, name) != 0) continue;
            *out = (cg_location){.file = file->path, .line = d->line, .column = 1};
            return true;
        }
    }
    return false;
}

static void check_call(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s) {
    if (!cg_strmap_get(&ctx->pkg->noescape, call->name)) return;
    unsigned minor = ctx->opts->go_minor;
    bool directive_works = minor == 0 || minor >= 24;
    /* cmd/cgo/out.go: only noescape together with nocallback replaces
     * _Cgo_use (which forces the argument to the heap) by _Cgo_keepalive. */
    bool on_stack = cg_strmap_get(&ctx->pkg->nocallback, call->name) != NULL;
    cg_gn args[32];
    uint32_t n = cg_call_args(call->call, args, 32);
    for (uint32_t i = 0; i < n && i < s->param_count; i++) {
        const char *how, *what;
        const cg_ctrace *trace = cg_ckept_outlives(ctx, cm, call, s, i, args, n, true, &how);
        if (!trace || !cg_ckept_arg_is_go_pointer(ctx, cm, call, i, args[i], &what)) continue;
        const char *param = cg_ckept_param_name(ctx, s, i);
        cg_diag *d;
        if (directive_works && on_stack)
            d = cg_check_report(ctx, call->file, args[i],
                                "C.%s is declared '#cgo noescape' and '#cgo nocallback' but its parameter "
                                "'%s' %s: %s, and the compiler leaves the Go object on the goroutine "
                                "stack, so the pointer C keeps dangles once this frame is gone",
                                call->name, param, how, what);
        else if (directive_works)
            d = cg_check_report(ctx, call->file, args[i],
                                "C.%s is declared '#cgo noescape' but its parameter '%s' %s: %s; the "
                                "promise is broken (without nocallback today's compiler still moves the "
                                "object to the heap, where the collector frees it while C holds it; with "
                                "nocallback it stays on the stack and dangles)",
                                call->name, param, how, what);
        else
            d = cg_check_report(ctx, call->file, args[i],
                                "C.%s is declared '#cgo noescape' but its parameter '%s' %s (%s); the "
                                "analysed Go 1.%u has no working noescape (%s), and on Go 1.24+ the object "
                                "may stay on the stack and the kept pointer dangles",
                                call->name, param, how, what, minor,
                                minor <= 21 ? "go/build rejects it: \"invalid #cgo line\""
                                            : "cgo stops: \"#cgo noescape disabled until Go 1.23\"");
        cg_location dl;
        if (directive_loc(ctx, call->name, &dl))
            cg_check_note(ctx, d, dl, "'#cgo noescape %s' promises that no Go pointer escapes through it",
                          call->name);
        cg_ckept_note_param(ctx, d, s, i);
        cg_cside_note_trace(ctx, d, trace, NULL, 16);
        cg_check_fix(ctx, d,
                     "remove '#cgo noescape %s' (the compiler then moves the object to the heap) and keep "
                     "the Go object valid while C holds it (runtime.Pinner), or let C copy the data out",
                     call->name);
    }
}

static void check(cg_check_ctx *ctx) {
    if (ctx->pkg->noescape.count) cg_ckept_each_call(ctx, check_call);
}

const cg_rule cg_rule_CG018 = {
    .id = "CG018",
    .name = "noescape-broken",
    .severity = CG_SEV_ERROR,
    .summary = "noescape C function keeps or returns a pointer argument",
    .check = check,
};
