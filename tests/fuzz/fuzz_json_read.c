/*
 * fuzz_json_read.c: libFuzzer target for the JSON reader behind --baseline
 * (src/report/json_read.h): any bytes must parse or fail with a message,
 * never crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_read.h"

/* Walks the whole document so every value the reader built is touched. */
static size_t touch(const cg_jvalue *v, int depth) {
    if (!v || depth > 200) return 0;
    size_t n = 1 + (v->text ? strlen(v->text) : 0);
    for (size_t i = 0; i < v->count; i++) {
        n += touch(v->items[i], depth + 1);
        if (v->keys) n += strlen(v->keys[i]) + (cg_jvalue_get(v, v->keys[i]) != NULL);
    }
    return n + (cg_jvalue_at(v, 0) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cg_jdoc doc;
    char *err = NULL;
    if (cg_jdoc_parse((const char *)data, size, &doc, &err) == CG_OK) {
        volatile size_t n = touch(doc.root, 0);
        (void)n;
        cg_jdoc_free(&doc);
    } else {
        if (!err) abort(); /* a failure always says why */
        free(err);
    }
    return 0;
}
