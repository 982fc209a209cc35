/* impl.c: a .c file of the test package; _cgo_export.h is virtual. */
#include <stdlib.h>
#include "helper.h"
#include "_cgo_export.h"

static void *saved;

void keep(void *p, int n, struct node *np, int (*cb)(void *), unsigned long u, const char *s, ...) {
    (void)n; (void)np; (void)cb; (void)u; (void)s;
    saved = p;
    GoCallback(p);
}

int helper_fn(int *values, int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) sum += values[i];
    return sum;
}
