/*
 * run_rules.c: the one table that maps what a failing Go program shows at
 * run time to the rule ids of the static analyzer, so that `cgoguard run`
 * and `cgoguard scan` speak the same language.
 *
 * Go runtime texts are substrings of the messages built in
 * /usr/local/go/src/runtime/cgocall.go (cgoFormatErr), cgocheck.go
 * (cgoWriteBarrierFail) and cgocall.go's nocallback check; the wording
 * changed across Go versions, so each rule lists the variants it is known
 * by. Crash kinds are the crash guard's (runtime/crashguard/report.c) and
 * the guarded allocator's (runtime/galloc) `kind` strings.
 */
#include "run/run.h"

#include <string.h>

static const cg_run_signature cg_run_signatures[] = {
    /* CG001: a Go pointer to unpinned Go memory passed to C. */
    {CG_RUN_GO_OUTPUT, "argument of cgo function has Go pointer to unpinned Go", "CG001", "go-pointer-to-go-pointer",
     "Go 1.26+ runtime/cgocall.go cgoFormatErr"},
    {CG_RUN_GO_OUTPUT, "cgo argument has Go pointer to unpinned Go pointer", "CG001", "go-pointer-to-go-pointer",
     "Go 1.21-1.25 runtime/cgocall.go (checked in the 1.24 and 1.25 sources)"},
    {CG_RUN_GO_OUTPUT, "cgo argument has Go pointer to Go pointer", "CG001", "go-pointer-to-go-pointer",
     "Go <= 1.20 runtime/cgocall.go"},
    /* CG002: a Go pointer written into C memory (cgocheck2 write barrier). */
    {CG_RUN_GO_OUTPUT, "unpinned Go pointer stored into non-Go memory", "CG002", "go-pointer-in-c-memory",
     "Go 1.21+ runtime/cgocheck.go cgoWriteBarrierFail"},
    {CG_RUN_GO_OUTPUT, "Go pointer stored into non-Go memory", "CG002", "go-pointer-in-c-memory",
     "Go <= 1.20 runtime/cgocheck.go"},
    /* CG003: an exported Go function returned a Go pointer to C. */
    {CG_RUN_GO_OUTPUT, "called from cgo is unpinned Go", "CG003", "export-returns-go-pointer",
     "Go 1.26+ runtime/cgocall.go cgoFormatErr (cgoResultFail)"},
    {CG_RUN_GO_OUTPUT, "cgo result is unpinned Go pointer or points to unpinned Go pointer", "CG003",
     "export-returns-go-pointer", "Go 1.21-1.25 runtime/cgocall.go (checked in the 1.24 and 1.25 sources)"},
    {CG_RUN_GO_OUTPUT, "cgo result has Go pointer", "CG003", "export-returns-go-pointer",
     "Go <= 1.20 runtime/cgocall.go"},
    /* CG019: a C function marked #cgo nocallback called back into Go. */
    {CG_RUN_GO_OUTPUT, "function marked with #cgo nocallback called back into Go", "CG019", "nocallback-broken",
     "Go 1.24+ runtime/cgocall.go cgocallbackg (checked in the 1.24 source)"},
    /* Crash guard / guarded allocator kinds. */
    {CG_RUN_CRASH_KIND, "heap-use-after-free", "CG009", "c-memory-use-after-free", "runtime/galloc"},
    {CG_RUN_CRASH_KIND, "double-free", "CG009", "c-memory-use-after-free", "runtime/galloc"},
    /* CG016: C freed memory malloc never returned; in a cgo program that is
     * typically Go memory. (The guarded allocator's own invalid-free only
     * covers interior pointers of its C blocks: a C bug with no rule.) */
    {CG_RUN_GO_OUTPUT, "free(): invalid pointer", "CG016", "c-frees-go-memory",
     "glibc malloc: free of a pointer it never returned (for example Go memory)"},
    {CG_RUN_GO_OUTPUT, "munmap_chunk(): invalid pointer", "CG016", "c-frees-go-memory",
     "glibc malloc: free of a pointer it never returned (for example Go memory)"},
};

size_t cg_run_signature_count(void) { return sizeof cg_run_signatures / sizeof cg_run_signatures[0]; }

const cg_run_signature *cg_run_signature_at(size_t index)
{
    return index < cg_run_signature_count() ? &cg_run_signatures[index] : NULL;
}

const cg_run_signature *cg_run_match_output(const char *output)
{
    if (!output) return NULL;
    for (size_t i = 0; i < cg_run_signature_count(); i++) {
        const cg_run_signature *s = &cg_run_signatures[i];
        if (s->evidence == CG_RUN_GO_OUTPUT && strstr(output, s->text)) return s;
    }
    return NULL;
}

const cg_run_signature *cg_run_match_crash_kind(const char *kind)
{
    if (!kind) return NULL;
    for (size_t i = 0; i < cg_run_signature_count(); i++) {
        const cg_run_signature *s = &cg_run_signatures[i];
        if (s->evidence == CG_RUN_CRASH_KIND && strcmp(kind, s->text) == 0) return s;
    }
    return NULL;
}
