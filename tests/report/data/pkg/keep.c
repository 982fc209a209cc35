/* The C half of the golden package: keeps a pointer for later. */
#include <stdlib.h>

static void *saved;

void keep(void *p) { saved = p; }

void call_later(void) {
	/* reads Go memory after the call that passed it returned */
	(void)*(char *)saved;
}
