/* deep.c: a C call chain that crashes two frames below the cgo call, for
 * the InstallTraceback test (main.go). Lines carry CG-LINE markers. */
#include "deep.h"

static volatile int *volatile null_ptr;

__attribute__((noinline)) static void deep_fault(void)
{
    *null_ptr = 5; /* CG-LINE(fault) */
}

__attribute__((noinline)) void deep_outer(void)
{
    deep_fault(); /* CG-LINE(outer) */
    null_ptr = 0;
}
