/* frees.c: C functions of the CG016 fixture that take ownership of (free
 * or realloc) a pointer parameter, and look-alikes that do not. */
#include <stdlib.h>
#include <string.h>

#include "frees.h"

void buf_release(void *p) { free(p); }

static void drop(void *p) { free(p); }
static void drop_via(void *p) { drop(p); }
void buf_release_deep(void *p) { drop_via(p); }

char *buf_grow(char *p, size_t n) { return realloc(p, n); }

void node_free(struct node *n) {
	struct node *alias = n;
	free(alias);
}

int buf_sum(const unsigned char *p, size_t n) {
	int s = 0;
	for (size_t i = 0; i < n; i++) s += p[i];
	return s;
}

void buf_clear(void *p, size_t n) { memset(p, 0, n); }
