/*
 * gofacts.c: the Go-version facts of gofacts.h.
 */
#include "gofacts.h"

#include <stdio.h>

static bool at_least(unsigned go_minor, unsigned n) { return go_minor == 0 || go_minor >= n; }

bool cg_go_has_pinner(unsigned go_minor) { return at_least(go_minor, 21); }

const char *cg_go_cgocheck2_how(unsigned go_minor) {
    return at_least(go_minor, 21) ? "a GOEXPERIMENT=cgocheck2 build" : "GODEBUG=cgocheck=2";
}

bool cg_go_has_cgo_directives(unsigned go_minor) { return at_least(go_minor, 24); }

const char *cg_go_export_result_panic(unsigned go_minor, const char *function, char *buf, unsigned size) {
    if (!at_least(go_minor, 26)) return "cgo result is unpinned Go pointer or points to unpinned Go pointer";
    snprintf(buf, size, "result of Go function %s called from cgo is unpinned Go ...", function);
    return buf;
}

bool cg_go_linker_checks_linkname(unsigned go_minor) { return at_least(go_minor, 23); }

const char *cg_go_pin_advice(unsigned go_minor, const char *object, const char *duration, char *buf, unsigned size) {
    if (!cg_go_has_pinner(go_minor))
        return "upgrade to Go 1.21+ for runtime.Pinner (the analysed Go version has none)";
    snprintf(buf, size, "pin %s with runtime.Pinner %s", object, duration);
    return buf;
}
