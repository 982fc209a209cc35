/*
 * test_arena.c: tests of the per-thread scratch arena (cgoguard/arena.h).
 *
 * Checks alignment, nested scopes and reset, exhaustion as a NULL result,
 * that the region is followed by a PROT_NONE guard page (read from
 * /proc/self/maps, and — outside sanitizer builds, whose SEGV handlers would
 * intercept it — by faulting on it in a child process), and that threads
 * using their arenas concurrently never see each other's memory.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgoguard/cgoguard.h" /* the umbrella header must compile on its own */
#include "check.h"

static void test_scopes(void) {
    CHECK(cg_scratch_alloc(8) == NULL); /* no open scope */
    cg_scratch_mark outer = cg_scratch_begin();
    CHECK(outer.depth == 1);
    char *a = cg_scratch_alloc(3);
    char *b = cg_scratch_alloc(1);
    CHECK(a && b);
    CHECK(((uintptr_t)a & 15) == 0 && ((uintptr_t)b & 15) == 0);
    CHECK(b >= a + 3);
    memset(a, 'x', 3);
    cg_scratch_mark inner = cg_scratch_begin();
    char *c = cg_scratch_strndup("hello", 5);
    CHECK(c && strcmp(c, "hello") == 0);
    cg_scratch_end(inner);
    char *d = cg_scratch_alloc(16);
    CHECK(d == c); /* the inner scope's memory is reused */
    cg_scratch_stats st;
    cg_scratch_get_stats(&st);
    CHECK_EQ(st.size, CG_SCRATCH_DEFAULT_SIZE);
    CHECK(st.used > 0 && st.high_water >= st.used);
    /* Ending the outer scope also closes any scope left open inside it. */
    (void)cg_scratch_begin();
    cg_scratch_end(outer);
    cg_scratch_get_stats(&st);
    CHECK_EQ(st.used, 0);
    CHECK(cg_scratch_alloc(1) == NULL);
    CHECK(cg_scratch_set_size(4096) == -1 && errno == EBUSY);
}

static void test_exhaustion(void) {
    cg_scratch_mark m = cg_scratch_begin();
    CHECK(cg_scratch_alloc(CG_SCRATCH_DEFAULT_SIZE + 1) == NULL);
    CHECK(cg_scratch_alloc(SIZE_MAX) == NULL);
    void *all = cg_scratch_alloc(CG_SCRATCH_DEFAULT_SIZE);
    CHECK(all != NULL);
    memset(all, 1, CG_SCRATCH_DEFAULT_SIZE); /* the whole region is writable */
    CHECK(cg_scratch_alloc(1) == NULL);
    cg_scratch_stats st;
    cg_scratch_get_stats(&st);
    CHECK_EQ(st.failed, 3);
    cg_scratch_end(m);
}

/* Finds the mapping that contains `addr` in /proc/self/maps and returns its
 * end and permissions. (The kernel merges an anonymous mapping with a
 * neighbour of the same permissions, so the region need not start one.) */
static bool find_mapping(uintptr_t addr, uintptr_t *end, char perms[5]) {
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    char line[512];
    bool found = false;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && lo <= addr && addr < hi) {
            *end = hi;
            memcpy(perms, p, 5);
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

static void test_guard_page(void) {
    cg_scratch_mark m = cg_scratch_begin();
    unsigned char *base = cg_scratch_alloc(1);
    cg_scratch_stats st;
    cg_scratch_get_stats(&st);
    uintptr_t end;
    char perms[5];
    /* The region is writable up to its end, and the page after it is not
     * accessible (the guard; a neighbouring guard may share its mapping). */
    CHECK(find_mapping((uintptr_t)base, &end, perms));
    CHECK(strncmp(perms, "rw", 2) == 0);
    CHECK_EQ(end, (uintptr_t)base + st.size);
    CHECK(find_mapping(end, &end, perms));
    CHECK(strncmp(perms, "---", 3) == 0);
    CHECK(end - ((uintptr_t)base + st.size) >= (uintptr_t)sysconf(_SC_PAGESIZE));
#if !CG_TEST_SANITIZED
    /* Writing one byte past the region kills the writer with SIGSEGV. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        base[st.size] = 1;
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
#endif
    cg_scratch_end(m);
}

enum { THREADS = 4 };

static void *use_arena(void *arg) {
    int id = (int)(intptr_t)arg;
    /* A thread may pick its size before first use. */
    CHECK(cg_scratch_set_size(0) == -1 && errno == EINVAL);
    CHECK(cg_scratch_set_size(64 * 1024 + 1) == 0);
    for (int round = 0; round < STRESS_SCALE(20000); round++) {
        cg_scratch_mark m = cg_scratch_begin();
        unsigned char *p = cg_scratch_alloc(100);
        unsigned char *q = cg_scratch_alloc(1000);
        CHECK(p && q);
        memset(p, id, 100);
        memset(q, id + 1, 1000);
        for (int i = 0; i < 100; i++) CHECK(p[i] == id);
        for (int i = 0; i < 1000; i += 37) CHECK(q[i] == id + 1);
        cg_scratch_end(m);
    }
    cg_scratch_stats st;
    cg_scratch_get_stats(&st);
    CHECK_EQ(st.size, 64 * 1024 + (size_t)sysconf(_SC_PAGESIZE)); /* rounded to pages */
    CHECK_EQ(st.used, 0);
    return NULL;
}

static void test_threads(void) {
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, use_arena, (void *)(intptr_t)(i * 2 + 1)) == 0);
    join_threads(th, THREADS);
}

int main(void) {
    test_scopes();
    test_exhaustion();
    test_guard_page();
    test_threads();
    puts("test_arena: ok");
    return 0;
}
