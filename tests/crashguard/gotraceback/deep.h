/* deep.h: see deep.c. */
#ifndef GOTRACEBACK_DEEP_H
#define GOTRACEBACK_DEEP_H
void deep_outer(void);
#endif
