/*
 * CG017 callback-on-foreign-thread: a thread start routine that C creates
 * (pthread_create/thrd_create) reaches an exported Go function.
 *
 * Not a bug by itself: the callback works. The thread has no M, so the
 * first callback on it runs runtime.needAndBindM (asm_amd64.s cgocallback ->
 * proc.go needm, then cgoBindM keeps the M bound to the thread until the
 * thread exits, Go 1.21+), and every callback switches stacks and takes the
 * scheduler's cgocallbackg path. bench/callback measures it on the installed
 * Go (numbers in docs/rules/CG017.md). It is a note, pointing at
 * libcgoguard's mailbox for hot event paths.
 *
 * It becomes a warning when a constant pthread_attr_setstacksize below
 * 32 KiB is set for that thread: the runtime runs needm, exitsyscall and
 * the scheduler code on the C thread's stack (g0 of the extra M), and when
 * it cannot read the thread's stack bounds it assumes "at least 32 kB"
 * below the callback's SP (runtime/cgocall.go, callbackUpdateSystemStack).
 */
#include "cside.h"

/* runtime/cgocall.go callbackUpdateSystemStack: g0.stack.lo = sp - 32*1024. */
enum { CG017_MIN_STACK = 32 * 1024 };

static void check(cg_check_ctx *ctx) {
    const unsigned role = CG_ROLE_THREAD_START;
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(ctx->pkg->c, i);
        const cg_csummary *s = fn->has_body ? cg_cmodel_summary(ctx->pkg->c, fn->name) : NULL;
        if (!s || !(s->roles & role) || s->calls_export.len == 0 || !s->export_name) continue;
        cg_location site = s->role_site[cg_crole_index(role)];
        bool small = s->thread_stack_size != 0 && s->thread_stack_size < CG017_MIN_STACK;
        cg_diag *d;
        if (small) {
            d = cg_check_report_at(
                ctx, site,
                "thread started with %s calls exported Go function %s on a %llu-byte stack: the Go "
                "runtime runs its callback and scheduler code on this C stack and assumes at least "
                "32 KiB",
                s->name, s->export_name, s->thread_stack_size);
            d->severity = CG_SEV_WARNING;
        } else {
            d = cg_check_report_at(
                ctx, site,
                "thread started with %s calls exported Go function %s from a C-created thread: it "
                "works, but the thread runs Go and waits whenever Go does (for a P, a GC phase, the "
                "handler); measured with bench/callback on Go 1.26: 55-210 ns per call once the "
                "thread has an M, 43-68 us for its first call when the runtime creates an M, 3-4 us "
                "when it reuses the M of a thread that exited",
                s->name, s->export_name);
        }
        if (small)
            cg_check_note(ctx, d, s->thread_stack_size_loc, "the thread's stack size is set to %llu bytes here",
                          s->thread_stack_size);
        cg_cside_note_trace(ctx, d, &s->calls_export, NULL, 4);
        const cg_cfunc *installer = cg_cside_cfunc_at(ctx, site);
        cg_cside_note_go_entry(ctx, d, installer ? installer->name : NULL, "starts the thread");
        cg_location exp;
        if (cg_cside_export_loc(ctx, s->export_name, &exp))
            cg_check_note(ctx, d, exp, "exported Go function %s runs on the C-created thread",
                          s->export_name);
        if (small)
            cg_check_fix(ctx, d,
                         "give the thread at least 32 KiB of stack (better the default), or post the "
                         "event to a libcgoguard mailbox (include/cgoguard/mailbox.h) and let a goroutine "
                         "run the Go code");
        else
            cg_check_fix(ctx, d,
                         "fine for occasional calls from long-lived threads; on a hot path whose thread "
                         "must not wait for Go, post the event to a libcgoguard mailbox "
                         "(include/cgoguard/mailbox.h, Go binding github.com/cgoguard/cgoguard/go) and "
                         "receive it in a goroutine: bench/interop measured a post's p99.9 128-228x "
                         "below a callback's under GC load, but the handler starts later (median "
                         "58-75 us vs ~0.1 us: the receiver has to be woken; under GC load 1.6-3.7x "
                         "later at p99.9 counted from the post); `cgoguard explain CG017` has the "
                         "trade-off");
    }
}

const cg_rule cg_rule_CG017 = {
    .id = "CG017",
    .name = "callback-on-foreign-thread",
    .severity = CG_SEV_NOTE,
    .summary = "exported Go function called from a C-created thread",
    .check = check,
};
