package cgoguard

/*
void cg_go_traceback(void *arg);
void cg_go_symbolizer(void *arg);
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

var tracebackOnce sync.Once

// InstallTraceback registers C traceback and symbolizer functions with
// runtime.SetCgoTraceback, so that when a signal arrives in C code called
// through cgo, Go's own crash traceback lists the C frames by function and
// file:line (for C compiled with debug info) instead of raw addresses.
//
// Call it early in main (or in an init function). It is idempotent. The
// symbolizer runs the llvm-addr2line (or addr2line) tool while Go prints the
// traceback; set CGOGUARD_SYMBOLIZER=off to disable that.
//
// InstallTraceback does not install the crash guard; see InstallCrashGuard.
func InstallTraceback() {
	tracebackOnce.Do(func() {
		runtime.SetCgoTraceback(0, unsafe.Pointer(C.cg_go_traceback), nil, unsafe.Pointer(C.cg_go_symbolizer))
	})
}
