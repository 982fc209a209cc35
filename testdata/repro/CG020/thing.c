/* The C side of the CG020 reproduction (see thing.h). */
#include "thing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "_cgo_export.h"

thing *thing_new(int id) {
    thing *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->id = id;
    return t;
}

/* Never freed: the memory stays valid so the canary can be read later. */
void thing_free(thing *t) { __atomic_store_n(&t->destroyed, 1, __ATOMIC_SEQ_CST); }

int thing_do(thing *t) {
    goCollect(); /* what any callback that allocates may trigger: a GC cycle */
    for (int i = 0; i < 500; i++) {
        if (__atomic_load_n(&t->destroyed, __ATOMIC_SEQ_CST)) {
            fprintf(stderr, "use after free: thing %d was released by its finalizer while thing_do was using it\n",
                    t->id);
            fflush(stderr);
            return 1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}
