/* frees.h: declarations of frees.c for the CG016 fixture. */
#include <stddef.h>

struct node { int value; struct node *next; };

void buf_release(void *p);
void buf_release_deep(void *p);
char *buf_grow(char *p, size_t n);
void node_free(struct node *n);
int buf_sum(const unsigned char *p, size_t n);
void buf_clear(void *p, size_t n);
