// Positive cases for CG011: signal handlers installed by C that call an
// exported Go function, directly or through other C functions.
package basic

/*
#include <signal.h>
#include <string.h>
extern void goOnSignal(int);
extern void goReload(void);

static void on_term(int sig) { goOnSignal(sig); } // want CG011

static void reload_config(void) { goReload(); }
static void dispatch(int sig) { if (sig == SIGHUP) reload_config(); }
static void on_hup(int sig) { dispatch(sig); } // want CG011

static void on_info(int sig, siginfo_t *info, void *uctx) {
	(void)info; (void)uctx;
	goOnSignal(sig); // want CG011
}

static void install(void) {
	signal(SIGTERM, on_term);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGHUP, &sa, NULL);
	struct sigaction si;
	memset(&si, 0, sizeof si);
	si.sa_sigaction = on_info;
	si.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR2, &si, NULL);
}

// Through a wrapper that installs whatever handler it is given.
static void on_quit(int sig) { goOnSignal(sig); } // want CG011
static void install_handler(int sig, void (*h)(int)) { signal(sig, h); }
static void install_quit(void) { install_handler(SIGQUIT, on_quit); }

void install_from_file(void); // handlers.c
*/
import "C"

var signals int

//export goOnSignal
func goOnSignal(sig C.int) { signals++ }

//export goReload
func goReload() { signals = 0 }

func setup() {
	C.install()
	C.install_from_file()
	C.install_quit()
}
