/*
 * CG011 go-call-in-signal-handler: a C signal handler (installed with
 * signal/sigaction), or a function reachable from one, calls an exported Go
 * function.
 *
 * A handler that C installs runs instead of the Go runtime's own handler, so
 * nothing switches to the signal goroutine: the handler runs on whatever
 * thread the signal hit, with that thread's g still current. When the signal
 * interrupts Go code, crosscall2/cgocallback treat it as a return from a cgo
 * call that never happened and runtime.exitsyscall throws ("exitsyscall:
 * syscall frame is no longer valid"; on the signal stack that throw dies as
 * "fatal error: morestack on g0"). When it interrupts C, Go code runs inside
 * a signal handler, where the allocator, the scheduler and locks are not
 * async-signal-safe.
 *
 * One finding per handler (the function registered with the signal role):
 * at the first line of its chain to Go, with the registration, the chain and
 * the //export declaration as notes. Functions only reachable from a handler
 * are covered by the handler's own (transitive) chain.
 */
#include "cside.h"

static void check(cg_check_ctx *ctx) {
    const unsigned role = CG_ROLE_SIGNAL_HANDLER;
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(ctx->pkg->c, i);
        const cg_csummary *s = fn->has_body ? cg_cmodel_summary(ctx->pkg->c, fn->name) : NULL;
        if (!s || !(s->roles & role) || s->calls_export.len == 0 || !s->export_name) continue;
        const cg_cstep *first = &s->calls_export.steps[0];
        cg_diag *d = cg_check_report_at(
            ctx, first->loc,
            "signal handler %s calls exported Go function %s: a handler installed by C runs on the "
            "interrupted thread without the Go runtime's signal setup, so the callback crashes the "
            "runtime (exitsyscall/morestack on g0) or runs Go code that is not async-signal-safe",
            s->name, s->export_name);
        cg_location site = s->role_site[cg_crole_index(role)];
        cg_check_note(ctx, d, site, "%s is installed as a signal handler here", s->name);
        const cg_cfunc *installer = cg_cside_cfunc_at(ctx, site);
        cg_cside_note_go_entry(ctx, d, installer ? installer->name : NULL, "installs the handler");
        /* A direct call is the primary line itself: no trace to show. */
        if (s->calls_export.len > 1) cg_cside_note_trace(ctx, d, &s->calls_export, NULL, 4);
        cg_location exp;
        if (cg_cside_export_loc(ctx, s->export_name, &exp))
            cg_check_note(ctx, d, exp, "exported Go function %s would run inside the signal handler",
                          s->export_name);
        cg_check_fix(ctx, d,
                     "let the handler only set a volatile sig_atomic_t or write(2) a byte to a pipe "
                     "(self-pipe trick) that a goroutine reads, or receive the signal in Go with "
                     "os/signal.Notify instead of a C handler");
    }
}

const cg_rule cg_rule_CG011 = {
    .id = "CG011",
    .name = "go-call-in-signal-handler",
    .severity = CG_SEV_ERROR,
    .summary = "signal handler installed by C calls an exported Go function",
    .check = check,
};
