/*
 * bench_cfront.c: how long the C front-end takes, and how much memory it
 * holds, on generated inputs. Prints one line per case:
 *   case  bytes  seconds  MB/s  max-RSS-MB  functions  problems
 * Cases: a preamble that includes the usual libc headers (the fixed cost
 * every cgo file pays), a .c file with many small functions, and a large
 * generated data table (the "50 MB generated .c file" of the scan issue)
 * parsed with the size limit lifted. Pass a size in MB to change the table
 * size (default 50). Then the summaries' fixed point on a chain of 5000
 * functions whose keeping end is last in name order (the worst order for
 * a naive round-robin) and on 5000 mutually recursive pairs. Numbers,
 * never assertions; see README.md.
 */
#include "cfront/cmodel.h"
#include "cfront/csummary.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double max_rss_mb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static void report(const char *name, size_t bytes, double secs, const cg_cmodel *m) {
    printf("%-22s %10zu %8.3f %8.1f %8.1f %7zu %5zu\n", name, bytes, secs,
           (double)bytes / (1024.0 * 1024.0) / (secs > 0 ? secs : 1e-9), max_rss_mb(),
           cg_cmodel_func_count(m), cg_cmodel_problem_count(m));
}

static char *write_file(const char *dir, const char *name, const char *data, size_t len) {
    char *path = cg_path_join(dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
    return path;
}

int main(int argc, char **argv) {
    size_t table_mb = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 50;
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *err = NULL;
    printf("%-22s %10s %8s %8s %8s %7s %5s\n", "case", "bytes", "seconds", "MB/s", "maxRSS",
           "funcs", "probs");

    /* 1. A typical preamble: several libc headers, a few declarations. */
    const char *preamble = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
                           "#include <pthread.h>\n#include <stdint.h>\n"
                           "struct s { int *p; int n; };\n"
                           "static void keep(void *p) { (void)p; }\n";
    const int reps = 20;
    double t0 = now();
    cg_cmodel *m = cg_cmodel_new();
    for (int i = 0; i < reps; i++) {
        if (cg_cfront_parse_preamble(m, "bench/a.go", 3, preamble, NULL, &err) != CG_OK) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
    }
    double per = (now() - t0) / reps;
    report("preamble+libc (each)", strlen(preamble), per, m);
    cg_cmodel_free(m);

    /* 2. A .c file of 5000 small functions that call each other. */
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, "#include <stdlib.h>\nstatic void *g;\n");
    for (int i = 0; i < 5000; i++)
        cg_strbuf_printf(&sb, "void *f%d(void *p, int n) { if (n) g = p; %s return p; }\n", i,
                         i ? "" : "");
    char *many = write_file(dir, "cg_bench_many.c", sb.data, sb.len);
    m = cg_cmodel_new();
    t0 = now();
    if (cg_cfront_parse_file(m, many, NULL, &err) != CG_OK) return 2;
    report("5000 functions", sb.len, now() - t0, m);
    cg_cmodel_free(m);
    cg_strbuf_free(&sb);
    remove(many);
    free(many);

    /* 2b. Summaries: f0 -> f1 -> ... -> f4999, and only f4999 keeps. */
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, "static void *g;\n");
    for (int i = 4999; i >= 0; i--) {
        if (i == 4999)
            cg_strbuf_printf(&sb, "void f%d(void *p) { g = p; }\n", i);
        else
            cg_strbuf_printf(&sb, "void f%d(void *p) { void *q = p; f%d(q); }\n", i, i + 1);
    }
    for (int i = 0; i < 2500; i++)
        cg_strbuf_printf(&sb,
                         "void r%d(void *p, int n);\n"
                         "void s%d(void *p, int n) { if (n) r%d(p, n - 1); }\n"
                         "void r%d(void *p, int n) { if (n) s%d(p, n - 1); else g = p; }\n",
                         i, i, i, i, i);
    char *chain = write_file(dir, "cg_bench_chain.c", sb.data, sb.len);
    m = cg_cmodel_new();
    if (cg_cfront_parse_file(m, chain, NULL, &err) != CG_OK) return 2;
    t0 = now();
    cg_cmodel_compute_summaries(m, NULL, 0);
    double secs = now() - t0;
    const cg_csummary *head = cg_cmodel_summary(m, "f0");
    printf("%-22s %10zu %8.3f %8s %8.1f %7zu  f0 kept via %zu steps\n", "summaries (10000 fns)",
           sb.len, secs, "-", max_rss_mb(), cg_cmodel_func_count(m),
           head ? head->params[0].kept.len : 0);
    cg_cmodel_free(m);
    cg_strbuf_free(&sb);
    remove(chain);
    free(chain);

    /* 3. A big generated table, limit lifted. */
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, "static const unsigned char table[] = {\n");
    while (sb.len < table_mb * 1024 * 1024)
        cg_strbuf_append(&sb, "  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,\n");
    cg_strbuf_append(&sb, "};\nint big_fn(int *p) { return p[0] + table[0]; }\n");
    char *big = write_file(dir, "cg_bench_big.c", sb.data, sb.len);
    size_t big_len = sb.len;
    cg_strbuf_free(&sb);
    cg_cparse_options unlimited = {.max_file_bytes = SIZE_MAX};
    m = cg_cmodel_new();
    t0 = now();
    if (cg_cfront_parse_file(m, big, &unlimited, &err) != CG_OK) return 2;
    report("generated table", big_len, now() - t0, m);
    cg_cmodel_free(m);
    /* With the default limit the same file is a problem, at no cost. */
    m = cg_cmodel_new();
    t0 = now();
    if (cg_cfront_parse_file(m, big, NULL, &err) != CG_OK) return 2;
    report("same, default limit", big_len, now() - t0, m);
    cg_cmodel_free(m);
    remove(big);
    free(big);
    return 0;
}
