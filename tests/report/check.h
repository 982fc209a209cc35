/*
 * check.h: the few assertion macros the report tests share. A failed CHECK
 * prints file, line and the expression and marks the case failed; the case
 * keeps going so one run shows every broken expectation.
 */
#ifndef CG_TEST_CHECK_H
#define CG_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#define CG_CHECK_CONTINUE
#include "../common/check.h"

#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *a_ = (a), *b_ = (b);                                                     \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                             \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
                    __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");         \
            CG_CHECK_FAILED();                                                               \
        }                                                                                    \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (!h_ || !strstr(h_, n_)) {                                                      \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s lacks \"%s\"\n--- text:\n%s\n---\n", \
                    __FILE__, __LINE__, #hay, n_, h_ ? h_ : "(null)");                     \
            CG_CHECK_FAILED();                                                             \
        }                                                                                  \
    } while (0)

#endif /* CG_TEST_CHECK_H */
