#include <stdint.h>

void lib_register(void *ctx);
void lib_register_handle(uintptr_t h);
void lib_call_now(void *ctx);
