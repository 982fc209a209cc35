/* The C side of the CG003 reproduction: calls the exported Go function. */
#include "_cgo_export.h"

int call_counter(void) {
    int *counter = newCounter();
    return counter != 0;
}
