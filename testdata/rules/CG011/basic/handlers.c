/* A .c file of the fixture package: a handler that calls Go, installed with
 * signal(2) from a function Go calls. */
#include <signal.h>

#include "_cgo_export.h"

static void on_usr1(int sig) {
    goOnSignal(sig); /* want CG011 */
}

void install_from_file(void) { signal(SIGUSR1, on_usr1); }
