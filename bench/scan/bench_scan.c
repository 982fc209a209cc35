/*
 * bench_scan.c: `cgoguard scan` at scale against `go vet` on the same code.
 *
 * Generates a corpus locally (never committed): a Go module of N cgo
 * packages, each with four Go files whose preambles include the usual libc
 * headers and the package's header (three of them share one preamble), a .c file of helper functions and a
 * .h, plus one package vendoring a multi-megabyte single-file C
 * "amalgamation" of which Go calls two functions. A few packages leak a
 * C.CString (findings the scan must report; go vet has no check for it), so
 * the output is not empty. The corpus is valid Go: `go vet ./...` must pass.
 *
 * Then it runs, each as a child process timed with a monotonic clock and
 * measured with wait4's rusage (peak RSS of the child):
 *   go vet ./...            with an empty GOCACHE (cold), then again (warm)
 *   cgoguard scan -j 1      cold: empty cache directory
 *   cgoguard scan -j 2      cold
 *   cgoguard scan -j 2      warm: the cache the previous run wrote
 *   cgoguard scan --no-cache -j 2 (no cache read or written), then the same
 *                           with CGOGUARD_NO_PCH=1 (no shared header blocks) and
 *                           with CGOGUARD_NO_ISOLATION=1 (no worker process)
 *   cgoguard scan of the amalgamation package alone (its time and peak RSS)
 * and prints files, MB, seconds, files/s, MB/s, peak RSS and the ratios
 * the issue sets as targets (cold scan vs cold go vet, warm vs cold). It
 * also checks that the reports of all runs are byte-identical and says so.
 * Numbers, never assertions; see README.md.
 *
 * usage: bench_scan [-n PACKAGES] [-m BIG_C_MB] [-d DIR] [-k] [-g]
 *   -n  cgo packages (default 200)   -m  size of the amalgamation (default 9)
 *   -d  where to put the corpus (default $TMPDIR/cgoguard-bench-scan)
 *   -k  keep the corpus afterwards   -g  only generate the corpus
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf, wait4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CG_BENCH_CGOGUARD
#define CG_BENCH_CGOGUARD "cgoguard"
#endif
#ifndef CG_BENCH_GO
#define CG_BENCH_GO "go"
#endif

typedef struct corpus {
    const char *dir;
    size_t go_files, c_files, bytes; /* what a scan reads (Go + .c + package .h) */
    size_t big_bytes;                /* the amalgamation package alone */
} corpus;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_scan: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0) die("out of memory");
    va_end(ap);
    return s;
}

static void mkdir_p(const char *path) {
    char *copy = fmt("%s", path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) die("mkdir %s: %s", copy, strerror(errno));
        *p = '/';
    }
    if (mkdir(copy, 0755) != 0 && errno != EEXIST) die("mkdir %s: %s", copy, strerror(errno));
    free(copy);
}

/* Opens dir/name for writing; the caller counts what it writes. */
static FILE *create(const char *dir, const char *name) {
    char *path = fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write %s: %s", path, strerror(errno));
    free(path);
    return f;
}

static size_t finish(FILE *f) {
    long n = ftell(f);
    if (fclose(f) != 0 || n < 0) die("write error");
    return (size_t)n;
}

/* One ordinary cgo package: a wrapper around a small C helper library. */
static void gen_package(corpus *c, size_t i) {
    char *dir = fmt("%s/pkgs/p%04zu", c->dir, i);
    mkdir_p(dir);
    enum { HELPERS = 40 };

    FILE *h = create(dir, "lib.h");
    fprintf(h, "/* lib.h: the C API of package p%04zu. */\n#ifndef P%04zu_LIB_H\n#define P%04zu_LIB_H\n", i, i, i);
    fprintf(h, "#include <stddef.h>\n#include <stdint.h>\n\n");
    fprintf(h, "typedef struct p%04zu_buf { char *data; size_t len, cap; } p%04zu_buf;\n\n", i, i);
    fprintf(h, "int64_t p%04zu_sum(const int32_t *xs, size_t n);\n", i);
    fprintf(h, "const char *p%04zu_name(const char *s);\n", i);
    fprintf(h, "int p%04zu_buf_append(p%04zu_buf *b, const char *s, size_t n);\n", i, i);
    fprintf(h, "void p%04zu_buf_free(p%04zu_buf *b);\n", i, i);
    for (int k = 0; k < HELPERS; k++) fprintf(h, "uint32_t p%04zu_mix%d(uint32_t x, uint32_t y);\n", i, k);
    fprintf(h, "#endif\n");
    c->bytes += finish(h);

    FILE *cf = create(dir, "lib.c");
    fprintf(cf, "/* lib.c: helpers of package p%04zu. */\n#include <stdlib.h>\n#include <string.h>\n#include \"lib.h\"\n\n", i);
    fprintf(cf, "int64_t p%04zu_sum(const int32_t *xs, size_t n) {\n    int64_t s = 0;\n"
                "    for (size_t k = 0; k < n; k++) s += xs[k];\n    return s;\n}\n\n", i);
    fprintf(cf, "static char p%04zu_last[64];\n\nconst char *p%04zu_name(const char *s) {\n"
                "    strncpy(p%04zu_last, s, sizeof p%04zu_last - 1);\n    return p%04zu_last;\n}\n\n", i, i, i, i, i);
    fprintf(cf, "int p%04zu_buf_append(p%04zu_buf *b, const char *s, size_t n) {\n"
                "    if (b->len + n > b->cap) {\n        size_t cap = b->cap ? b->cap * 2 : 64;\n"
                "        while (cap < b->len + n) cap *= 2;\n        char *d = realloc(b->data, cap);\n"
                "        if (!d) return -1;\n        b->data = d;\n        b->cap = cap;\n    }\n"
                "    memcpy(b->data + b->len, s, n);\n    b->len += n;\n    return 0;\n}\n\n", i, i);
    fprintf(cf, "void p%04zu_buf_free(p%04zu_buf *b) {\n    free(b->data);\n    b->data = NULL;\n"
                "    b->len = b->cap = 0;\n}\n\n", i, i);
    for (int k = 0; k < HELPERS; k++)
        fprintf(cf, "uint32_t p%04zu_mix%d(uint32_t x, uint32_t y) {\n    x ^= y + 0x9e3779b9u + (x << 6) + (x >> 2);\n"
                    "    return x * %uu + (y >> %d);\n}\n\n", i, k, 2654435761u + (unsigned)k * 2u, k % 31);
    c->bytes += finish(cf);
    c->c_files++;

    FILE *g = create(dir, "api.go");
    fprintf(g, "// Package p%04zu wraps a small C helper library.\npackage p%04zu\n\n", i, i);
    fprintf(g, "/*\n#cgo CFLAGS: -O2\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
               "#include <stdint.h>\n#include <pthread.h>\n#include \"lib.h\"\n\n"
               "static int p%04zu_twice(int x) { return 2 * x; }\n*/\nimport \"C\"\n\n"
               "import \"unsafe\"\n\n", i);
    fprintf(g, "// Sum adds xs in C.\nfunc Sum(xs []int32) int64 {\n\tif len(xs) == 0 {\n\t\treturn 0\n\t}\n"
               "\treturn int64(C.p%04zu_sum((*C.int32_t)(unsafe.Pointer(&xs[0])), C.size_t(len(xs))))\n}\n\n", i);
    fprintf(g, "// Name round-trips s through C.\nfunc Name(s string) string {\n\tcs := C.CString(s)\n"
               "\tdefer C.free(unsafe.Pointer(cs))\n\treturn C.GoString(C.p%04zu_name(cs))\n}\n\n", i);
    fprintf(g, "// Twice doubles x in C.\nfunc Twice(x int) int {\n\treturn int(C.p%04zu_twice(C.int(x)))\n}\n", i);
    if (i % 10 == 3) /* a real bug the scan must find: the C string is never freed */
        fprintf(g, "\n// Remember hands s to C and forgets to free it.\nfunc Remember(s string) {\n"
                   "\tC.p%04zu_name(C.CString(s))\n}\n", i);
    c->bytes += finish(g);
    c->go_files++;

    /* Binding packages split their API over several files with the same
     * preamble: the C front-end precompiles such a shared include block. */
    static const char shared_preamble[] = "/*\n#include <stdlib.h>\n#include <string.h>\n"
                                          "#include <stdint.h>\n#include \"lib.h\"\n*/\nimport \"C\"\n\n";
    FILE *g2 = create(dir, "buf.go");
    fprintf(g2, "package p%04zu\n\n%s", i, shared_preamble);
    fprintf(g2, "// Buffer is a byte buffer in C memory.\ntype Buffer struct {\n\tb C.p%04zu_buf\n}\n\n", i);
    fprintf(g2, "// Append copies p into the buffer.\nfunc (b *Buffer) Append(p []byte) bool {\n\tif len(p) == 0 {\n"
                "\t\treturn true\n\t}\n\tcp := C.CBytes(p)\n\tdefer C.free(cp)\n"
                "\treturn C.p%04zu_buf_append(&b.b, (*C.char)(cp), C.size_t(len(p))) == 0\n}\n\n", i);
    fprintf(g2, "// Free releases the C memory.\nfunc (b *Buffer) Free() {\n\tC.p%04zu_buf_free(&b.b)\n}\n", i);
    c->bytes += finish(g2);
    c->go_files++;

    FILE *g3 = create(dir, "mix.go");
    fprintf(g3, "package p%04zu\n\n%s", i, shared_preamble);
    fprintf(g3, "// Mix folds xs with the C mixers.\nfunc Mix(xs []uint32) uint32 {\n\tvar h C.uint32_t\n"
                "\tfor _, x := range xs {\n\t\th = C.p%04zu_mix%zu(h, C.uint32_t(x))\n\t}\n\treturn uint32(h)\n}\n\n", i,
                i % HELPERS);
    fprintf(g3, "// Mix2 mixes two words.\nfunc Mix2(a, b uint32) uint32 {\n"
                "\treturn uint32(C.p%04zu_mix%zu(C.uint32_t(a), C.uint32_t(b)))\n}\n", i, (i + 1) % HELPERS);
    c->bytes += finish(g3);
    c->go_files++;

    FILE *g4 = create(dir, "copy.go");
    fprintf(g4, "package p%04zu\n\n%s", i, shared_preamble);
    fprintf(g4, "import \"unsafe\"\n\n// Copy returns a C copy of p; the caller frees it with Release.\n"
                "func Copy(p []byte) unsafe.Pointer {\n\tm := C.malloc(C.size_t(len(p) + 1))\n"
                "\tif len(p) > 0 {\n\t\tC.memcpy(m, unsafe.Pointer(&p[0]), C.size_t(len(p)))\n\t}\n\treturn m\n}\n\n"
                "// Release frees what Copy returned.\nfunc Release(m unsafe.Pointer) {\n\tC.free(m)\n}\n");
    c->bytes += finish(g4);
    c->go_files++;
    free(dir);
}

/* The vendored amalgamation: big_mb megabytes of C in one file, of which Go
 * calls two functions. */
static void gen_amalgamation(corpus *c, size_t big_mb) {
    size_t before = c->bytes;
    char *dir = fmt("%s/third_party/amalg", c->dir);
    mkdir_p(dir);
    FILE *h = create(dir, "amalg.h");
    fprintf(h, "/* amalg.h: the public API of the vendored library. */\n#include <stddef.h>\n"
               "int amalg_open(const char *name);\nint amalg_checksum(const unsigned char *p, size_t n);\n");
    c->bytes += finish(h);

    FILE *cf = create(dir, "amalg.c");
    fprintf(cf, "/* amalg.c: a generated single-file C library (a stand-in for a vendored amalgamation). */\n"
                "#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\n#include \"amalg.h\"\n\n"
                "typedef struct amalg_state { int fd; unsigned char *page; size_t used; char name[64]; } amalg_state;\n"
                "static amalg_state *amalg_states[64];\n\n");
    size_t target = big_mb * 1024 * 1024;
    for (size_t k = 0; (size_t)ftell(cf) < target; k++) {
        fprintf(cf, "static int amalg_step%zu(amalg_state *s, const unsigned char *p, size_t n) {\n"
                    "    unsigned acc = %zuu;\n    for (size_t i = 0; i < n; i++) {\n"
                    "        acc = (acc << 5) + acc + p[i];\n        if (s && s->used < 4096) s->page[s->used++] = (unsigned char)acc;\n"
                    "    }\n    if (acc %% 7 == %zu) return amalg_step%zu(s, p, n / 2);\n    return (int)(acc & 0x7fffffff);\n}\n\n",
                k, k * 31 + 7, k % 7, k ? k - 1 : 0);
    }
    fprintf(cf, "int amalg_open(const char *name) {\n    for (int i = 0; i < 64; i++) {\n"
                "        if (amalg_states[i]) continue;\n        amalg_state *s = calloc(1, sizeof *s);\n"
                "        if (!s) return -1;\n        s->page = malloc(4096);\n"
                "        strncpy(s->name, name, sizeof s->name - 1);\n        amalg_states[i] = s;\n        return i;\n"
                "    }\n    return -1;\n}\n\n"
                "int amalg_checksum(const unsigned char *p, size_t n) {\n    return amalg_step0(NULL, p, n);\n}\n");
    c->bytes += finish(cf);
    c->c_files++;

    FILE *g = create(dir, "amalg.go");
    fprintf(g, "// Package amalg wraps the vendored C library.\npackage amalg\n\n"
               "/*\n#include <stdlib.h>\n#include \"amalg.h\"\n*/\nimport \"C\"\n\nimport \"unsafe\"\n\n"
               "// Open opens a named state.\nfunc Open(name string) int {\n\tcs := C.CString(name)\n"
               "\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.amalg_open(cs))\n}\n\n"
               "// Checksum hashes p in C.\nfunc Checksum(p []byte) int {\n\tif len(p) == 0 {\n\t\treturn 0\n\t}\n"
               "\treturn int(C.amalg_checksum((*C.uchar)(unsafe.Pointer(&p[0])), C.size_t(len(p))))\n}\n");
    c->bytes += finish(g);
    c->go_files++;
    c->big_bytes = c->bytes - before;
    free(dir);
}

static void generate(corpus *c, size_t packages, size_t big_mb) {
    mkdir_p(c->dir);
    FILE *m = create(c->dir, "go.mod");
    fprintf(m, "module example.com/benchcorpus\n\ngo 1.21\n");
    finish(m);
    for (size_t i = 0; i < packages; i++) gen_package(c, i);
    if (big_mb) gen_amalgamation(c, big_mb);
}

typedef struct run {
    double secs;
    double rss_mb;
    int status;
} run;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv in dir with extra environment entries, stdout to out_path
 * (or /dev/null), stderr to /dev/null unless verbose. */
static run run_child(const char *dir, char *const argv[], char *const env[], const char *out_path) {
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) die("fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(126);
        for (size_t i = 0; env && env[i]; i++) putenv(env[i]);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_WRONLY);
        if (out < 0 || null < 0) _exit(126);
        dup2(out, 1);
        if (!getenv("BENCH_SCAN_VERBOSE")) dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) die("wait4: %s", strerror(errno));
    run r = {now() - t0, (double)ru.ru_maxrss / 1024.0, WIFEXITED(status) ? WEXITSTATUS(status) : 128};
    return r;
}

static void print_row(const char *name, const corpus *c, run r) {
    printf("%-34s %6zu %8.1f %8.2f %9.1f %8.2f %8.1f %6d\n", name, c->go_files + c->c_files,
           (double)c->bytes / 1048576.0, r.secs, (double)(c->go_files + c->c_files) / r.secs,
           (double)c->bytes / 1048576.0 / r.secs, r.rss_mb, r.status);
    fflush(stdout);
}

static bool same_file(const char *a, const char *b) {
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    bool same = x && y;
    while (same) {
        int p = getc(x), q = getc(y);
        if (p != q) same = false;
        if (p == EOF || q == EOF) break;
    }
    if (x) fclose(x);
    if (y) fclose(y);
    return same;
}

int main(int argc, char **argv) {
    size_t packages = 200, big_mb = 9;
    bool keep = false, generate_only = false;
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = fmt("%s/cgoguard-bench-scan", tmp);
    int opt;
    while ((opt = getopt(argc, argv, "n:m:d:kg")) != -1) {
        switch (opt) {
        case 'n': packages = strtoul(optarg, NULL, 10); break;
        case 'm': big_mb = strtoul(optarg, NULL, 10); break;
        case 'd': free(dir), dir = fmt("%s", optarg); break;
        case 'k': keep = true; break;
        case 'g': generate_only = keep = true; break;
        default: die("usage: bench_scan [-n PACKAGES] [-m BIG_C_MB] [-d DIR] [-k] [-g]");
        }
    }
    const char *cgoguard = getenv("CGOGUARD") ? getenv("CGOGUARD") : CG_BENCH_CGOGUARD;
    const char *go = getenv("GO") ? getenv("GO") : CG_BENCH_GO;

    char *rm[] = {"rm", "-rf", dir, NULL};
    run_child("/", rm, NULL, NULL);
    corpus c = {dir, 0, 0, 0, 0};
    double t0 = now();
    generate(&c, packages, big_mb);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("corpus: %s: %zu cgo packages + 1 with a %zu MB C file; %zu Go files, %zu C files, %.1f MB "
           "(generated in %.1f s)\n",
           dir, packages, big_mb, c.go_files, c.c_files, (double)c.bytes / 1048576.0, now() - t0);
    if (generate_only) return 0;

    char *work = fmt("%s/.bench", dir);
    mkdir_p(work);
    char *gocache = fmt("GOCACHE=%s/gocache", work), *gopath = fmt("GOPATH=%s/gopath", work);
    char *xdg = fmt("XDG_CACHE_HOME=%s/xdg", work);
    char *toolchain = "GOTOOLCHAIN=local", *proxy = "GOPROXY=off", *nocolor = "NO_COLOR=1";
    char *go_env[] = {gocache, gopath, toolchain, proxy, NULL};
    char *scan_env[] = {xdg, nocolor, NULL};
    char *vet[] = {(char *)go, "vet", "./...", NULL};

    printf("\n%-34s %6s %8s %8s %9s %8s %8s %6s\n", "run", "files", "MB", "seconds", "files/s", "MB/s",
           "peakRSS", "exit");
    run vet_cold = run_child(dir, vet, go_env, NULL);
    print_row("go vet ./... (empty GOCACHE)", &c, vet_cold);
    if (vet_cold.status != 0) printf("  go vet failed: the corpus is not valid Go (BENCH_SCAN_VERBOSE=1 shows why)\n");
    run vet_warm = run_child(dir, vet, go_env, NULL);
    print_row("go vet ./... (warm GOCACHE)", &c, vet_warm);

    char *outs[5];
    for (int i = 0; i < 5; i++) outs[i] = fmt("%s/report%d.json", work, i);
    char *xdg_dir = fmt("%s/xdg", work);
    char *rm_cache[] = {"rm", "-rf", xdg_dir, NULL};

    run_child("/", rm_cache, NULL, NULL);
    char *scan_j1[] = {(char *)cgoguard, "scan", "--format=json", "-j", "1", "./...", NULL};
    run cold1 = run_child(dir, scan_j1, scan_env, outs[0]);
    print_row("cgoguard scan -j 1 (cold)", &c, cold1);

    run_child("/", rm_cache, NULL, NULL);
    char *scan_j2[] = {(char *)cgoguard, "scan", "--format=json", "-j", "2", "./...", NULL};
    run cold2 = run_child(dir, scan_j2, scan_env, outs[1]);
    print_row("cgoguard scan -j 2 (cold)", &c, cold2);

    run warm = run_child(dir, scan_j2, scan_env, outs[2]);
    print_row("cgoguard scan -j 2 (warm cache)", &c, warm);

    char *scan_nc[] = {(char *)cgoguard, "scan", "--format=json", "--no-cache", "-j", "2", "./...", NULL};
    run nocache = run_child(dir, scan_nc, scan_env, outs[3]);
    print_row("cgoguard scan -j 2 --no-cache", &c, nocache);

    char *no_pch = "CGOGUARD_NO_PCH=1";
    char *scan_env_nopch[] = {xdg, nocolor, no_pch, NULL};
    run nopch = run_child(dir, scan_nc, scan_env_nopch, NULL);
    print_row("  same, without shared .pch blocks", &c, nopch);

    /* The crash isolation (a worker process streaming findings to its
     * supervisor, driver/scan.c) against analysing in the scan's process. */
    char *no_iso = "CGOGUARD_NO_ISOLATION=1";
    char *scan_env_noiso[] = {xdg, nocolor, no_iso, NULL};
    run noiso = run_child(dir, scan_nc, scan_env_noiso, outs[4]);
    print_row("  same, in one process", &c, noiso);

    corpus big = {dir, big_mb ? 1 : 0, big_mb ? 1 : 0, c.big_bytes, c.big_bytes};
    char *scan_big[] = {(char *)cgoguard, "scan", "--no-cache", "-j", "1", "./third_party/amalg", NULL};
    run amalg = run_child(dir, scan_big, scan_env, NULL);
    if (big_mb) print_row("cgoguard scan, the amalgamation only", &big, amalg);
    run amalg_noiso = run_child(dir, scan_big, scan_env_noiso, NULL);
    if (big_mb) print_row("  same, in one process", &big, amalg_noiso);

    bool identical = true;
    for (int i = 1; i < 5; i++) identical = identical && same_file(outs[0], outs[i]);
    printf("\nreports of the 5 scans byte-identical: %s\n", identical ? "yes" : "NO");
    printf("cold scan -j 2 / cold go vet:   %.2f (target <= 1)\n", cold2.secs / vet_cold.secs);
    printf("cold scan -j 2 / warm go vet:   %.2f\n", cold2.secs / vet_warm.secs);
    printf("cold / warm scan speed-up:      %.1fx (target >= 10)\n", cold2.secs / warm.secs);
    printf("-j 1 / -j 2 speed-up:           %.2fx\n", cold1.secs / cold2.secs);
    printf("shared .pch blocks speed-up:    %.2fx (--no-cache -j 2)\n", nopch.secs / nocache.secs);
    printf("worker process cost:            %+.1f%% (--no-cache -j 2), %+.1f%% (amalgamation)\n",
           100.0 * (nocache.secs / noiso.secs - 1), 100.0 * (amalg.secs / amalg_noiso.secs - 1));

    if (!keep) run_child("/", rm, NULL, NULL);
    for (int i = 0; i < 5; i++) free(outs[i]);
    free(xdg_dir);
    free(gocache), free(gopath), free(xdg), free(work), free(dir);
    return 0;
}
