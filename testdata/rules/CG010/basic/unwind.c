/* A .c file of the fixture package: the sigsetjmp/siglongjmp variant, with
 * the exported Go function called after the sigsetjmp. */
#include <setjmp.h>

#include "_cgo_export.h"

static sigjmp_buf sig_env;

int run_sig_protected(void) {
    if (sigsetjmp(sig_env, 1)) /* want CG010 */
        return -1;
    goSigStep();
    return 0;
}

void abort_sig(void) { siglongjmp(sig_env, 1); }
