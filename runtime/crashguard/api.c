/*
 * api.c: the crash guard's services for other reporters: the C backtrace of
 * a signal context and single-address symbolization, as used by the Go
 * binding's InstallTraceback (go/traceback.c) to put symbolized C frames into
 * Go's own crash traceback.
 */
#include "report.h"

#include <string.h>

size_t cg_crashguard_backtrace(const void *ucontext, uintptr_t *frames, size_t max)
{
    return cg_context_backtrace((const ucontext_t *)ucontext, frames, max);
}

enum { CG_API_MAX_INLINE = 8 };

/* The last symbolized pc and its locations: strings handed out point here. */
static uintptr_t cg_api_pc;
static size_t cg_api_count;
static cg_sym_frame cg_api_frames[CG_API_MAX_INLINE];

size_t cg_crashguard_symbolize(uintptr_t pc, cg_symbol *out, size_t max)
{
    static bool initialized;
    bool locked = cg_report_lock();
    if (!locked) return 0; /* re-entered from a crash inside symbolization */
    if (!initialized) {
        /* Linked in without cg_crashguard_install: find the tool now. */
        if (!cg_crashguard_active()) cg_symbolizer_init();
        initialized = true;
    }
    if (pc != cg_api_pc || cg_api_count == 0) {
        cg_api_count = cg_symbolize(&pc, 1, 1, cg_api_frames, CG_API_MAX_INLINE);
        cg_api_pc = pc;
        if (cg_api_count == 1 && !cg_api_frames[0].function[0] && !cg_api_frames[0].file[0]) cg_api_count = 0;
    }
    size_t n = cg_api_count < max ? cg_api_count : max;
    for (size_t i = 0; i < n; i++) {
        out[i].function = cg_api_frames[i].function;
        out[i].file = cg_api_frames[i].file;
        out[i].line = cg_api_frames[i].line;
    }
    cg_report_unlock();
    return n;
}
