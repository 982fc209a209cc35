/*
 * CG019 nocallback-broken: a C function declared `#cgo nocallback f` that
 * (transitively) calls an exported Go function.
 *
 * cgo marks the goroutine (g.nocgocallback) for the duration of a call to a
 * nocallback function; runtime.cgocallbackg panics with "runtime: function
 * marked with #cgo nocallback called back into Go" when C calls back. The
 * finding is at each Go call C.f(...) and traces through the C summary's
 * call chain to the //export function it reaches.
 */
#include <string.h>

#include "../model/gofacts.h"
#include "cside.h"

static void check_call(cg_check_ctx *ctx, const cg_ccall *call) {
    if (!cg_strmap_get(&ctx->pkg->nocallback, call->name)) return;
    const cg_csummary *s = cg_cmodel_summary(ctx->pkg->c, call->name);
    if (!s || s->calls_export.len == 0 || !s->export_name) return;
    unsigned minor = ctx->opts->go_minor;
    cg_diag *d;
    if (!cg_go_has_cgo_directives(minor))
        d = cg_check_report(ctx, call->file, call->call,
                            "C.%s is declared `#cgo nocallback` but calls back into Go (%s); the "
                            "directive does not exist in Go 1.%u (cmd/cgo rejects it before 1.24), "
                            "and from Go 1.24 on this call panics",
                            call->name, s->export_name, minor);
    else
        d = cg_check_report(ctx, call->file, call->call,
                            "C.%s is declared `#cgo nocallback` but calls back into Go (%s): the "
                            "runtime panics \"function marked with #cgo nocallback called back "
                            "into Go\"",
                            call->name, s->export_name);
    cg_cside_note_trace(ctx, d, &s->calls_export, NULL, 5);
    cg_location exp;
    if (cg_cside_export_loc(ctx, s->export_name, &exp))
        cg_check_note(ctx, d, exp, "exported Go function %s runs as a callback", s->export_name);
    cg_check_fix(ctx, d,
                 "remove `#cgo nocallback %s` (it only saves the callback bookkeeping), or make "
                 "%s stop calling Go, e.g. queue the event in C and let Go poll it",
                 call->name, call->name);
}

static void check(cg_check_ctx *ctx) {
    if (ctx->pkg->nocallback.count == 0) return;
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) check_call(ctx, &ctx->facts->ccalls.items[i]);
}

const cg_rule cg_rule_CG019 = {
    .id = "CG019",
    .name = "nocallback-broken",
    .severity = CG_SEV_ERROR,
    .summary = "function marked #cgo nocallback calls back into Go",
    .check = check,
};
