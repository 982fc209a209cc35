/*
 * gofacts.h: what the analysed Go version changes for the rules, in one
 * place. A version is the minor number N of Go 1.N; 0 means unknown, which
 * gets the latest semantics (the installed Go is usually the latest).
 * Each fact names the release that brought it and is backed by a
 * reproduction under testdata/repro or a rule doc that cites the source.
 */
#ifndef CG_GOFACTS_H
#define CG_GOFACTS_H

#include <stdbool.h>

/* runtime.Pinner (Go 1.21): a pinned Go pointer may be stored in C memory
 * or kept by C; the checks' messages say "unpinned" since. */
bool cg_go_has_pinner(unsigned go_minor);

/* The full pointer-write check: GOEXPERIMENT=cgocheck2 at build time since
 * Go 1.21, GODEBUG=cgocheck=2 at run time before. For messages. */
const char *cg_go_cgocheck2_how(unsigned go_minor);

/* #cgo noescape / nocallback (Go 1.24): cmd/cgo rejects them before. Only
 * noescape together with nocallback lets an argument stay on the stack
 * (cmd/cgo/out.go replaces _Cgo_use by _Cgo_keepalive only then). */
bool cg_go_has_cgo_directives(unsigned go_minor);

/* The runtime's panic for a result of an //export that holds an unpinned Go
 * pointer: Go 1.26 names the function; 1.21-1.25 print a fixed text. The
 * function name is the export's Go name. Arena-free: returns a static text
 * or writes into buf. */
const char *cg_go_export_result_panic(unsigned go_minor, const char *function, char *buf, unsigned size);

/* Since Go 1.23 the linker refuses //go:linkname references to runtime
 * symbols that the runtime does not push itself. */
bool cg_go_linker_checks_linkname(unsigned go_minor);

/* The fix advice for keeping a Go pointer where C holds it: "pin <object>
 * with runtime.Pinner <duration>", or, before Go 1.21, that there is no
 * Pinner. */
const char *cg_go_pin_advice(unsigned go_minor, const char *object, const char *duration, char *buf, unsigned size);

#endif /* CG_GOFACTS_H */
