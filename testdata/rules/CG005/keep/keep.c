/* keep.c: C helpers for the CG005 fixture: some keep their pointer
 * parameter after returning, some only read it or copy the data out. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keep.h"

static void *kept_ptr;
static struct box *registry;
static char copy_buf[64];

/* Direct keep in a static. */
void keep(void *p) { kept_ptr = p; }
/* Keep through a chain of three calls. */
void keep_3(void *p) { keep(p); }
void keep_2(void *p) { keep_3(p); }
void keep_chain(void *p) { keep_2(p); }
/* Keep through a field of malloc'd memory that is itself kept. */
void keep_boxed(int *p) {
	struct box *b = malloc(sizeof *b);
	b->p = p;
	registry = b;
}
/* Store into the object another parameter points to. */
void box_set(struct box *b, void *p) { b->p = p; }
/* Only read during the call. */
int sum(int *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
/* Copy the data out into C memory. */
void copy_in(void *p, size_t n) { memcpy(copy_buf, p, n < sizeof copy_buf ? n : sizeof copy_buf); }
void release(void) { kept_ptr = NULL; }
/* Keep a copy made by memcpy, and a derived pointer. */
void keep_bytes(void *p) { memcpy(&kept_ptr, &p, sizeof p); }
void keep_interior(int *p) { kept_ptr = (char *)p + 4; }
/* Hand the pointer to a new thread that uses it after the call returns. */
static void *worker(void *arg) { return arg; }
void start_worker(void *p) {
	pthread_t t;
	pthread_create(&t, NULL, worker, p);
	pthread_detach(t);
}
