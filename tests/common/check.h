/*
 * check.h: the assertions of the C unit tests. A failed check prints file,
 * line and the expression. By default it exits 1 at once (runtime
 * components: a failed check often leaves state that later checks would trip
 * over). A test that defines CG_CHECK_CONTINUE before including this file
 * counts failures in check_failures instead and goes on, reporting them all;
 * its main returns non-zero when check_failures is. Also says whether the test
 * runs under a sanitizer, whose builds are several times slower.
 */
#ifndef CG_TEST_COMMON_CHECK_H
#define CG_TEST_COMMON_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#ifdef CG_CHECK_CONTINUE
static int check_failures;
#define CG_CHECK_FAILED() (check_failures++)
#else
#define CG_CHECK_FAILED() exit(1)
#endif

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            CG_CHECK_FAILED();                                                       \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                               \
    do {                                                                             \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);              \
        if (check_a_ != check_b_) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n",        \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);                 \
            CG_CHECK_FAILED();                                                       \
        }                                                                            \
    } while (0)

/* CG_TEST_TSAN / CG_TEST_SANITIZED are defined (as 1) only in those builds. */
#if defined(__SANITIZE_THREAD__)
#define CG_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CG_TEST_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(CG_TEST_TSAN)
#define CG_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CG_TEST_SANITIZED 1
#endif
#endif

/* Stress loops run half as long under a sanitizer, so every configuration
 * stays within a few seconds. */
#ifdef CG_TEST_SANITIZED
#define STRESS_SCALE(n) ((n) / 2)
#else
#define STRESS_SCALE(n) (n)
#endif

#endif /* CG_TEST_COMMON_CHECK_H */
