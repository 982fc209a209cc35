// A callback registry: lib_register keeps its context pointer in a global
// for a later callback; lib_call_now only uses it during the call.
#include "lib.h"

static void *saved_ctx;
static uintptr_t saved_handle;

void lib_register(void *ctx) { saved_ctx = ctx; }

void lib_register_handle(uintptr_t h) { saved_handle = h; }

extern void goCallback(void *ctx);

void lib_call_now(void *ctx) { goCallback(ctx); }
