// Package cgoguard is the Go binding of libcgoguard's safe-interop
// primitives: the patterns that `cgoguard scan` findings point to.
//
//   - [Mailbox]: C threads post events by copying bytes into a bounded,
//     lock-free queue; one goroutine receives them in batches. Use it instead
//     of calling an //export function from a thread that C created (CG017)
//     when that thread must not wait for Go: such a callback works (and on
//     Go 1.21+ repeated calls cost 55-210 ns), but it runs Go code on the C
//     thread, which then waits for as long as the Go runtime needs (a free P,
//     a garbage-collection phase, the handler itself). It is a trade:
//     bench/interop measured a post's p99.9 128-228x below a callback's
//     under GC load, while the handler starts later at the median (58-75 µs
//     against ~0.1 µs: the receiving goroutine has to be woken) and, counted
//     from the post, 1.6-3.7x later at p99.9 under GC load (see the README
//     for the tails and the throughput).
//   - [HandleTable]: 64-bit, generation-checked handles for C objects, with
//     acquire/release so that a finalizer cannot free an object under a
//     running C callback (CG015, CG020). Stale and double-freed handles are
//     errors, never use-after-free.
//   - [Snapshot]: an immutable, reference-counted copy of a Go
//     map[string]string, map[string]int64 or []string in C memory, with O(1)
//     lookups from C (cg_snapshot_get), so C never keeps a Go pointer (CG005).
//   - [WithScratch]: a per-thread bump arena for temporary C buffers during a
//     cgo call, with a guard page at its end.
//
// It also installs libcgoguard's crash guard from Go:
//
//   - [InstallCrashGuard]: SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGABRT handlers on an
//     alternate stack that report a crash in C code (fault classification,
//     thread, registers, a C backtrace with function and file:line) and then
//     chain to the Go runtime's handler, so Go's own traceback still follows.
//     Without recompiling, LD_PRELOAD=libcgoguard-preload.so does the same
//     (and `cgoguard run` sets it up).
//   - [InstallTraceback]: registers runtime.SetCgoTraceback so that Go's crash
//     tracebacks list the C frames too.
//
// # cgo.Handle or HandleTable?
//
// They solve opposite directions.
//
// Use runtime/cgo.Handle to give C an opaque reference to a Go value that C
// hands back to Go later (a callback context). C cannot look inside it; only
// Go can, through Handle.Value. A deleted or forged cgo.Handle makes Value
// and Delete panic, and nothing stops a Delete while a callback still runs.
//
// Use a HandleTable when the object lives in C memory (a C struct, a
// library context) and Go — or other C code — must refer to it without
// holding the raw pointer. Lookups happen in C (cg_handle_acquire, lock-free,
// no Go involved), a stale or double-freed handle is reported as ErrStale
// instead of a crash or a use-after-free, and Acquire/Release keep the
// object alive while a call uses it even if its owner frees the handle at the
// same moment: the destructor runs at the last Release.
//
// # Getting the package
//
// The module path is github.com/cgoguard/cgoguard/go: the go/ directory of
// the cgoguard repository (github.com/cgoguard/cgoguard), tagged go/vX.Y.Z.
// Until that repository is published, use the copy an installation of
// libcgoguard carries: `cmake --install` puts this module's sources under
// <prefix>/share/cgoguard/go, and a go.mod line points the module there:
//
//	require github.com/cgoguard/cgoguard/go v0.0.0
//	replace github.com/cgoguard/cgoguard/go => /usr/local/share/cgoguard/go
//
// # Linking
//
// The package links libcgoguard statically by default, through
// `#cgo pkg-config: --static cgoguard-static` (libcgoguard.a), so a program
// needs no libcgoguard.so at run time. Build with -tags cgoguard_dynamic to
// link the shared library instead (cgoguard.pc, which embeds an rpath). C
// code of your own that calls libcgoguard directly uses the same pkg-config
// line. pkg-config finds an installation in a standard prefix by itself;
// otherwise set PKG_CONFIG_PATH to <prefix>/lib/pkgconfig, or to
// <build>/pkgconfig for a build tree (its -uninstalled.pc files point into
// the tree).
package cgoguard
