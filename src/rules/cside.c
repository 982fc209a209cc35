/*
 * cside.c: reporting and tracing helpers for the C-side rules (see cside.h).
 * A finding of these rules starts at a C line and its notes walk the chain
 * of C calls the summary recorded, then cross into Go at either end.
 */
#include "cside.h"

#include <stdlib.h>
#include <string.h>

void cg_cside_note_trace(cg_check_ctx *ctx, cg_diag *diag, const cg_ctrace *trace, const char *last,
                         unsigned max_notes) {
    if (!trace || trace->len == 0 || max_notes == 0) return;
    /* Call steps that fit before the last one; the chain's start matters
     * most (it is the line the reader is looking at), so the cut is in the
     * middle, like the summary's own `omitted`. */
    size_t calls = trace->len - 1;
    size_t shown = calls < max_notes - 1 ? calls : max_notes - 1;
    for (size_t i = 0; i < shown; i++) {
        const cg_cstep *s = &trace->steps[i];
        /* Calls between this step and the next one shown: the ones cut
         * here, and the ones the summary itself omitted. */
        size_t hidden = i + 1 == shown ? (calls - shown) + trace->omitted : 0;
        if (hidden)
            cg_check_note(ctx, diag, s->loc, "%s calls %s (then %zu more call%s)", s->func,
                          trace->steps[i + 1].func, hidden, hidden == 1 ? "" : "s");
        else
            cg_check_note(ctx, diag, s->loc, "%s calls %s", s->func, trace->steps[i + 1].func);
    }
    const cg_cstep *end = &trace->steps[trace->len - 1];
    cg_check_note(ctx, diag, end->loc, "%s: %s", end->func,
                  last ? last : (trace->how ? trace->how : "here"));
}

bool cg_cside_export_loc(cg_check_ctx *ctx, const char *name, cg_location *out) {
    if (!name) return false;
    const cg_export_link *link = cg_package_export(ctx->pkg, name);
    if (!link || !link->file || !link->export) return false;
    if (!link->export->func) {
        cg_location loc = {link->file->path, link->export->line, 1, 0, 0};
        *out = loc;
        return true;
    }
    /* The name of the function, not its whole body: notes point at a line. */
    cg_gn fn = link->export->func;
    cg_gn ident = cg_gn_field(fn, CG_GF_NAME);
    *out = cg_check_loc(link->file, !ident ? fn : ident);
    return true;
}

const cg_ccall *cg_cside_go_call_to(cg_check_ctx *ctx, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *c = &ctx->facts->ccalls.items[i];
        if (c->name && strcmp(c->name, name) == 0) return c;
    }
    return NULL;
}

const char *cg_cside_go_caller(cg_check_ctx *ctx, const cg_ccall *call) {
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, call->file, call->call);
    return fn ? fn->name : NULL;
}

const cg_cfunc *cg_cside_cfunc_at(cg_check_ctx *ctx, cg_location loc) {
    if (!loc.file) return NULL;
    const cg_cfunc *best = NULL;
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(ctx->pkg->c, i);
        if (!fn->has_body || !fn->body_loc.file || strcmp(fn->body_loc.file, loc.file) != 0) continue;
        if (fn->body_loc.line > loc.line ||
            (fn->body_loc.line == loc.line && fn->body_loc.column > loc.column))
            continue;
        if (!best || fn->body_loc.line > best->body_loc.line ||
            (fn->body_loc.line == best->body_loc.line && fn->body_loc.column > best->body_loc.column))
            best = fn;
    }
    return best;
}

void cg_cside_note_go_entry(cg_check_ctx *ctx, cg_diag *diag, const char *cfunc, const char *what) {
    const cg_ccall *go = cg_cside_go_call_to(ctx, cfunc);
    if (!go) return;
    const char *caller = cg_cside_go_caller(ctx, go);
    cg_check_note(ctx, diag, cg_check_loc(go->file, go->call), "Go%s%s calls C.%s, which %s",
                  caller ? " function " : "", caller ? caller : "", cfunc, what);
}
