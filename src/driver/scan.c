/*
 * scan.c: runs the pipeline for `cgoguard scan` (see scan.h): discovery,
 * then each package on a worker pool (build the model, run the rules, or
 * take its findings from the cache), then the sink over the merged list.
 *
 * Isolation: a crash while analysing one package (in libclang, or a bug of
 * ours) must not take the scan down. The pool runs in a forked worker
 * process; the calling process supervises: it reads each package's findings
 * from a pipe as the worker finishes it (the cache's entry format,
 * checksummed) and merges them. When the worker dies, the packages it had
 * started and not finished are analysed again, each alone in a worker of
 * its own: one that kills that worker too is reported as a CG000 warning
 * ("package not analysed"), and a new worker goes on with the packages not
 * yet started. The normal case costs one fork and the encoding of the
 * findings; the shared precompiled headers stay within the worker.
 * CGOGUARD_NO_ISOLATION=1 analyses in the calling process (for debuggers).
 */
#include "scan.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* The worker process being supervised (0: none), for the signal handler:
 * it is told to stop too, and removes its own temporary files. */
static volatile sig_atomic_t worker_pid;
/* Its $TMPDIR, a private directory: what a worker that died leaves there
 * (its precompiled headers) is removed by the supervisor. */
static char worker_tmpdir[PATH_MAX];

typedef struct pool {
    const cg_discovery *found;
    const cg_package_options *popts;
    const cg_check_options *copts;
    cg_cache *cache; /* NULL: no caching */
    bool progress;
    package_result *results;
    size_t *order; /* package indices to analyse, largest first */
    size_t count;  /* entries of order */
    pthread_mutex_t lock;
    size_t next; /* next position in order to take */
    size_t done;
    int report_fd; /* in a worker process: the pipe to the supervisor; else -1 */
    bool report_failed; /* the supervisor is gone: take no more packages */
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
    /* For the isolation test (tests/scan/isolation.sh): the analysis of a
     * package whose directory has this name dies the way a libclang crash would. */
    const char *crash = getenv("CGOGUARD_TEST_CRASH_PACKAGE");
    if (crash && *crash && strcmp(cg_path_base(files->dir), crash) == 0) abort();
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

/* ---- worker process -> supervisor ---- */

static bool write_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* "S index\n": the package is being analysed. Under p->lock. */
static void send_started(pool *p, size_t index) {
    char line[64];
    int n = snprintf(line, sizeof line, "S %zu\n", index);
    if (!write_all(p->report_fd, line, (size_t)n)) p->report_failed = true;
}

/* "D index from_cache length\n" and the findings as a cache entry. Under
 * p->lock; the package's list is not needed in this process any more. */
static void send_done(pool *p, size_t index) {
    package_result *r = &p->results[index];
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_cache_encode(r->diags, NULL, &sb);
    char head[96];
    int n = snprintf(head, sizeof head, "D %zu %d %zu\n", index, r->from_cache ? 1 : 0, sb.len);
    if (!write_all(p->report_fd, head, (size_t)n) || !write_all(p->report_fd, sb.data, sb.len))
        p->report_failed = true;
    cg_strbuf_free(&sb);
    cg_diag_list_free(r->diags);
    r->diags = NULL;
}

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t at = p->report_failed ? p->count : p->next++;
        size_t index = at < p->count ? p->order[at] : 0;
        if (at < p->count && p->report_fd >= 0) send_started(p, index);
        pthread_mutex_unlock(&p->lock);
        if (at >= p->count) return NULL;
        analyse_package(p, index);
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->report_fd >= 0) send_done(p, index);
        else report_progress(p, index);
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

/* Runs the pool over p->order[0..count) with jobs threads (the calling
 * thread included). */
static void run_pool(pool *p, unsigned jobs) {
    if (jobs > 1) cg_cfront_init(); /* before threads: LLVM's lazy statics */
    pthread_t threads[MAX_JOBS];
    unsigned started = 0;
    for (unsigned i = 1; i < jobs; i++)
        if (pthread_create(&threads[started], NULL, worker, p) == 0) started++;
    worker(p); /* the calling thread works too */
    for (unsigned i = 0; i < started; i++) pthread_join(threads[i], NULL);
}

/* ---- the supervisor ---- */

enum { WORKER_DIED = 0, WORKER_OK = 1, WORKER_NOT_STARTED = -1 };

/* One worker process over order[0..count): fills p->results of the
 * packages it finished, marks started[] for those it began. Returns
 * WORKER_OK when it ended normally, WORKER_NOT_STARTED when no process
 * could be made (no pipe, no fork), else WORKER_DIED with *killed_by the
 * signal that ended it (0: it exited with an error). */
static int run_worker_process(pool *p, const size_t *order, size_t count, unsigned jobs,
                              bool *started, bool *finished, int *killed_by) {
    *killed_by = 0;
    int fds[2];
    if (pipe(fds) != 0) return WORKER_NOT_STARTED;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return WORKER_NOT_STARTED;
    }
    if (pid == 0) {
        worker_pid = 0;
        if (worker_tmpdir[0]) setenv("TMPDIR", worker_tmpdir, 1);
        close(fds[0]);
        signal(SIGPIPE, SIG_IGN); /* a vanished supervisor is a failed write */
        pool w = *p;
        w.order = (size_t *)order;
        w.count = count;
        w.next = 0;
        w.report_fd = fds[1];
        w.report_failed = false;
        pthread_mutex_init(&w.lock, NULL);
        run_pool(&w, jobs);
        close(fds[1]);
        cg_cfront_remove_temp_files();
        exit(0);
    }
    worker_pid = pid;
    close(fds[1]);
    cg_strbuf in;
    cg_strbuf_init(&in);
    size_t parsed = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        cg_strbuf_append_n(&in, buf, (size_t)n);
        /* Whole messages only; a package's entry may span many reads. */
        for (;;) {
            char *msg = in.data + parsed, *nl = memchr(msg, '\n', in.len - parsed);
            if (!nl) break;
            size_t index = 0, len = 0;
            int cached = 0;
            if (msg[0] == 'S' && sscanf(msg, "S %zu", &index) == 1 && index < p->found->packages.len) {
                started[index] = true;
                parsed = (size_t)(nl - in.data) + 1;
                continue;
            }
            if (msg[0] != 'D' || sscanf(msg, "D %zu %d %zu", &index, &cached, &len) != 3 ||
                index >= p->found->packages.len) {
                parsed = in.len; /* not our protocol: stop reading it */
                break;
            }
            size_t body = (size_t)(nl - in.data) + 1;
            if (in.len - body < len) break; /* the rest is still coming */
            package_result *r = &p->results[index];
            cg_diag_list *diags = cg_diag_list_new();
            if (cg_cache_decode(in.data + body, len, diags)) {
                cg_diag_list_free(r->diags);
                r->diags = diags;
                r->from_cache = cached != 0;
                finished[index] = true;
                p->done++;
                report_progress(p, index);
            } else {
                cg_diag_list_free(diags);
            }
            parsed = body + len;
        }
        /* Drop what was consumed, so the buffer stays one message long. */
        if (parsed) {
            memmove(in.data, in.data + parsed, in.len - parsed);
            in.len -= parsed;
            in.data[in.len] = '\0';
            parsed = 0;
        }
    }
    close(fds[0]);
    cg_strbuf_free(&in);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    worker_pid = 0;
    if (WIFSIGNALED(status)) *killed_by = WTERMSIG(status);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? WORKER_OK : WORKER_DIED;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

/* Empties the workers' private $TMPDIR (keeps the directory itself). */
static void clear_worker_tmpdir(void) {
    if (worker_tmpdir[0]) nftw(worker_tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The finding that stands for a package whose analysis killed its worker. */
static void package_crashed(pool *p, size_t index, int how) {
    const cg_pkg_files *files = p->found->packages.items[index];
    package_result *r = &p->results[index];
    cg_diag_list_free(r->diags);
    r->diags = cg_diag_list_new();
    cg_diag d = {0};
    d.rule_id = CG_ID_INCOMPLETE;
    d.rule_name = CG_NAME_INCOMPLETE;
    d.severity = CG_SEV_WARNING;
    d.loc.file = files->go_files.len ? files->go_files.items[0] : files->dir;
    d.loc.line = files->go_files.len ? 1 : 0;
    d.loc.column = files->go_files.len ? 1 : 0;
    char *msg = how ? cg_xasprintf("package not analysed: its analysis crashed (%s) in the C front-end "
                                   "(libclang) or in cgoguard; the other packages were analysed (please "
                                   "report it with this package)",
                                   strsignal(how))
                    : cg_xstrdup("package not analysed: its analysis process failed; the other packages "
                                 "were analysed");
    d.message = msg;
    cg_diag_list_add(r->diags, &d);
    free(msg);
    p->done++;
    report_progress(p, index);
}

/* Analyses p->order[0..count) in worker processes until every package has
 * findings or is reported as crashed. */
static void supervise(pool *p, unsigned jobs) {
    size_t n = p->found->packages.len;
    bool *started = cg_xcalloc(n + 1, sizeof(bool));
    bool *finished = cg_xcalloc(n + 1, sizeof(bool));
    size_t *order = p->order;
    size_t *todo = cg_xcalloc(p->count + 1, sizeof(size_t));
    size_t todo_len = p->count;
    memcpy(todo, p->order, p->count * sizeof(size_t));
    const char *tmp = getenv("TMPDIR");
    int len = snprintf(worker_tmpdir, sizeof worker_tmpdir, "%s/cgoguard-worker-XXXXXX",
                       tmp && *tmp ? tmp : "/tmp");
    if (len <= 0 || (size_t)len >= sizeof worker_tmpdir || !mkdtemp(worker_tmpdir)) worker_tmpdir[0] = '\0';
    while (todo_len) {
        memset(started, 0, n * sizeof(bool));
        int killed_by;
        if (run_worker_process(p, todo, todo_len, jobs, started, finished, &killed_by) == WORKER_NOT_STARTED) {
            /* No process to spare (fork refused): analyse here, unprotected. */
            p->order = todo;
            p->count = todo_len;
            p->next = 0;
            run_pool(p, jobs);
            break;
        }
        if (killed_by) clear_worker_tmpdir();
        /* Packages a dead worker was in the middle of: each alone now, so
         * that a crash is pinned on the one package that causes it. */
        size_t progress = 0, left = 0;
        for (size_t i = 0; i < todo_len; i++) {
            size_t index = todo[i];
            if (finished[index]) {
                progress++;
            } else if (!started[index]) {
                todo[left++] = index; /* the next worker takes it */
            } else {
                bool *one_started = cg_xcalloc(n + 1, sizeof(bool));
                size_t one[1] = {index};
                int alone_killed_by = 0;
                run_worker_process(p, one, 1, 1, one_started, finished, &alone_killed_by);
                if (alone_killed_by) clear_worker_tmpdir();
                free(one_started);
                if (!finished[index]) package_crashed(p, index, alone_killed_by);
                finished[index] = true;
                progress++;
            }
        }
        if (!progress) { /* the worker dies before any package: give up on them */
            for (size_t i = 0; i < left; i++) package_crashed(p, todo[i], killed_by);
            left = 0;
        }
        todo_len = left;
    }
    clear_worker_tmpdir();
    if (worker_tmpdir[0]) rmdir(worker_tmpdir);
    worker_tmpdir[0] = '\0';
    p->order = order;
    free(todo);
    free(started);
    free(finished);
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
    pid_t worker = (pid_t)worker_pid;
    if (worker > 0) {
        kill(worker, sig);
        while (waitpid(worker, NULL, 0) < 0 && errno == EINTR) {}
    }
    if (worker_tmpdir[0]) rmdir(worker_tmpdir); /* the worker emptied it */
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
    result->notices = found.notices;
    memset(&found.notices, 0, sizeof found.notices);

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
              schedule(&found), found.packages.len, PTHREAD_MUTEX_INITIALIZER, 0, 0, -1, false};
    unsigned jobs = job_count(opts, found.packages.len);
    struct sigaction old_actions[sizeof cleanup_signals / sizeof cleanup_signals[0]];
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
        struct sigaction sa = {.sa_handler = remove_temp_files_and_die};
        sigemptyset(&sa.sa_mask);
        sigaction(cleanup_signals[i], &sa, &old_actions[i]);
    }
    const char *no_isolation = getenv("CGOGUARD_NO_ISOLATION");
    if (found.packages.len && !(no_isolation && *no_isolation && strcmp(no_isolation, "0") != 0))
        supervise(&p, jobs);
    else
        run_pool(&p, jobs);
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
    cg_strvec_free(&result->notices);
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
