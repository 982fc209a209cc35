/* slots.h: C types and the C side of the CG004 fixture's callbacks. */
#ifndef SLOTS_H
#define SLOTS_H
#include <stddef.h>

struct slot { void *p; int n; };
typedef struct slot *slot_ptr;

void drive(void);

#endif
