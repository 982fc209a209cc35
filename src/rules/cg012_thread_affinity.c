/*
 * CG012 thread-affinity: one Go function makes several cgo calls that must
 * run on the same OS thread, without runtime.LockOSThread in effect.
 *
 * A goroutine is not tied to a thread: between two cgo calls it can be
 * descheduled and resumed on another M (thread), and another goroutine can
 * run C code on the thread it left. So C state that belongs to the calling
 * thread does not carry over from one cgo call to the next:
 *  - thread-affine state (thread_affine.h: an OpenGL/EGL context made
 *    current, thread-specific data, the package's C functions whose summary
 *    uses __thread/_Thread_local/pthread_*specific): two or more such calls
 *    in the function are reported at the second;
 *  - thread-local error reporting (dlerror, OpenSSL ERR_*, glGetError,
 *    *_last_error, ... and names declared with //cgoguard:thread-error-api):
 *    an error read in a cgo call after another cgo call (the one that
 *    failed) is reported, also when the read happens in a Go helper of the
 *    package whose first C call is the getter (`return lastError()`);
 *    errno read with cgo's two-result form `r, err := C.f()` is captured
 *    inside the same cgo call and is fine.
 * "Earlier" and "after" are along the function's control flow (gocfg.h):
 * two calls on the two branches of an if never follow each other.
 * Silent when runtime.LockOSThread() may run earlier in the function (or in
 * the function that encloses a func literal called in place), or when an
 * init function locks the main goroutine to the main thread, except for
 * code that runs on a goroutine the package starts with `go` (the lock
 * belongs to the main goroutine only).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../gofront/gocfg.h"
#include "../model/finalizer.h"
#include "../model/thread_affine.h"
#include "check.h"

typedef struct affine_call {
    const cg_ccall *call; /* for a helper: the Go call (name = the helper's) */
    cg_affinity kind;
    const char *why;
    cg_location where;
    const cg_ccall *getter; /* a helper call: the error getter the helper calls first */
} affine_call;

/* A Go function of the package whose first real C call reads a thread-local
 * error (func lastError() error { return errors.New(C.GoString(C.mylib_last_error())) }). */
typedef struct error_helper {
    cg_gn func;
    affine_call getter;
} error_helper;

typedef struct cg012 {
    cg_check_ctx *ctx;
    cg_affine_config cfg;
    /* An init function that calls runtime.LockOSThread (null: none). */
    cg_gofile *init_lock_file;
    cg_gn init_lock;
    /* Functions started with `go`: func literals and declarations. */
    CG_VEC(cg_gn) goroutines;
    CG_VEC(error_helper) helpers;
} cg012;

/* ---- goroutines and init locks, indexed once per package ---- */

typedef struct index_walk {
    cg012 *st;
    cg_gofile *file;
} index_walk;

static cg_walk_action visit_index(cg_gn n, void *arg) {
    index_walk *w = arg;
    cg012 *st = w->st;
    if (cg_gn_is(n, CG_GK_GO_STATEMENT)) {
        cg_gn call = cg_gn_child(n, 0);
        cg_gn fn = cg_gn_unparen(cg_gn_field(call, CG_GF_FUNCTION));
        if (cg_gn_is(fn, CG_GK_FUNC_LITERAL)) {
            cg_vec_push(&st->goroutines, fn);
        } else if (cg_gn_is(call, CG_GK_CALL_EXPRESSION)) {
            const cg_godecl *d = cg_gopkg_callee(st->ctx->pkg->go, w->file, call);
            if (d) cg_vec_push(&st->goroutines, d->node);
        }
    }
    if (cg_gn_is(n, CG_GK_FUNCTION_DECLARATION) && !st->init_lock &&
        cg_node_text_eq(w->file, cg_gn_field(n, CG_GF_NAME), "init")) {
        st->init_lock = cg_os_lock_in(st->ctx->pkg->go, w->file, n, NULL);
        if (st->init_lock) st->init_lock_file = w->file;
    }
    return CG_WALK_CONTINUE;
}

static bool is_goroutine(const cg012 *st, cg_gn func) {
    for (size_t i = 0; i < st->goroutines.len; i++)
        if (st->goroutines.items[i] == func) return true;
    return false;
}

/* The goroutine entry the code of `func` runs under, when the package
 * starts it with `go` (walking out of func literals called in place). */
static cg_gn goroutine_of(const cg012 *st, cg_gofile *file, cg_gn func) {
    for (cg_gn f = func; f; f = cg_gopkg_enclosing_func(st->ctx->pkg->go, file, f)) {
        if (is_goroutine(st, f)) return f;
        if (!cg_gn_is(f, CG_GK_FUNC_LITERAL)) break;
    }
    return NULL;
}

/* ---- the check ---- */

static affine_call classify(cg012 *st, const cg_ccall *call) {
    affine_call a = {.call = call, .kind = CG_AFFINE_NONE};
    a.kind = cg_affine_config_lookup(&st->cfg, call->name);
    if (a.kind != CG_AFFINE_NONE) {
        a.why = a.kind == CG_AFFINE_ERROR_STATE ? "reads a per-thread error state (declared with //cgoguard:thread-error-api)"
                                                : "acts on per-thread state (declared with //cgoguard:thread-affine)";
        return a;
    }
    a.kind = cg_thread_affine_func(st->ctx->pkg, call->name, &a.why, &a.where);
    /* A package C function that calls an error getter itself (after its own
     * failing call, in the same C call) is the fix, not the bug: only a
     * getter called from Go is an error read across cgo calls. */
    if (a.kind == CG_AFFINE_ERROR_STATE && !cg_thread_affine_error_api(call->name)) a.kind = CG_AFFINE_NONE;
    return a;
}

static const char *unlocked_text(cg012 *st, cg_gn go_entry) {
    if (go_entry && st->init_lock)
        return "this code runs on a goroutine started with `go`, which the init function's LockOSThread "
               "does not lock";
    return "no runtime.LockOSThread is in effect";
}

static void add_lock_notes(cg012 *st, cg_diag *d, const cg_gofile *file, cg_gn go_entry) {
    if (go_entry)
        cg_check_note(st->ctx, d, cg_check_loc(file, go_entry), "started as a goroutine here");
    if (st->init_lock)
        cg_check_note(st->ctx, d, cg_check_loc(st->init_lock_file, st->init_lock),
                      "init locks only the main goroutine to the main thread");
}

static void report_error_read(cg012 *st, const affine_call *err, const cg_ccall *failing, cg_gn go_entry) {
    cg_check_ctx *ctx = st->ctx;
    const char *reader = err->getter ? cg_arena_printf(&ctx->pkg->arena, "%s() calls C.%s, which", err->call->name,
                                                       err->getter->name)
                                     : cg_arena_printf(&ctx->pkg->arena, "C.%s", err->call->name);
    cg_diag *d = cg_check_report(
        ctx, err->call->file, err->call->call,
        "%s %s, but it runs in a separate cgo call from C.%s, whose error it means to read, and %s: "
        "the goroutine may resume on another OS thread between the two calls (or another goroutine may "
        "run C on this one), so the error read is another thread's",
        reader, err->why ? err->why : "reads per-thread error state", failing->name, unlocked_text(st, go_entry));
    cg_check_note(ctx, d, cg_check_loc(failing->file, failing->call), "the call whose error is read");
    if (err->getter)
        cg_check_note(ctx, d, cg_check_loc(err->getter->file, err->getter->call), "the error read in %s",
                      err->call->name);
    if (err->where.file) cg_check_note(ctx, d, err->where, "the C side that reads thread-local state");
    add_lock_notes(st, d, err->call->file, go_entry);
    cg_check_fix(ctx, d,
                 "read the error inside the same C call (a C wrapper that calls %s and then %s and returns both), "
                 "or call runtime.LockOSThread() (with defer runtime.UnlockOSThread()) before the first call",
                 failing->name, err->getter ? err->getter->name : err->call->name);
}

static void report_state(cg012 *st, const affine_call *second, const affine_call *first, cg_gn go_entry) {
    cg_check_ctx *ctx = st->ctx;
    cg_diag *d = cg_check_report(
        ctx, second->call->file, second->call->call,
        "C.%s %s, and so does the earlier C.%s in this function, but %s: the goroutine may run the two "
        "cgo calls on different OS threads, so the second call does not see the first call's per-thread state",
        second->call->name, second->why ? second->why : "uses per-thread state", first->call->name,
        unlocked_text(st, go_entry));
    cg_check_note(ctx, d, cg_check_loc(first->call->file, first->call->call), "the earlier thread-affine call");
    if (second->where.file) cg_check_note(ctx, d, second->where, "the C side that uses thread-local state");
    add_lock_notes(st, d, second->call->file, go_entry);
    cg_check_fix(ctx, d,
                 "call runtime.LockOSThread() (and defer runtime.UnlockOSThread()) before the first call, or run "
                 "all calls on one goroutine locked to its thread (a render loop, a worker that owns the context)");
}

/* cgo's Go-side helpers (no call into C that could fail) and free. */
static bool is_cgo_helper(const char *name) {
    static const char *const helpers[] = {"CString", "CBytes", "GoString", "GoStringN", "GoBytes", "free"};
    for (size_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++)
        if (strcmp(name, helpers[i]) == 0) return true;
    return false;
}

/* ---- error helpers ---- */

/* The helper a group of calls makes its function, if any: the first call
 * that really enters C (not C.GoString and friends) is an error getter. */
static void note_error_helper(cg012 *st, cg_gn func, const affine_call *calls, size_t n) {
    if (!cg_gn_is(func, CG_GK_FUNCTION_DECLARATION)) return;
    for (size_t i = 0; i < n; i++) {
        if (is_cgo_helper(calls[i].call->name)) continue;
        if (calls[i].kind == CG_AFFINE_ERROR_STATE) {
            error_helper h = {.func = func, .getter = calls[i]};
            cg_vec_push(&st->helpers, h);
        }
        return;
    }
}

static const error_helper *helper_for(const cg012 *st, cg_gn decl) {
    for (size_t i = 0; i < st->helpers.len; i++)
        if (st->helpers.items[i].func == decl) return &st->helpers.items[i];
    return NULL;
}

typedef struct helper_walk {
    cg012 *st;
    cg_gofile *file;
    CG_VEC(affine_call) found;
} helper_walk;

/* Calls to error helpers in a function's own body (nested literals are
 * functions of their own). */
static cg_walk_action visit_helper_call(cg_gn n, void *arg) {
    helper_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) return CG_WALK_CONTINUE;
    const cg_godecl *d = cg_gopkg_callee(w->st->ctx->pkg->go, w->file, n);
    const error_helper *h = d && d->kind == CG_GODECL_FUNC ? helper_for(w->st, d->node) : NULL;
    if (!h) return CG_WALK_CONTINUE;
    cg_ccall *go_call = cg_arena_alloc(&w->st->ctx->pkg->arena, sizeof *go_call);
    *go_call = (cg_ccall){.file = w->file, .call = n, .name = d->name};
    affine_call a = h->getter;
    a.getter = h->getter.call;
    a.call = go_call;
    cg_vec_push(&w->found, a);
    return CG_WALK_CONTINUE;
}

/* Checks the C calls of one function (calls[0..n), source order). */
static void check_function_calls(cg012 *st, cg_gn func, affine_call *calls, size_t n) {
    cg_gofile *file = calls[0].call->file;
    if (!cg_cfg_of(st->ctx->pkg->go, file, func)) return;
    cg_gn go_entry = goroutine_of(st, file, func);
    /* init's lock holds for the main goroutine: code not started with go. */
    if (st->init_lock && !go_entry) return;
    bool state_reported = false;
    for (size_t i = 0; i < n; i++) {
        affine_call *c = &calls[i];
        if (c->kind == CG_AFFINE_NONE) continue;
        if (cg_os_locked_before(st->ctx->pkg->go, file, c->call->call)) continue;
        if (c->kind == CG_AFFINE_ERROR_STATE) {
            /* The failing call: the closest earlier C call that may run
             * before this one (and ended before it: C.GoString(C.dlerror())
             * runs the getter first) and really enters C. */
            for (size_t j = i; j-- > 0;) {
                if (calls[j].kind == CG_AFFINE_ERROR_STATE || is_cgo_helper(calls[j].call->name) ||
                    !cg_cfg_may_precede(st->ctx->pkg->go, file, calls[j].call->call, c->call->call))
                    continue;
                report_error_read(st, c, calls[j].call, go_entry); /* each error read is its own finding */
                break;
            }
            continue;
        }
        /* A second thread-affine call after one that may run before it. */
        for (size_t j = 0; j < i && !state_reported; j++) {
            if (calls[j].kind == CG_AFFINE_NONE || calls[j].kind == CG_AFFINE_ERROR_STATE ||
                !cg_cfg_may_precede(st->ctx->pkg->go, file, calls[j].call->call, c->call->call))
                continue;
            report_state(st, c, &calls[j], go_entry); /* once per function */
            state_reported = true;
        }
    }
}

/* Checks the C calls of one function (calls[0..n), source order), with
 * the calls to error helpers merged in. */
static void check_function(cg012 *st, cg_gn func, affine_call *calls, size_t n) {
    helper_walk w = {.st = st, .file = calls[0].call->file};
    if (st->helpers.len) cg_walk(cg_gn_field(func, CG_GF_BODY), visit_helper_call, &w);
    if (!w.found.len) {
        check_function_calls(st, func, calls, n);
        return;
    }
    affine_call *merged = cg_xcalloc(n + w.found.len, sizeof *merged);
    size_t m = 0, i = 0, k = 0;
    while (i < n || k < w.found.len) {
        bool take_call = k == w.found.len || (i < n && cg_gn_start(calls[i].call->call) <
                                                           cg_gn_start(w.found.items[k].call->call));
        merged[m++] = take_call ? calls[i++] : w.found.items[k++];
    }
    check_function_calls(st, func, merged, m);
    free(merged);
    cg_vec_free(&w.found);
}

static void check(cg_check_ctx *ctx) {
    cg012 st = {.ctx = ctx};
    cg_affine_config_load(&st.cfg, ctx->pkg);
    for (size_t i = 0; i < ctx->pkg->go->files.len; i++) {
        index_walk w = {&st, ctx->pkg->go->files.items[i]};
        cg_walk(w.file->root, visit_index, &w);
    }
    /* Group the C calls by the innermost function (the facts are in file
     * and source order, so a function's calls are contiguous except for
     * nested literals, which form their own groups). */
    size_t n = ctx->facts->ccalls.len;
    affine_call *calls = cg_xcalloc(n ? n : 1, sizeof *calls);
    cg_gn *funcs = cg_xcalloc(n ? n : 1, sizeof *funcs);
    bool *done = cg_xcalloc(n ? n : 1, sizeof *done);
    for (size_t i = 0; i < n; i++)
        funcs[i] = cg_gopkg_enclosing_func(ctx->pkg->go, ctx->facts->ccalls.items[i].file,
                                           ctx->facts->ccalls.items[i].call);
    /* Pass 0 finds the error helpers, pass 1 checks every function. */
    for (int pass = 0; pass < 2; pass++) {
        memset(done, 0, n * sizeof *done);
        for (size_t i = 0; i < n; i++) {
            const cg_ccall *ci = &ctx->facts->ccalls.items[i];
            if (done[i] || !funcs[i]) continue;
            size_t m = 0;
            /* The calls of one function follow it in the list and stop at its end. */
            for (size_t j = i; j < n; j++) {
                const cg_ccall *cj = &ctx->facts->ccalls.items[j];
                if (cj->file != ci->file || cg_gn_start(cj->call) >= cg_gn_end(funcs[i])) break;
                if (done[j] || funcs[j] != funcs[i]) continue;
                done[j] = true;
                calls[m++] = classify(&st, cj);
            }
            if (pass == 0)
                note_error_helper(&st, funcs[i], calls, m);
            else
                check_function(&st, funcs[i], calls, m);
        }
    }
    free(done);
    free(funcs);
    free(calls);
    cg_vec_free(&st.helpers);
    cg_vec_free(&st.goroutines);
    cg_affine_config_free(&st.cfg);
}

const cg_rule cg_rule_CG012 = {
    .id = "CG012",
    .name = "thread-affinity",
    .severity = CG_SEV_WARNING,
    .summary = "thread-affine C calls without runtime.LockOSThread",
    .check = check,
};
