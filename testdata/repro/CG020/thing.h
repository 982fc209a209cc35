/* A C "library" object whose release is observable: thing_free marks the
 * object destroyed instead of freeing it (a canary), so a use after the
 * release is detected deterministically instead of reading freed memory. */
#ifndef REPRO_THING_H
#define REPRO_THING_H

typedef struct thing {
    int id;
    int destroyed;
} thing;

thing *thing_new(int id);
void thing_free(thing *t);
/* A slow call: calls back into Go (which forces a collection), then keeps
 * using t for up to five seconds. Returns 1 when t was released meanwhile. */
int thing_do(thing *t);

#endif
