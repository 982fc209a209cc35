package cgoguard

/*
#include <cgoguard/crashguard.h>
*/
import "C"

// InstallCrashGuard installs libcgoguard's crash guard in this process
// ("linked-in" mode): SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT handlers
// on an alternate signal stack that write one report (signal, fault address
// and its classification, thread, registers, symbolized C backtrace) to
// stderr, and as JSON to the file named by CGOGUARD_REPORT, when C code
// crashes, and then pass the signal on to the Go runtime's handler, so Go's
// own traceback still follows. Faults in Go code are passed on untouched
// (a nil dereference stays a recoverable panic).
//
// Threads that C code creates later get no alternate signal stack unless
// they call cg_crashguard_thread_init; running the program with
// LD_PRELOAD=libcgoguard-preload.so (or under `cgoguard run`) covers them.
func InstallCrashGuard() error {
	if r, err := C.cg_crashguard_install(); r != 0 {
		return err
	}
	return nil
}
