/* keep.h: declarations of keep.c for the CG005 fixture. */
#ifndef KEEP_H
#define KEEP_H
#include <stddef.h>

struct box { void *p; int n; };

void keep(void *p);
void keep_3(void *p);
void keep_2(void *p);
void keep_chain(void *p);
void keep_boxed(int *p);
void box_set(struct box *b, void *p);
int sum(int *p, int n);
void copy_in(void *p, size_t n);
void release(void);
void keep_bytes(void *p);
void keep_interior(int *p);
void start_worker(void *p);

#endif
