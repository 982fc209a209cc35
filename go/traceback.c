/*
 * traceback.c: the C functions InstallTraceback registers with
 * runtime.SetCgoTraceback, so that Go's own crash traceback ("signal arrived
 * during cgo execution") lists the C frames with function and file:line.
 *
 * cg_go_traceback runs in a signal handler: it only unwinds (libcgoguard's
 * async-signal-safe backtrace of the signal context). cg_go_symbolizer runs
 * while Go prints the traceback (also for runtime.CallersFrames) and asks
 * libcgoguard, which symbolizes without malloc.
 */
#include <cgoguard/crashguard.h>

#include <stdint.h>

/* The structs of `go doc runtime.SetCgoTraceback`, version 0. */
struct cg_go_traceback_arg {
    uintptr_t context;
    uintptr_t sig_context;
    uintptr_t *buf;
    uintptr_t max;
};

struct cg_go_symbolizer_arg {
    uintptr_t pc;
    const char *file;
    uintptr_t lineno;
    const char *func;
    uintptr_t entry;
    uintptr_t more;
    uintptr_t data;
};

void cg_go_traceback(void *p)
{
    struct cg_go_traceback_arg *arg = p;
    if (arg->max == 0) return;
    /* Without a signal context (a Go->C->Go call asking for a traceback) the
     * C frames between are not reported: the Go side already shows them as
     * the cgo call. */
    if (arg->sig_context == 0) {
        arg->buf[0] = 0;
        return;
    }
    uintptr_t frames[CG_FAULT_MAX_FRAMES];
    size_t max = arg->max < CG_FAULT_MAX_FRAMES ? (size_t)arg->max : CG_FAULT_MAX_FRAMES;
    size_t n = cg_crashguard_backtrace((const void *)arg->sig_context, frames, max);
    for (size_t i = 0; i < n; i++)
        /* Go wants the call instruction's pc, not the return address. */
        arg->buf[i] = i == 0 ? frames[i] : frames[i] - 1;
    if (n < arg->max) arg->buf[n] = 0;
}

enum { CG_GO_MAX_INLINE = 8 };

void cg_go_symbolizer(void *p)
{
    struct cg_go_symbolizer_arg *arg = p;
    if (arg->pc == 0) return; /* end of a traceback: nothing to release */
    cg_symbol syms[CG_GO_MAX_INLINE];
    size_t n = cg_crashguard_symbolize(arg->pc, syms, CG_GO_MAX_INLINE);
    size_t i = arg->more ? (size_t)arg->data : 0; /* which inlined level */
    if (i >= n) {
        arg->file = 0;
        arg->func = 0;
        arg->lineno = 0;
        arg->more = 0;
        arg->entry = 0;
        return;
    }
    arg->func = syms[i].function[0] ? syms[i].function : 0;
    arg->file = syms[i].file[0] ? syms[i].file : 0;
    arg->lineno = syms[i].line;
    arg->entry = 0;
    arg->more = i + 1 < n;
    arg->data = i + 1;
}
