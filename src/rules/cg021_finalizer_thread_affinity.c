/*
 * CG021 finalizer-thread-affinity: a finalizer or cleanup calls a C function
 * that must run on a particular OS thread.
 *
 * Finalizers run on the runtime's single finalizer goroutine and cleanups on
 * runtime cleanup goroutines (runtime/mfinal.go, runtime/mcleanup.go); those
 * goroutines are not locked to any thread, so the C call runs on whatever
 * thread the scheduler picked. Thread-affine C APIs (thread_affine.h: the
 * current OpenGL/EGL context, thread-local error state, thread-specific
 * data, and package C functions whose summary uses thread-local state) then
 * act on the wrong thread: a GL delete with no current context is silently
 * ignored or crashes in the driver, an error read finds another thread's
 * state. The finalizer body is followed into the package's own functions
 * and methods, up to a small depth. A finalizer that locks its goroutine to
 * its thread (runtime.LockOSThread) before the call makes a failing call
 * and the error read after it run on one thread: error-state and
 * thread-local APIs are then fine; a current context (OpenGL, EGL) still
 * is not, since locking picks no particular thread.
 */
#include "../model/finalizer.h"
#include "../model/thread_affine.h"
#include "check.h"

enum { MAX_DEPTH = 3 };

typedef struct affine_walk {
    cg_check_ctx *ctx;
    const cg_finalizer *fin;
    cg_gofile *file; /* file of the body being walked */
    int depth;
    const char *via; /* "" or " (through freeTexture)" */
    bool locked;     /* the body runs after a LockOSThread */
} affine_walk;

static void walk_body(affine_walk *w, cg_gofile *file, cg_gn func, const char *via, int depth, bool locked);

static void report(affine_walk *w, cg_gn call, const char *cname, cg_affinity kind, const char *why,
                   cg_location where) {
    const cg_finalizer *fin = w->fin;
    const char *what = fin->is_cleanup ? "cleanup" : "finalizer";
    cg_diag *d = cg_check_report(
        w->ctx, fin->file, fin->call,
        "the %s %s calls C.%s%s, which %s; %ss run on a runtime goroutine that is not locked to any "
        "OS thread, so C.%s runs on an arbitrary thread",
        what, fin->func_name, cname, w->via, why ? why : "is thread-affine", what, cname);
    cg_check_note(w->ctx, d, cg_check_loc(w->file, call), "C.%s is called here%s", cname,
                  kind == CG_AFFINE_CONTEXT ? " (no context is current on the finalizer's thread)" : "");
    if (where.file) cg_check_note(w->ctx, d, where, "the C side that depends on the thread");
    cg_check_fix(w->ctx, d,
                 "do not release thread-bound resources from a %s: queue the handle to the goroutine "
                 "that owns the thread (runtime.LockOSThread) and release it there, or free it "
                 "explicitly with a Close method",
                 what);
}

static cg_walk_action visit(cg_gn n, void *arg) {
    affine_walk *w = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) return CG_WALK_CONTINUE;
    const char *cname = cg_c_callee(w->ctx->pkg, w->file, n);
    if (cname) {
        const char *why = NULL;
        cg_location where;
        cg_affinity kind = cg_thread_affine_func(w->ctx->pkg, cname, &why, &where);
        bool locked = w->locked || cg_os_locked_before(w->ctx->pkg->go, w->file, n);
        if (kind == CG_AFFINE_CONTEXT || (kind != CG_AFFINE_NONE && !locked)) report(w, n, cname, kind, why, where);
        return CG_WALK_CONTINUE;
    }
    if (w->depth >= MAX_DEPTH) return CG_WALK_CONTINUE;
    const cg_godecl *callee = cg_gopkg_callee(w->ctx->pkg->go, w->file, n);
    if (callee && callee->node != w->fin->func)
        walk_body(w, callee->file, callee->node,
                  cg_arena_printf(&w->ctx->pkg->arena, " (through %s)", callee->name), w->depth + 1,
                  w->locked || cg_os_locked_before(w->ctx->pkg->go, w->file, n));
    return CG_WALK_CONTINUE;
}

static void walk_body(affine_walk *w, cg_gofile *file, cg_gn func, const char *via, int depth, bool locked) {
    affine_walk inner = {w->ctx, w->fin, file, depth, via, locked};
    cg_walk(cg_gn_field(func, CG_GF_BODY), visit, &inner);
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        cg_finalizer fin;
        if (!cg_finalizer_at(ctx->pkg, ref->file, ref->node, &fin) || !fin.func) continue;
        affine_walk w = {ctx, &fin, fin.func_file, 0, "", false};
        walk_body(&w, fin.func_file, fin.func, "", 0, false);
    }
}

const cg_rule cg_rule_CG021 = {
    .id = "CG021",
    .name = "finalizer-thread-affinity",
    .severity = CG_SEV_WARNING,
    .summary = "finalizer calls thread-affine C functions",
    .check = check,
};
