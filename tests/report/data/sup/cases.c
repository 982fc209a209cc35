/* Suppression cases in C for tests/report/report_test.c (line numbers matter). */
#include <stdlib.h>

static void *saved;

void keep(void *p) {
    /* cgoguard:ignore CG000 C block comment on the line above */
    saved = p;
    saved = p; /* cgoguard:ignore CG000 trailing C block comment */
    // cgoguard:ignore CG000 C line comment
    saved = p;
    /* cgoguard:ignore CG000 */
    saved = p;
    const char *s = "/* cgoguard:ignore CG000 in a C string */"; saved = (void *)s;
    /* The last line of this multi-line block comment is the directive:
     * cgoguard:ignore CG000 a line inside a multi-line block comment */
    saved = p;
}
