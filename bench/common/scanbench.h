/*
 * scanbench.h: what the scanner's rule benchmarks share: a monotonic clock
 * and one timed scan of a generated package, single-threaded (-j 1) and
 * without the result cache, so the figures measure the analysis itself.
 */
#ifndef CG_BENCH_SCANBENCH_H
#define CG_BENCH_SCANBENCH_H

#include <time.h>

#include "driver/scan.h"

static inline double cg_bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Scans dir into *result (free it with cg_scan_result_free) and returns the
 * wall time in seconds. */
static inline double cg_bench_scan(const char *dir, cg_scan_result *result) {
    cg_scan_options opts = {0};
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.jobs = 1;
    const char *patterns[] = {dir};
    double t0 = cg_bench_now();
    cg_scan(patterns, 1, &opts, result);
    return cg_bench_now() - t0;
}

#endif /* CG_BENCH_SCANBENCH_H */
