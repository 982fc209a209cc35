/*
 * scan.c: runs the pipeline for `cgoguard scan` (see scan.h): discovery,
 * then each package on a worker pool (build the model, run the rules, or
 * take its findings from the cache), then the sink over the merged list.
 */
#include "scan.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cfront/cmodel.h"
#include "../model/package.h"
#include "../report/report.h"
#include "../rules/check.h"
#include "cache.h"
#include "configure.h"

enum { DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024, MAX_JOBS = 256 };

/* What one worker produced for one package. */
typedef struct package_result {
    cg_diag_list *diags;
    bool from_cache;
} package_result;

typedef struct pool {
    const cg_discovery *found;
    const cg_package_options *popts;
    const cg_check_options *copts;
    cg_cache *cache; /* NULL: no caching */
    bool progress;
    package_result *results;
    size_t *order; /* package indices, largest first */
    pthread_mutex_t lock;
    size_t next; /* next position in order to take */
    size_t done;
} pool;

static void analyse_package(pool *p, size_t index) {
    const cg_pkg_files *files = p->found->packages.items[index];
    package_result *r = &p->results[index];
    r->diags = cg_diag_list_new();
    char key[33];
    bool keyed = p->cache && cg_cache_package_key(p->cache, files, key);
    if (keyed && cg_cache_load(p->cache, key, r->diags)) {
        r->from_cache = true;
        return;
    }
    cg_package *pkg = cg_package_build(files, p->popts);
    cg_check_package(pkg, p->copts, r->diags);
    if (keyed) {
        /* Headers outside the package (system, -I dirs) are checked by size
         * and mtime when the entry is used. */
        cg_strvec deps = {0};
        for (size_t i = 0; i < cg_cmodel_dependency_count(pkg->c); i++)
            cg_vec_push(&deps, cg_xstrdup(cg_cmodel_dependency_at(pkg->c, i)));
        cg_cache_store(p->cache, key, r->diags, &deps);
        cg_strvec_free(&deps);
    }
    cg_package_free(pkg);
}

static void report_progress(pool *p, size_t index) {
    if (!p->progress) return;
    const cg_pkg_files *files = p->found->packages.items[index];
    fprintf(stderr, "\r\033[K[%zu/%zu packages] %s", p->done, p->found->packages.len, files->dir);
    if (p->done == p->found->packages.len) fputs("\r\033[K", stderr);
    fflush(stderr);
}

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t at = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (at >= p->found->packages.len) return NULL;
        size_t index = p->order[at];
        analyse_package(p, index);
        pthread_mutex_lock(&p->lock);
        p->done++;
        report_progress(p, index);
        pthread_mutex_unlock(&p->lock);
    }
}

/* Packages are taken largest first (bytes of Go and C files): a package
 * that vendors a multi-megabyte C file would otherwise often start last
 * and leave the other workers idle at the end (longest-processing-time-
 * first scheduling). The merge below is in discovery order, so the output
 * does not depend on this. */
typedef struct sized {
    size_t index;
    unsigned long long bytes;
} sized;

static int larger_first(const void *a, const void *b) {
    const sized *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static unsigned long long files_bytes(const cg_strvec *files) {
    unsigned long long total = 0;
    struct stat st;
    for (size_t i = 0; i < files->len; i++)
        if (stat(files->items[i], &st) == 0 && st.st_size > 0) total += (unsigned long long)st.st_size;
    return total;
}

static size_t *schedule(const cg_discovery *found) {
    size_t n = found->packages.len;
    sized *s = cg_xcalloc(n ? n : 1, sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        s[i].index = i;
        s[i].bytes = files_bytes(&found->packages.items[i]->go_files) +
                     files_bytes(&found->packages.items[i]->c_files);
    }
    qsort(s, n, sizeof(*s), larger_first);
    size_t *order = cg_xcalloc(n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++) order[i] = s[i].index;
    free(s);
    return order;
}

static unsigned job_count(const cg_scan_options *opts, size_t packages) {
    long n = opts->jobs ? (long)opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > MAX_JOBS) n = MAX_JOBS;
    if ((size_t)n > packages) n = (long)(packages ? packages : 1);
    return (unsigned)n;
}

/* Interrupted while parsing (Ctrl-C, kill): remove the shared precompiled
 * headers before dying as the signal says. */
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void remove_temp_files_and_die(int sig) {
    cg_cfront_remove_temp_files_from_signal();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Hash of everything besides the files that decides a package's findings. */
static uint64_t options_hash(const cg_scan_options *opts, size_t max_file_bytes) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_printf(&sb, "%s/%s/%u/%u/%zu/%s", opts->target.goos, opts->target.goarch,
                     opts->target.go_minor, opts->go_minor, max_file_bytes, opts->goroot ? opts->goroot : "");
    for (size_t i = 0; i < opts->target.tag_count; i++) cg_strbuf_printf(&sb, ",%s", opts->target.tags[i]);
    uint64_t h = cg_hash_bytes(sb.data, sb.len, cg_cache_tool_hash());
    cg_strbuf_free(&sb);
    return h;
}

void cg_scan(const char *const *patterns, size_t count, const cg_scan_options *opts,
             cg_scan_result *result) {
    cg_discover_options dopts = {opts->target, opts->include_vendor};
    cg_discovery found;
    cg_discover(patterns, count, &dopts, &found);
    cg_scan_discovered(&found, opts, result);
}

void cg_scan_discovered(cg_discovery *found_in, const cg_scan_options *opts, cg_scan_result *result) {
    memset(result, 0, sizeof(*result));
    result->diags = cg_diag_list_new();
    cg_discovery found = *found_in;
    memset(found_in, 0, sizeof *found_in);
    for (size_t i = 0; i < found.problems.len; i++)
        cg_vec_push(&result->errors, cg_xasprintf("%s: %s", found.problems.items[i].path,
                                                  found.problems.items[i].message));

    cg_config_set *configs =
        opts->use_config || opts->config_path || opts->enable || opts->disable ? cg_config_set_new(opts->use_config || opts->config_path ? opts->config_path : "")
                                                                             : NULL;
    if (configs && (opts->use_config || opts->config_path)) cg_configure_packages(configs, &found, &result->errors);

    cg_package_options popts = {
        .target = opts->target,
        .max_file_bytes = opts->max_file_bytes ? opts->max_file_bytes : DEFAULT_MAX_FILE_BYTES,
        .go_minor = opts->go_minor,
    };
    cg_check_options copts = {opts->go_minor, opts->goroot};
    cg_cache *cache = NULL;
    if (opts->use_cache) {
        char *err = NULL;
        cache = cg_cache_open(opts->cache_dir, options_hash(opts, popts.max_file_bytes), &err);
        if (!cache) {
            fprintf(stderr, "cgoguard: cache disabled: %s\n", err);
            free(err);
        }
    }
    pool p = {&found, &popts, &copts, cache, opts->progress && found.packages.len > 0,
              cg_xcalloc(found.packages.len ? found.packages.len : 1, sizeof(package_result)),
              schedule(&found), PTHREAD_MUTEX_INITIALIZER, 0, 0};
    unsigned jobs = job_count(opts, found.packages.len);
    struct sigaction old_actions[sizeof cleanup_signals / sizeof cleanup_signals[0]];
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
        struct sigaction sa = {.sa_handler = remove_temp_files_and_die};
        sigemptyset(&sa.sa_mask);
        sigaction(cleanup_signals[i], &sa, &old_actions[i]);
    }
    if (jobs > 1) cg_cfront_init(); /* before threads: LLVM's lazy statics */
    pthread_t threads[MAX_JOBS];
    unsigned started = 0;
    for (unsigned i = 1; i < jobs; i++)
        if (pthread_create(&threads[started], NULL, worker, &p) == 0) started++;
    worker(&p); /* the calling thread works too */
    for (unsigned i = 0; i < started; i++) pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
    /* Parsing is over: no temporary file may outlive an output pipe that
     * closes early (cgoguard scan ... | head kills us with SIGPIPE). */
    cg_cfront_remove_temp_files();
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
        sigaction(cleanup_signals[i], &old_actions[i], NULL);

    /* Merge in discovery order, so the output never depends on scheduling. */
    cg_strvec analysed = {0};
    for (size_t i = 0; i < found.packages.len; i++) {
        const cg_pkg_files *files = found.packages.items[i];
        package_result *r = &p.results[i];
        for (size_t d = 0; d < cg_diag_list_count(r->diags); d++)
            cg_diag_list_add(result->diags, cg_diag_list_at_const(r->diags, d));
        cg_diag_list_free(r->diags);
        result->packages++;
        result->cache_hits += r->from_cache;
        result->go_files += files->go_files.len;
        result->c_files += files->c_files.len;
        for (size_t f = 0; f < files->go_files.len; f++) cg_vec_push(&analysed, cg_xstrdup(files->go_files.items[f]));
        for (size_t f = 0; f < files->c_files.len; f++) cg_vec_push(&analysed, cg_xstrdup(files->c_files.items[f]));
    }
    free(p.results);
    free(p.order);
    cg_cache_close(cache);
    cg_sink_options sopts = {(const char *const *)analysed.items, analysed.len, popts.max_file_bytes};
    cg_sink_finish(result->diags, &sopts);
    if (configs) cg_configure_filter(configs, opts->enable, opts->disable, result->diags, &result->errors);
    cg_config_set_free(configs);
    cg_strvec_free(&analysed);
    cg_discovery_free(&found);
}

void cg_scan_result_free(cg_scan_result *result) {
    cg_diag_list_free(result->diags);
    cg_strvec_free(&result->errors);
    memset(result, 0, sizeof(*result));
}

unsigned cg_installed_go(char **goroot) {
    if (goroot) *goroot = NULL;
#ifdef CG_GO_EXECUTABLE
    const char *go = getenv("CGOGUARD_GO");
    if (!go || !*go) go = *CG_GO_EXECUTABLE ? CG_GO_EXECUTABLE : "go";
#else
    const char *go = "go";
#endif
    char *cmd = cg_xasprintf("'%s' env GOVERSION GOROOT 2>/dev/null", go);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p) return 0;
    char buf[4096 + 64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    unsigned major = 0, minor = 0;
    if (sscanf(buf, "go%u.%u", &major, &minor) != 2 || major != 1) return 0;
    /* The second line is GOROOT. */
    char *root = strchr(buf, '\n');
    if (goroot && root && root[1] && root[1] != '\n') {
        root++;
        root[strcspn(root, "\n")] = '\0';
        *goroot = cg_xstrdup(root);
    }
    return minor;
}
