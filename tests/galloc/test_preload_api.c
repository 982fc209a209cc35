/*
 * test_preload_api.c: the malloc family as interposed by
 * libcgoguard-preload.so, in a plain C program that knows nothing of
 * cgoguard (it finds cg_galloc_owns with dlsym, to tell guarded blocks from
 * glibc's).
 *
 * Run under LD_PRELOAD with CGOGUARD_SAMPLE=1 (every function must return a
 * guarded block honouring its contract), with CGOGUARD_SAMPLE=0 (none may),
 * and with CGOGUARD_SAMPLE=3, where guarded and glibc blocks mix: realloc
 * moves data between the two allocators and every free must go to the one
 * that owns the pointer (glibc aborts on a pointer it does not own, the
 * allocator reports an invalid free), thousands of times.
 *
 *   test_preload_api all|none|mixed
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static bool (*owns)(const void *);

/* Every result is checked for its contract, then against the mode. */
static void expect(const void *p, bool guarded) {
    CHECK(p != NULL);
    if (guarded != owns(p)) {
        fprintf(stderr, "%p: guarded %d, want %d\n", p, owns(p), guarded);
        CHECK(false);
    }
}

static void contracts(bool guarded) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    char *m = malloc(100);
    expect(m, guarded);
    memset(m, 'm', 100);
    CHECK(malloc_usable_size(m) >= 100);
    if (guarded) CHECK_EQ(malloc_usable_size(m), 100);

    int *c = calloc(25, sizeof(int));
    expect(c, guarded);
    for (int i = 0; i < 25; i++) CHECK_EQ(c[i], 0);

    char *r = realloc(m, 300);
    expect(r, guarded);
    for (int i = 0; i < 100; i++) CHECK(r[i] == 'm');

    char *ra = reallocarray(NULL, 10, 10);
    expect(ra, guarded);
    /* Through a volatile count: the compiler would reject the overflow. */
    volatile size_t huge = SIZE_MAX / 2;
    errno = 0;
    CHECK(reallocarray(ra, huge, 4) == NULL && errno == ENOMEM);

    void *pm = NULL;
    CHECK_EQ(posix_memalign(&pm, 64, 200), 0);
    expect(pm, guarded);
    CHECK_EQ((uintptr_t)pm % 64, 0);
    CHECK_EQ(posix_memalign(&pm, 3, 10), EINVAL);

    void *aa = aligned_alloc(128, 256);
    expect(aa, guarded);
    CHECK_EQ((uintptr_t)aa % 128, 0);

    void *ma = memalign(32, 40);
    expect(ma, guarded);
    CHECK_EQ((uintptr_t)ma % 32, 0);

    void *va = valloc(10);
    expect(va, guarded);
    CHECK_EQ((uintptr_t)va % page, 0);

    void *pv = pvalloc(10);
    expect(pv, guarded);
    CHECK_EQ((uintptr_t)pv % page, 0);
    CHECK(malloc_usable_size(pv) >= page);

    char *dup = strdup("made by glibc's strdup, freed by our free");
    expect(dup, guarded);

    CHECK(realloc(c, 0) == NULL); /* frees, like glibc */
    free(r);
    free(ra);
    free(pm);
    free(aa);
    free(ma);
    free(va);
    free(pv);
    free(dup);
    free(NULL);
}

/* Guarded and glibc blocks interleaved, moved across by realloc. */
static void mixed(void) {
    enum { N = 256 };
    char *blocks[N] = {0};
    size_t sizes[N] = {0};
    int guarded = 0, plain = 0;
    uint64_t rng = 88172645463325252ull;
    for (int it = 0; it < 20000; it++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        int i = (int)(rng % N);
        size_t size = 1 + (rng >> 20) % 2000;
        if (blocks[i] != NULL)
            for (size_t k = 0; k < sizes[i]; k++) CHECK(blocks[i][k] == (char)(i + k));
        switch ((rng >> 40) % 3) {
        case 0:
            free(blocks[i]);
            blocks[i] = malloc(size);
            break;
        case 1: {
            char *q = realloc(blocks[i], size);
            CHECK(q != NULL);
            blocks[i] = q;
            break;
        }
        default:
            free(blocks[i]);
            blocks[i] = calloc(1, size);
        }
        CHECK(blocks[i] != NULL);
        sizes[i] = size;
        for (size_t k = 0; k < size; k++) blocks[i][k] = (char)(i + k);
        if (owns(blocks[i])) guarded++;
        else plain++;
    }
    for (int i = 0; i < N; i++) free(blocks[i]);
    /* One in three sampled: both allocators must have served plenty. */
    CHECK(guarded > 2000 && plain > 2000);
}

int main(int argc, char **argv) {
    owns = (bool (*)(const void *))dlsym(RTLD_DEFAULT, "cg_galloc_owns");
    if (owns == NULL) {
        fprintf(stderr, "run me with LD_PRELOAD=libcgoguard-preload.so\n");
        return 2;
    }
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "all") == 0) contracts(true);
    else if (strcmp(mode, "none") == 0) contracts(false);
    else if (strcmp(mode, "mixed") == 0) mixed();
    else return 2;
    printf("preload api %s: ok\n", mode);
    return 0;
}
