/*
 * cftest.h: the few assertion macros the C front-end's unit tests share.
 * A failed check prints file:line and the expression and marks the run
 * failed; the test keeps going so one run shows every broken expectation.
 */
#ifndef CG_CFTEST_H
#define CG_CFTEST_H

#include <stdio.h>
#include <string.h>

static int cftest_failures;
static int cftest_checks;

#define CHECK_MSG(cond, what)                                                          \
    do {                                                                               \
        cftest_checks++;                                                               \
        if (!(cond)) {                                                                 \
            cftest_failures++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                    (what));                                                           \
        }                                                                              \
    } while (0)
#define CHECK(cond) CHECK_MSG(cond, "")

#define CHECK_STR(actual, expected)                                                    \
    do {                                                                               \
        const char *cftest_a = (actual), *cftest_e = (expected);                       \
        cftest_checks++;                                                               \
        if (!cftest_a || strcmp(cftest_a, cftest_e) != 0) {                            \
            cftest_failures++;                                                         \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #actual, cftest_a ? cftest_a : "(null)", cftest_e);                \
        }                                                                              \
    } while (0)

#define RUN(test)                                                                      \
    do {                                                                               \
        int cftest_before = cftest_failures;                                           \
        test();                                                                        \
        fprintf(stderr, "%s %s\n", cftest_failures == cftest_before ? "ok  " : "FAIL", \
                #test);                                                                \
    } while (0)

static inline int cftest_finish(void) {
    fprintf(stderr, "%d checks, %d failed\n", cftest_checks, cftest_failures);
    return cftest_failures ? 1 : 0;
}

#endif /* CG_CFTEST_H */
