// Look-alike safe cases for CG011: they must stay silent.
package basic

/*
#include <signal.h>
#include <string.h>
#include <unistd.h>
extern void goDrain(int);

static int wake_fd = -1;
static volatile sig_atomic_t got_signal;

// safe: the self-pipe trick: the handler only write(2)s a byte; a goroutine reads the pipe.
static void on_alarm(int sig) { char b = (char)sig; (void)!write(wake_fd, &b, 1); }

// safe: the handler only sets a volatile sig_atomic_t that Go polls.
static void on_winch(int sig) { (void)sig; got_signal = 1; }

// safe: calls Go, but runs from a normal C call, not from a signal handler.
static void drain_now(int n) { goDrain(n); }

static void remember(int sig) { got_signal = sig; }
// safe: a handler whose helper only stores the signal number.
static void on_cont(int sig) { remember(sig); }

static void install_safe(int fd) {
	wake_fd = fd;
	signal(SIGALRM, on_alarm);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGWINCH, &sa, NULL);
	signal(SIGCONT, on_cont);
}
static int pending(void) { int s = got_signal; got_signal = 0; return s; }
*/
import "C"

var drained int

//export goDrain
func goDrain(n C.int) { drained += int(n) }

func poll(fd int) {
	C.install_safe(C.int(fd))
	if C.pending() != 0 {
		C.drain_now(1)
	}
}
