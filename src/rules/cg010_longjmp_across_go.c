/*
 * CG010 longjmp-across-go: a longjmp/siglongjmp that can unwind across Go
 * frames.
 *
 * Two shapes, one per end of the jump:
 *  - C end: a setjmp/sigsetjmp in a C function that afterwards calls,
 *    directly or through other C functions, an exported Go function
 *    (cg_cjump_site.export_after), while the package has a longjmp to the
 *    same jmp_buf. Reported at the setjmp.
 *  - Go end: an exported Go function, or a package function it calls
 *    (transitively), calls C.g(...) where g (transitively) longjmps to a
 *    jmp_buf that g does not set itself: the setjmp is outside the
 *    callback, below its Go frames. Reported at the Go call.
 *
 * Why it fails: longjmp restores the stack pointer of the setjmp frame on
 * the thread's system stack, throwing away the Go frames of the callback
 * (their deferred calls never run, locks stay held) and the runtime's
 * cgocallback bookkeeping. The C function then returns into the original
 * cgocall, whose runtime.exitsyscall finds the goroutine's syscall frame
 * gone: "fatal error: exitsyscall: syscall frame is no longer valid"
 * (testdata/repro/CG010).
 *
 * jmp_bufs are matched by the name of the variable or field they are
 * stored in ("env", "ctx->jb" and "c.jb" all match "jb"): a buffer passed
 * around under different names is a known false negative.
 */
#include <ctype.h>
#include <string.h>

#include "cside.h"

static bool is_setjmp(cg_cjump_kind k) { return k == CG_JUMP_SETJMP || k == CG_JUMP_SIGSETJMP; }

/* The identifier a jmp_buf expression ends in: "ctx->jb" -> "jb",
 * "&env" -> "env", "*envp" -> "envp", "bufs[i]" -> "bufs". */
static void buffer_key(const char *buffer, char *out, size_t cap) {
    out[0] = '\0';
    if (!buffer) return;
    const char *end = buffer + strlen(buffer);
    const char *bracket = strchr(buffer, '[');
    if (bracket) end = bracket;
    while (end > buffer && !(isalnum((unsigned char)end[-1]) || end[-1] == '_')) end--;
    const char *start = end;
    while (start > buffer && (isalnum((unsigned char)start[-1]) || start[-1] == '_')) start--;
    size_t n = (size_t)(end - start);
    if (n >= cap) n = cap - 1;
    memcpy(out, start, n);
    out[n] = '\0';
}

static bool same_buffer(const char *a, const char *b) {
    char ka[128], kb[128];
    buffer_key(a, ka, sizeof ka);
    buffer_key(b, kb, sizeof kb);
    return ka[0] && strcmp(ka, kb) == 0;
}

static const cg_csummary *summary_at(cg_check_ctx *ctx, size_t i) {
    const cg_cfunc *fn = cg_cmodel_func_at(ctx->pkg->c, i);
    return fn->has_body ? cg_cmodel_summary(ctx->pkg->c, fn->name) : NULL;
}

/* A setjmp (want_setjmp) or longjmp site of the package to a buffer like
 * `buffer`, outside function `skip` (may be NULL); sets *owner. */
static const cg_cjump_site *find_site(cg_check_ctx *ctx, const char *buffer, bool want_setjmp,
                                      const cg_csummary *skip, const cg_csummary **owner) {
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_csummary *s = summary_at(ctx, i);
        if (!s || s == skip) continue;
        for (size_t k = 0; k < s->jump_count; k++) {
            const cg_cjump_site *j = &s->jumps[k];
            if (is_setjmp(j->kind) == want_setjmp && same_buffer(j->buffer, buffer)) {
                *owner = s;
                return j;
            }
        }
    }
    return NULL;
}

static const char *jump_name(cg_cjump_kind k) {
    switch (k) {
    case CG_JUMP_SETJMP: return "setjmp";
    case CG_JUMP_SIGSETJMP: return "sigsetjmp";
    case CG_JUMP_LONGJMP: return "longjmp";
    case CG_JUMP_SIGLONGJMP: return "siglongjmp";
    }
    return "setjmp";
}

static const char *const crash_text =
    "the jump discards the Go frames (their deferred calls never run) and the runtime throws "
    "\"exitsyscall: syscall frame is no longer valid\"";

static const char *const fix_text =
    "never longjmp out of a callback: let the C code below the callback return an error code "
    "to Go, return from the exported function normally, and longjmp (if at all) only between C "
    "frames that have no Go frame between them";

/* C end: setjmp, then a call that reaches Go, and a longjmp to the buffer. */
static void check_c_end(cg_check_ctx *ctx, const cg_csummary *s, const cg_cjump_site *j) {
    if (!is_setjmp(j->kind) || j->export_after.len == 0) return;
    const cg_csummary *lj_owner = NULL;
    /* A longjmp in the setjmp's own function runs in that frame, below any
     * callback: it cannot cross Go frames (barring recursion). */
    const cg_cjump_site *lj = find_site(ctx, j->buffer, false, s, &lj_owner);
    if (!lj) return;
    /* The trace ends in the C function that calls Go; its summary names the
     * export (the first one it reaches, when it reaches several). */
    const cg_cstep *end = &j->export_after.steps[j->export_after.len - 1];
    const cg_csummary *caller = cg_cmodel_summary(ctx->pkg->c, end->func);
    const char *export_name = caller && caller->export_name ? caller->export_name : NULL;
    cg_diag *d = cg_check_report_at(
        ctx, j->loc,
        "%s(%s) in %s is followed by a call into Go (%s) and %s in %s jumps back to it: a jump "
        "taken while the callback runs unwinds across its Go frames; %s",
        jump_name(j->kind), j->buffer, s->name, export_name ? export_name : "an exported function",
        jump_name(lj->kind), lj_owner->name, crash_text);
    cg_cside_note_trace(ctx, d, &j->export_after, NULL, 3);
    cg_location exp;
    if (export_name && cg_cside_export_loc(ctx, export_name, &exp))
        cg_check_note(ctx, d, exp, "exported Go function %s: its frames lie between the %s and the %s",
                      export_name, jump_name(j->kind), jump_name(lj->kind));
    cg_check_note(ctx, d, lj->loc, "%s in %s jumps to %s", jump_name(lj->kind), lj_owner->name,
                  lj->buffer);
    cg_cside_note_go_entry(ctx, d, s->name, "does the setjmp");
    cg_check_fix(ctx, d, "%s", fix_text);
}

/* Go functions that run as part of a callback: the //export functions and
 * the package functions they call, transitively (calls of methods and
 * function values are not followed). */
typedef struct callback_fn {
    cg_gn node;                  /* function_declaration / method_declaration */
    const cg_export_link *root;   /* the exported function it is reached from */
} callback_fn;
typedef CG_VEC(callback_fn) callback_vec;

static const callback_fn *find_callback_fn(const callback_vec *v, cg_gn node) {
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i].node == node) return &v->items[i];
    return NULL;
}

static void collect_callback_fns(cg_check_ctx *ctx, callback_vec *out) {
    for (size_t i = 0; i < ctx->pkg->exports.len; i++) {
        const cg_export_link *e = &ctx->pkg->exports.items[i];
        if (!e->export || !e->export->func || find_callback_fn(out, e->export->func)) continue;
        callback_fn f = {e->export->func, e};
        cg_vec_push(out, f);
    }
    /* Each pass adds the callees of what is known; stops when nothing new
     * is found (at most one pass per function of the package). */
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < ctx->facts->calls.len; i++) {
            const cg_noderef *call = &ctx->facts->calls.items[i];
            cg_gofunc *caller = cg_gopkg_func_at(ctx->pkg->go, call->file, call->node);
            const callback_fn *from = caller ? find_callback_fn(out, caller->node) : NULL;
            if (!from) continue;
            const cg_godecl *callee = cg_gopkg_callee(ctx->pkg->go, call->file, call->node);
            if (!callee || !callee->node || find_callback_fn(out, callee->node)) continue;
            callback_fn f = {callee->node, from->root};
            cg_vec_push(out, f);
            grew = true;
        }
    }
}

/* Go end: inside a function that runs as a callback, a C call whose callee
 * longjmps to a buffer it did not set. */
static void check_go_end(cg_check_ctx *ctx, const callback_vec *callbacks, const cg_ccall *call) {
    const cg_csummary *s = cg_cmodel_summary(ctx->pkg->c, call->name);
    if (!s || s->reaches_longjmp.len == 0) return;
    cg_gofunc *fn = cg_gopkg_func_at(ctx->pkg->go, call->file, call->call);
    const callback_fn *cb = fn ? find_callback_fn(callbacks, fn->node) : NULL;
    if (!cb) return;
    const cg_export_link *link = cb->root;
    bool is_export = link->export->func == fn->node;
    /* The jump target: the longjmp site the trace ends in. Its buffer must
     * not be set by the callee itself (then the jump stays below it). */
    const cg_cstep *jstep = &s->reaches_longjmp.steps[s->reaches_longjmp.len - 1];
    const cg_csummary *jowner = cg_cmodel_summary(ctx->pkg->c, jstep->func);
    const cg_cjump_site *lj = NULL;
    for (size_t k = 0; jowner && k < jowner->jump_count; k++)
        if (!is_setjmp(jowner->jumps[k].kind) && jowner->jumps[k].loc.line == jstep->loc.line &&
            jowner->jumps[k].loc.file && jstep->loc.file &&
            strcmp(jowner->jumps[k].loc.file, jstep->loc.file) == 0)
            lj = &jowner->jumps[k];
    if (!lj) return;
    for (size_t k = 0; k < s->jump_count; k++)
        if (is_setjmp(s->jumps[k].kind) && same_buffer(s->jumps[k].buffer, lj->buffer)) return;
    const cg_csummary *sj_owner = NULL;
    const cg_cjump_site *sj = find_site(ctx, lj->buffer, true, NULL, &sj_owner);
    if (!sj) return; /* no setjmp in the package: where it is set is unknown */
    cg_diag *d = cg_check_report(
        ctx, call->file, call->call,
        "C.%s %s to %s from inside exported Go function %s%s%s, but %s was set outside the "
        "callback (%s in %s): %s",
        call->name, jump_name(lj->kind), lj->buffer, link->name, is_export ? "" : " (through ",
        is_export ? "" : cg_arena_printf(&ctx->pkg->arena, "%s)", fn->name ? fn->name : "a Go function"),
        lj->buffer, jump_name(sj->kind), sj_owner->name, crash_text);
    cg_cside_note_trace(ctx, d, &s->reaches_longjmp, NULL, 3);
    cg_check_note(ctx, d, sj->loc, "%s(%s) in %s: the jump lands here, below the Go frames of %s",
                  jump_name(sj->kind), sj->buffer, sj_owner->name, link->name);
    cg_location exp;
    if (cg_cside_export_loc(ctx, link->name, &exp))
        cg_check_note(ctx, d, exp, "%s is called from C (//export); its deferred calls are skipped",
                      link->name);
    cg_check_fix(ctx, d, "%s", fix_text);
}

static void check(cg_check_ctx *ctx) {
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_csummary *s = summary_at(ctx, i);
        if (!s) continue;
        for (size_t k = 0; k < s->jump_count; k++) check_c_end(ctx, s, &s->jumps[k]);
    }
    if (ctx->pkg->exports.len == 0) return;
    callback_vec callbacks = {0};
    collect_callback_fns(ctx, &callbacks);
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++)
        check_go_end(ctx, &callbacks, &ctx->facts->ccalls.items[i]);
    cg_vec_free(&callbacks);
}

const cg_rule cg_rule_CG010 = {
    .id = "CG010",
    .name = "longjmp-across-go",
    .severity = CG_SEV_ERROR,
    .summary = "longjmp can unwind across Go frames",
    .check = check,
};
