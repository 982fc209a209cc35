/*
 * bench_report.c: throughput of the report stage (sink and emitters) on
 * synthetic findings; see README.md. Prints numbers, checks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned LINES_PER_FILE = 2000;

static void write_package(unsigned files) {
    for (unsigned f = 0; f < files; f++) {
        char name[64];
        snprintf(name, sizeof name, "f%04u.go", f);
        FILE *out = fopen(name, "wb");
        if (!out) {
            perror(name);
            exit(1);
        }
        fputs("package bench\n", out);
        for (unsigned line = 2; line <= LINES_PER_FILE; line++) {
            if (line % 50 == 0)
                fputs("\t//cgoguard:ignore CG000 generated suppression for the benchmark\n", out);
            else
                fprintf(out, "\tC.keep(unsafe.Pointer(&v%u), \"s\", 'c') // line %u\n", line, line);
        }
        fclose(out);
    }
}

int main(int argc, char **argv) {
    size_t findings = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    unsigned files = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 200;
    if (argc > 3) LINES_PER_FILE = (unsigned)strtoul(argv[3], NULL, 10);
    if (findings == 0 || files == 0 || LINES_PER_FILE < 2) {
        fprintf(stderr, "usage: bench_report [FINDINGS] [FILES] [LINES_PER_FILE]\n");
        return 2;
    }
    char dir[] = "/tmp/cgbench-report-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("mkdtemp");
        return 1;
    }
    write_package(files);
    double bytes = 0;
    for (unsigned f = 0; f < files; f++) {
        char name[64];
        struct stat st;
        snprintf(name, sizeof name, "f%04u.go", f);
        if (stat(name, &st) == 0) bytes += (double)st.st_size;
    }

    cg_diag_list *list = cg_diag_list_new();
    srand(1);
    for (size_t i = 0; i < findings; i++) {
        char file[64];
        snprintf(file, sizeof file, "f%04u.go", (unsigned)(rand() % (int)files));
        unsigned line = 2 + (unsigned)(rand() % (LINES_PER_FILE - 1));
        cg_diag d = {.rule_id = "CG000", .rule_name = "incomplete-analysis", .severity = CG_SEV_NOTE,
                     .loc = {file, line, 2, line, 12}, .message = "synthetic finding for the benchmark"};
        cg_diag *added = cg_diag_list_add(list, &d);
        cg_diag_relate(list, added, (cg_location){file, 1, 1, 0, 0}, "related step %zu", i % 7);
    }

    double t0 = now();
    cg_sink_finish(list, NULL);
    double t_sink = now() - t0;
    cg_report_summary s = cg_report_summarize(list);
    printf("input: %zu findings over %u files of %u lines (%.1f MB)\n", findings, files, LINES_PER_FILE,
           bytes / 1e6);
    /* Every directive has a reason, so the sink adds no CG099: what is gone
     * was a duplicate (same file, line, column, id and message). */
    printf("after sink: %zu findings, %zu suppressed, %zu duplicates removed\n",
           s.errors + s.warnings + s.notes, s.suppressed, findings - cg_diag_list_count(list));
    printf("sink:  %8.1f ms  %10.0f findings/s  %6.1f MB/s of source read and lexed\n", t_sink * 1e3,
           (double)findings / t_sink, bytes / 1e6 / t_sink);

    static const char *const names[] = {"text", "json", "sarif"};
    for (int f = 0; f < 3; f++) {
        FILE *null = fopen("/dev/null", "w");
        cg_report_options opts = {.format = (cg_report_format)f};
        t0 = now();
        cg_report_emit(null, list, &opts);
        double t = now() - t0;
        fclose(null);
        printf("%-5s: %8.1f ms  %10.0f findings/s\n", names[f], t * 1e3,
               (double)cg_diag_list_count(list) / t);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);

    cg_diag_list_free(list);
    for (unsigned f = 0; f < files; f++) {
        char name[64];
        snprintf(name, sizeof name, "f%04u.go", f);
        unlink(name);
    }
    if (chdir("/") == 0) rmdir(dir);
    return 0;
}
