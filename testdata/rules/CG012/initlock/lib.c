// A GL-like context bound to the thread that made it current.
#include "lib.h"

static _Thread_local int has_context;

void gl_make_current(void) { has_context = 1; }

void gl_draw(void) {
    if (!has_context) return; /* another thread: the draw is lost */
}
