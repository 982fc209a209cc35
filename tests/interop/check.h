/*
 * check.h: the assertion macro and small helpers shared by the interop unit
 * tests. A failed check prints file, line and the expression and exits 1, so
 * CTest shows exactly what broke.
 */
#ifndef CG_TEST_INTEROP_CHECK_H
#define CG_TEST_INTEROP_CHECK_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

#define CHECK_EQ(a, b)                                                                \
    do {                                                                              \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);               \
        if (check_a_ != check_b_) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n",         \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);                  \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

/* Sanitizer builds run a few times slower: scale stress loops down so that
 * every configuration stays within a few seconds. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define CG_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CG_TEST_SANITIZED 1
#endif
#endif
#ifndef CG_TEST_SANITIZED
#define CG_TEST_SANITIZED 0
#endif
#define STRESS_SCALE(n) (CG_TEST_SANITIZED ? (n) / 2 : (n))

static inline void start_threads(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t arg_size) {
    for (int i = 0; i < n; i++) CHECK(pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * arg_size) == 0);
}

static inline void join_threads(pthread_t *t, int n) {
    for (int i = 0; i < n; i++) CHECK(pthread_join(t[i], NULL) == 0);
}

#endif /* CG_TEST_INTEROP_CHECK_H */
