/*
 * galloc_bench.c: allocation throughput of a malloc-heavy C workload under
 * the guarded allocator, against glibc's malloc alone.
 *
 * The workload keeps a working set of 4096 blocks and replaces a random one
 * at every step (malloc of 16..1024 bytes, filled with memset, free of the
 * block it replaces, after reading two of its bytes), with a realloc or
 * calloc every few steps, like a parser or a message router: one malloc and
 * one free every ~45 ns, allocation-bound. The program runs itself as a
 * child in each configuration:
 *   none      no preload: glibc's allocator
 *   sample=0  LD_PRELOAD=libcgoguard-preload.so, CGOGUARD_SAMPLE=0: the
 *             cost of the interposers alone
 *   default   LD_PRELOAD=..., default sampling rate
 *   sample=1  LD_PRELOAD=..., CGOGUARD_SAMPLE=1: every allocation guarded
 *             (far slower: two syscalls and two stack captures per block;
 *             it runs fewer steps)
 * Each configuration runs several times, alternating, and the median
 * throughput (steps per second of CPU time) is printed with the slowdown
 * against "none".
 *
 *   galloc_bench [steps] [runs]
 *   galloc_bench --child steps      (one measurement, prints Mops/s)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgoguard/galloc.h"

#ifndef CG_PRELOAD_PATH
#error "CG_PRELOAD_PATH must name libcgoguard-preload.so"
#endif

enum { WORKING_SET = 4096 };

/* CPU time of this thread (user + system, so the syscalls of guarded blocks
 * count): on a machine shared with other work it is far steadier than wall
 * time, and the workload is single-threaded and never sleeps. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_random(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Returns steps per second; the checksum keeps the work observable. */
static double workload(long steps, unsigned long *checksum) {
    static unsigned char *set[WORKING_SET];
    static size_t sizes[WORKING_SET];
    uint64_t rng = 0x2545f4914f6cdd1dull;
    unsigned long sum = 0;
    double start = now();
    for (long i = 0; i < steps; i++) {
        size_t slot = next_random(&rng) % WORKING_SET;
        size_t size = 16 + next_random(&rng) % 1009;
        unsigned char *p;
        switch (i & 15) {
        case 7:
            p = set[slot] ? realloc(set[slot], size) : malloc(size);
            set[slot] = NULL;
            break;
        case 13:
            p = calloc(1, size);
            break;
        default:
            p = malloc(size);
        }
        if (p == NULL) abort();
        /* A program allocates memory to use it: fill the block. */
        memset(p, (int)(i & 0xff), size);
        p[size - 1] = (unsigned char)size;
        if (set[slot]) {
            sum += set[slot][0] + set[slot][sizes[slot] - 1];
            free(set[slot]);
        }
        set[slot] = p;
        sizes[slot] = size;
    }
    double elapsed = now() - start;
    for (size_t i = 0; i < WORKING_SET; i++) {
        free(set[i]);
        set[i] = NULL;
    }
    *checksum = sum;
    return (double)steps / elapsed;
}

/* Runs this program as a child in one configuration; returns Msteps/s. */
static double measure(const char *self, const char *preload, const char *sample, long steps) {
    int fds[2];
    if (pipe(fds) != 0) abort();
    pid_t pid = fork();
    if (pid < 0) abort();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        unsetenv("LD_PRELOAD");
        unsetenv("CGOGUARD_SAMPLE");
        if (preload) setenv("LD_PRELOAD", preload, 1);
        if (sample) setenv("CGOGUARD_SAMPLE", sample, 1);
        char arg[32];
        snprintf(arg, sizeof arg, "%ld", steps);
        execl(self, self, "--child", arg, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[128] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "galloc_bench: child failed (status %#x)\n", status);
        exit(1);
    }
    return atof(buf);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--child") == 0) {
        unsigned long checksum;
        double rate = workload(atol(argv[2]), &checksum);
        printf("%.4f %lu\n", rate / 1e6, checksum);
        return 0;
    }
    long steps = argc > 1 ? atol(argv[1]) : 20000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (steps <= 0 || runs <= 0 || runs > 64) {
        fprintf(stderr, "usage: galloc_bench [steps] [runs]\n");
        return 2;
    }
    long guarded_steps = steps / 100 > 1000 ? steps / 100 : 1000;
    static double none[64], zero[64], dflt[64], all[64];
    for (int r = 0; r < runs; r++) {
        none[r] = measure(argv[0], NULL, NULL, steps);
        zero[r] = measure(argv[0], CG_PRELOAD_PATH, "0", steps);
        dflt[r] = measure(argv[0], CG_PRELOAD_PATH, NULL, steps);
        all[r] = measure(argv[0], CG_PRELOAD_PATH, "1", guarded_steps);
    }
    qsort(none, (size_t)runs, sizeof(double), cmp_double);
    qsort(zero, (size_t)runs, sizeof(double), cmp_double);
    qsort(dflt, (size_t)runs, sizeof(double), cmp_double);
    qsort(all, (size_t)runs, sizeof(double), cmp_double);
    double n = none[runs / 2], z = zero[runs / 2], d = dflt[runs / 2], a = all[runs / 2];
    printf("malloc-heavy workload: working set %d blocks of 16..1024 bytes, median of %d runs\n",
           WORKING_SET, runs);
    printf("default sampling: 1 in %u (CG_GALLOC_DEFAULT_SAMPLE)\n", CG_GALLOC_DEFAULT_SAMPLE);
    printf("%-10s %12s %12s %10s\n", "config", "steps", "Msteps/s", "slowdown");
    printf("%-10s %12ld %12.3f %9.1f%%\n", "none", steps, n, 0.0);
    printf("%-10s %12ld %12.3f %9.1f%%\n", "sample=0", steps, z, (n / z - 1) * 100);
    printf("%-10s %12ld %12.3f %9.1f%%\n", "default", steps, d, (n / d - 1) * 100);
    printf("%-10s %12ld %12.3f %9.1f%%\n", "sample=1", guarded_steps, a, (n / a - 1) * 100);
    return 0;
}
