// A small C library whose release functions free what they are given: the
// C summaries see that buffer_release frees its parameter (through a helper)
// and buffer_destroy frees its parameter.
#include "lib.h"

buffer *buffer_new(size_t len) {
    buffer *b = malloc(sizeof *b);
    b->data = calloc(len, 1);
    b->len = len;
    return b;
}

static void release_bytes(char *p) { free(p); }

void buffer_release(char *data) { release_bytes(data); }

void buffer_destroy(buffer *b) {
    free(b->data);
    free(b);
}
