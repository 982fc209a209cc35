// CG011: a C signal handler (installed with sigaction for SIGUSR1) calls an
// exported Go function. The signal is sent to the main thread while it runs
// Go code (tgkill, so the thread is certain). The handler runs instead of
// the runtime's own, with the interrupted goroutine still current:
// crosscall2/cgocallback take it for a return from a cgo call that never
// happened, runtime.exitsyscall throws "exitsyscall: syscall frame is no
// longer valid", and since that throw starts on the signal stack, not on
// g0's, the runtime dies with "fatal error: morestack on g0".
package main

/*
#include <signal.h>
#include <string.h>
extern void goOnSignal(int);
static void on_usr1(int sig) {
	goOnSignal(sig); // want CG011
}
static int install(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_ONSTACK;
	return sigaction(SIGUSR1, &sa, NULL);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

var count int

//export goOnSignal
func goOnSignal(sig C.int) { count++ }

func main() {
	if C.install() != 0 {
		fmt.Println("sigaction failed")
		return
	}
	runtime.LockOSThread()
	syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), syscall.SIGUSR1)
	time.Sleep(100 * time.Millisecond)
	fmt.Println("not reached: handled", count, "signal(s)")
}
