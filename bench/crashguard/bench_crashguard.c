/*
 * bench_crashguard.c: what the crash guard costs when nothing crashes.
 *
 *   start-up      fork+exec+exit of a trivial process, without and with
 *                 LD_PRELOAD=libcgoguard-preload.so (its constructor installs
 *                 the handlers, reads the symbol table, gives the main thread
 *                 an alternate stack; the preload also carries the guarded
 *                 allocator, which is part of what a user pays). Wall time,
 *                 and the children's user+system CPU time, which other load
 *                 on a shared machine disturbs less.
 *   pthread       pthread_create+pthread_join of an empty thread, without and
 *                 with the preload (the interposer installs an alternate
 *                 signal stack per thread, reused from a cache after the
 *                 first threads exit)
 *
 * Configurations alternate within each round; the median of the rounds is
 * printed. Usage: bench_crashguard [PRELOAD.so] [rounds]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CG_PRELOAD_PATH
#define CG_PRELOAD_PATH ""
#endif

enum { THREADS_PER_ROUND = 2000, EXECS_PER_ROUND = 200, MAX_ROUNDS = 15 };

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* CPU time (user+system) of the waited-for children so far, in ns. */
static double children_cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    double us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    return us * 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void *empty_thread(void *arg) { return arg; }

/* Child mode: time pthread_create+join, print ns per thread. */
static int run_threads(void)
{
    double t0 = now_ns();
    for (int i = 0; i < THREADS_PER_ROUND; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, empty_thread, NULL) != 0) return 1;
        pthread_join(t, NULL);
    }
    printf("%.1f\n", (now_ns() - t0) / THREADS_PER_ROUND);
    return 0;
}

/* Runs self in `mode`, with LD_PRELOAD set or unset; returns the wall time in
 * ns and, when capture != NULL, the child's output parsed as a number. */
static double spawn_self(const char *self, const char *mode, const char *preload, double *capture)
{
    int fds[2];
    if (capture && pipe(fds) != 0) return -1;
    double t0 = now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        if (capture) {
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
        }
        if (preload) setenv("LD_PRELOAD", preload, 1);
        else unsetenv("LD_PRELOAD");
        execl(self, self, mode, (char *)NULL);
        _exit(127);
    }
    if (capture) {
        close(fds[1]);
        char buf[64] = {0};
        ssize_t n = read(fds[0], buf, sizeof buf - 1);
        close(fds[0]);
        *capture = n > 0 ? atof(buf) : -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    double elapsed = now_ns() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? elapsed : -1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0) return 0;
    if (argc > 1 && strcmp(argv[1], "--threads") == 0) return run_threads();
    const char *preload = argc > 1 && argv[1][0] ? argv[1] : CG_PRELOAD_PATH;
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    if (rounds < 1 || rounds > MAX_ROUNDS) rounds = 7;
    if (!preload[0] || access(preload, R_OK) != 0) {
        fprintf(stderr, "usage: %s PRELOAD.so [rounds]\n", argv[0]);
        return 2;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 1;
    self[n] = '\0';

    printf("crash guard cost when nothing crashes (median of %d rounds)\n", rounds);
    printf("preload: %s\n", preload);
    const char *names[2] = {"without preload", "with preload"};
    double wall[2][MAX_ROUNDS], cpu[2][MAX_ROUNDS], thread[2][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < 2; c++) {
            const char *pl = c ? preload : NULL;
            double total = 0, cpu0 = children_cpu_ns();
            for (int i = 0; i < EXECS_PER_ROUND; i++) total += spawn_self(self, "--exit", pl, NULL);
            wall[c][r] = total / EXECS_PER_ROUND;
            cpu[c][r] = (children_cpu_ns() - cpu0) / EXECS_PER_ROUND;
            spawn_self(self, "--threads", pl, &thread[c][r]);
        }
    }
    double w[2], u[2], t[2];
    for (int c = 0; c < 2; c++) {
        w[c] = median(wall[c], rounds);
        u[c] = median(cpu[c], rounds);
        t[c] = median(thread[c], rounds);
        printf("%-16s  start-up wall %8.1f us, cpu %7.1f us   pthread_create+join %7.2f us\n", names[c], w[c] / 1000,
               u[c] / 1000, t[c] / 1000);
    }
    printf("%-16s  start-up wall %+8.1f us, cpu %+7.1f us   pthread_create+join %+7.2f us\n", "difference",
           (w[1] - w[0]) / 1000, (u[1] - u[0]) / 1000, (t[1] - t[0]) / 1000);
    return 0;
}
