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

#include "../common/check.h"

static inline void start_threads(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t arg_size) {
    for (int i = 0; i < n; i++) CHECK(pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * arg_size) == 0);
}

static inline void join_threads(pthread_t *t, int n) {
    for (int i = 0; i < n; i++) CHECK(pthread_join(t[i], NULL) == 0);
}

#endif /* CG_TEST_INTEROP_CHECK_H */
