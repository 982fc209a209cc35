/*
 * goroot.h: facts read from the installed Go's source tree ($GOROOT/src),
 * for findings that depend on the Go version in use.
 *
 * Since Go 1.23 the linker refuses a pull-style //go:linkname to a runtime
 * symbol unless the runtime itself marks that symbol with a one-argument
 * //go:linkname (a "push", cmd/link/internal/loader checkLinkname). Which
 * symbols are pushed changes between Go versions, so the answer comes from
 * the runtime sources of the Go that will build the program.
 */
#ifndef CG_GOROOT_H
#define CG_GOROOT_H

#include <stdbool.h>

#include "../discover/discover.h"

/* Does $goroot/src/runtime push `sym` (a name in package runtime, e.g.
 * "nanotime") in the files that build for target? Sets *file to the file
 * that does ("time_nofake.go", kept until exit). Returns false when it
 * does not or when the sources cannot be read; *readable tells which. The
 * table is read once per goroot and GOOS/GOARCH and shared by all threads. */
bool cg_goroot_runtime_pushes(const char *goroot, const cg_build_target *target, const char *sym,
                              const char **file, bool *readable);

#endif /* CG_GOROOT_H */
