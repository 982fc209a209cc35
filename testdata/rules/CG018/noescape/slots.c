/* slots.c: C functions of the CG018 fixture. The Go side declares some of
 * them noescape; stash*, identity and attach break that promise, sum and
 * copy_out keep it (they only use the pointer during the call). */
#include <string.h>

#include "slots.h"

static void *saved;
static char buf[32];

void stash(void *p) { saved = p; }
static void stash_inner(void *p) { saved = p; }
void stash_deep(void *p) { stash_inner(p); }
int *identity(int *p) { return p; }
void attach(struct slot *s, void *p) { s->p = p; }
int sum(int *p, int n) { int t = 0; for (int i = 0; i < n; i++) t += p[i]; return t; }
void copy_out(void *p, size_t n) { memcpy(buf, p, n < sizeof buf ? n : sizeof buf); }
void stash_plain(void *p) { saved = p; }
