#include <stdlib.h>

typedef struct buffer {
    char *data;
    size_t len;
} buffer;

buffer *buffer_new(size_t len);
void buffer_release(char *data);
void buffer_destroy(buffer *b);
