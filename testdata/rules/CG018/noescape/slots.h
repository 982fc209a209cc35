/* slots.h: declarations of slots.c for the CG018 fixture. */
#ifndef SLOTS_H
#define SLOTS_H
#include <stddef.h>

struct slot { void *p; };

void stash(void *p);
void stash_deep(void *p);
int *identity(int *p);
void attach(struct slot *s, void *p);
int sum(int *p, int n);
void copy_out(void *p, size_t n);
void stash_plain(void *p);

#endif
