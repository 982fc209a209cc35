/*
 * run.c: `cgoguard run [flags] [--] PROGRAM ARGS...` and
 * `cgoguard run --build PKG [flags] [--] ARGS...`.
 *
 * Prepares the strongest runtime checks the installed Go offers, runs the
 * program with the crash guard preloaded, copies its stderr through while
 * keeping it for analysis, and afterwards prints one summary naming the rule
 * the failure corresponds to (run_rules.c). The program's stdin/stdout are
 * untouched; its exit status becomes ours (128+N for death by signal N, as a
 * shell reports it).
 *
 * Go >= 1.21 checks pointer writes into C memory only when the program was
 * built with GOEXPERIMENT=cgocheck2 (GODEBUG=cgocheck=2 no longer exists), so
 * --build builds it that way, with C debug info (-g -O0) so that crash
 * reports name exact lines. Older Go gets GODEBUG=cgocheck=2 at run time.
 */
#include "run/run.h"

#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CG_GO_EXECUTABLE
#define CG_GO_EXECUTABLE "go"
#endif

enum {
    CG_RUN_EXIT_USAGE = 2,
    CG_RUN_EXIT_CANNOT_RUN = 125,
    CG_RUN_KEEP_OUTPUT = 8 << 20, /* bytes of the program's stderr kept for analysis */
    CG_RUN_MAX_REPORT = 16 << 20,
};

#define CG_RUN_PREFIX "==cgoguard run== "

static const char cg_run_usage[] =
    "usage: cgoguard run [flags] [--] PROGRAM [ARGS...]\n"
    "       cgoguard run --build PACKAGE [flags] [--] [ARGS...]\n"
    "\n"
    "Runs a Go program under the Go runtime's strongest cgo checks, the crash guard\n"
    "(libcgoguard-preload.so) and GOTRACEBACK=crash, then prints a summary that names\n"
    "the rule (CGxxx) the failure corresponds to. The exit status is the program's\n"
    "own: 128+N when it died by signal N, and 2 after a Go panic or fatal error, as\n"
    "without cgoguard run (GOTRACEBACK=crash makes Go end those with SIGABRT, 134;\n"
    "the summary shows both).\n"
    "\n"
    "flags:\n"
    "  -b, --build PACKAGE  build PACKAGE (go build) with GOEXPERIMENT=cgocheck2 and C\n"
    "                       debug info first, then run it with ARGS\n"
    "  -r, --report FILE    keep the crash guard's JSON report in FILE\n"
    "      --go PATH        the go command (default: go on PATH, else the build's)\n"
    "      --no-preload     do not inject the crash guard\n"
    "  -h, --help           show this help\n"
    "\n"
    "environment: CGOGUARD_PRELOAD overrides the preload library's path;\n"
    "CGOGUARD_REPORT=FILE works like -r FILE (-r wins when both are given).\n";

typedef struct cg_run_options {
    const char *build_pkg;
    const char *report_path;
    const char *go;
    bool no_preload;
    char **prog_argv; /* NULL-terminated, points into argv */
} cg_run_options;

/* ---- Small process helpers ---- */

/* Runs argv (with extra environment entries "K=V" from env_extra) and returns
 * its stdout; NULL when it cannot be started or fails. Caller frees. */
static char *cg_run_capture(char *const *argv, const char *const *env_extra)
{
    int fds[2];
    if (pipe(fds) != 0) return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        for (size_t i = 0; env_extra && env_extra[i]; i++) putenv((char *)env_extra[i]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    cg_strbuf out;
    cg_strbuf_init(&out);
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        cg_strbuf_append_n(&out, buf, (size_t)n);
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cg_strbuf_free(&out);
        return NULL;
    }
    return cg_strbuf_detach(&out);
}

static const char *cg_run_go(const cg_run_options *o)
{
    if (o->go) return o->go;
    /* Prefer go on PATH (what the user builds with); else the build's. */
    const char *path = getenv("PATH");
    if (path) {
        char *copy = cg_xstrdup(path);
        bool found = false;
        for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            char *candidate = cg_path_join(dir, "go");
            found = access(candidate, X_OK) == 0;
            free(candidate);
            if (found) break;
        }
        free(copy);
        if (found) return "go";
    }
    return CG_GO_EXECUTABLE;
}

/* The minor version of "go1.22.3" (22), or -1. */
static int cg_run_go_minor(const char *go)
{
    char *argv[] = {(char *)go, "env", "GOVERSION", NULL};
    char *out = cg_run_capture(argv, NULL);
    int minor = -1;
    if (out && strncmp(out, "go1.", 4) == 0) minor = atoi(out + 4);
    free(out);
    return minor;
}

/* ---- Finding the preload library ---- */
static char *cg_run_find_preload(void)
{
    const char *env = getenv("CGOGUARD_PRELOAD");
    if (env && *env) return cg_is_file(env) ? cg_xstrdup(env) : NULL;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *dir = cg_path_dir(self);
        char *next_to = cg_path_join(dir, "libcgoguard-preload.so");
        char *libdir = cg_xasprintf("%s/../lib/libcgoguard-preload.so", dir);
        free(dir);
        if (cg_is_file(next_to)) {
            free(libdir);
            return next_to;
        }
        free(next_to);
        if (cg_is_file(libdir)) return libdir;
        free(libdir);
    }
#ifdef CG_BUILD_PRELOAD_PATH
    if (cg_is_file(CG_BUILD_PRELOAD_PATH)) return cg_xstrdup(CG_BUILD_PRELOAD_PATH);
#endif
    return NULL;
}

/* ---- Options ---- */
static int cg_run_parse(int argc, char **argv, cg_run_options *o)
{
    memset(o, 0, sizeof *o);
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-') break;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(cg_run_usage, stdout);
            return 0;
        }
        if (strcmp(a, "--no-preload") == 0) {
            o->no_preload = true;
            continue;
        }
        const char **slot = NULL;
        if (strcmp(a, "-b") == 0 || strcmp(a, "--build") == 0) slot = &o->build_pkg;
        else if (strcmp(a, "-r") == 0 || strcmp(a, "--report") == 0) slot = &o->report_path;
        else if (strcmp(a, "--go") == 0) slot = &o->go;
        if (!slot) {
            fprintf(stderr, "cgoguard run: unknown flag %s\n%s", a, cg_run_usage);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "cgoguard run: %s needs a value\n", a);
            return -1;
        }
        *slot = argv[++i];
    }
    o->prog_argv = argv + i;
    if (!o->build_pkg && !o->prog_argv[0]) {
        fprintf(stderr, "cgoguard run: no program given\n%s", cg_run_usage);
        return -1;
    }
    return 1;
}

/* ---- Building with cgocheck2 ---- */
static char *cg_run_env_append(const char *name, const char *value, const char *sep)
{
    const char *old = getenv(name);
    if (old && *old) return cg_xasprintf("%s=%s%s%s", name, old, sep, value);
    return cg_xasprintf("%s=%s", name, value);
}

static char *cg_run_build(const cg_run_options *o, const char *go, int go_minor, const char *tmpdir)
{
    char *out = cg_path_join(tmpdir, "prog");
    char *experiment = go_minor >= 21 ? cg_run_env_append("GOEXPERIMENT", "cgocheck2", ",") : NULL;
    char *cflags = getenv("CGO_CFLAGS") ? NULL : cg_xstrdup("CGO_CFLAGS=-g -O0");
    const char *env[3] = {NULL, NULL, NULL};
    size_t ne = 0;
    if (experiment) env[ne++] = experiment;
    if (cflags) env[ne++] = cflags;
    fprintf(stderr, CG_RUN_PREFIX "building %s%s\n", o->build_pkg,
            experiment ? " with GOEXPERIMENT=cgocheck2" : "");
    pid_t pid = fork();
    int status = -1;
    if (pid == 0) {
        for (size_t i = 0; i < ne; i++) putenv((char *)env[i]);
        char *argv[] = {(char *)go, "build", "-o", out, (char *)o->build_pkg, NULL};
        execvp(argv[0], argv);
        fprintf(stderr, "cgoguard run: cannot execute %s: %s\n", go, strerror(errno));
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    free(experiment);
    free(cflags);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "cgoguard run: building %s failed\n", o->build_pkg);
        free(out);
        return NULL;
    }
    return out;
}

/* Whether a binary was built with GOEXPERIMENT=cgocheck2 (go version -m). */
static int cg_run_has_cgocheck2(const char *go, const char *prog)
{
    char *argv[] = {(char *)go, "version", "-m", (char *)prog, NULL};
    char *out = cg_run_capture(argv, NULL);
    if (!out) return -1;
    int yes = strstr(out, "cgocheck2") != NULL;
    free(out);
    return yes;
}

/* ---- Running and collecting ---- */
static int cg_run_child(char **prog_argv, char *const *env_extra, cg_strbuf *kept)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        for (size_t i = 0; env_extra[i]; i++) putenv(env_extra[i]);
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execvp(prog_argv[0], prog_argv);
        fprintf(stderr, "cgoguard run: cannot execute %s: %s\n", prog_argv[0], strerror(errno));
        _exit(CG_RUN_EXIT_CANNOT_RUN);
    }
    close(fds[1]);
    /* Ctrl-C goes to the whole process group: let the program handle it and
     * stay alive to print the summary. */
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    char buf[8192];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(2, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += w;
        }
        if (kept->len < CG_RUN_KEEP_OUTPUT) cg_strbuf_append_n(kept, buf, (size_t)n);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return status;
}

/* The string value of "key":"..." at or after `from` in one JSON line (our
 * own report format: no nesting of the key names we look for). Caller frees. */
static char *cg_run_json_string(const char *line, const char *key)
{
    char *needle = cg_xasprintf("\"%s\":\"", key);
    const char *p = strstr(line, needle);
    size_t skip = strlen(needle);
    free(needle);
    if (!p) return NULL;
    p += skip;
    cg_strbuf v;
    cg_strbuf_init(&v);
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            if (*p == 'u' && strlen(p) >= 5) p += 4, c = '?';
            cg_strbuf_append_char(&v, c);
        } else {
            cg_strbuf_append_char(&v, *p);
        }
    }
    return cg_strbuf_detach(&v);
}

static void cg_run_print_rule(const cg_run_signature *s, const char *why)
{
    fprintf(stderr, CG_RUN_PREFIX "rule %s %s: %s\n", s->rule_id, s->rule_name, why);
    fprintf(stderr, CG_RUN_PREFIX "  see `cgoguard explain %s`; `cgoguard scan` reports it statically\n", s->rule_id);
}

/* A line of Go's fatal report: "panic: ", "fatal error: " or a signal it
 * could not handle ("SIGSEGV: segmentation violation"). */
static bool cg_run_go_fatal_line(const char *line)
{
    if (strncmp(line, "panic: ", 7) == 0 || strncmp(line, "fatal error: ", 13) == 0) return true;
    if (strncmp(line, "SIG", 3) != 0) return false;
    const char *p = line + 3;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) p++;
    return p > line + 3 && p[0] == ':' && p[1] == ' ';
}

/* Whether the Go runtime ended the program: a fatal line followed by its
 * goroutine traceback. It then exits with status 2 (runtime/panic.go
 * fatalpanic and fatalthrow, signal_unix.go sighandler), or, with
 * GOTRACEBACK=crash, raises SIGABRT (crash -> dieFromSignal). */
static bool cg_run_go_died(const char *output)
{
    bool fatal = false;
    for (const char *line = output; line && *line;) {
        if (!fatal) fatal = cg_run_go_fatal_line(line);
        else if (strncmp(line, "goroutine ", 10) == 0) return true;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

/* Prints the summary; returns how many problems it named. own_status >= 0
 * is the program's own exit status when GOTRACEBACK=crash, which we set,
 * turned it into SIGABRT. */
static int cg_run_summarize(const char *prog, int status, int own_status, const char *output,
                            const char *report_path)
{
    int problems = 0;
    fputs("\n", stderr);
    if (own_status >= 0)
        fprintf(stderr,
                CG_RUN_PREFIX "%s exited with status %d (the Go runtime's status after a panic or fatal "
                              "error); GOTRACEBACK=crash, which cgoguard run sets so that Go lists every "
                              "goroutine, made it end with signal %d (%s, status %d from a shell) instead\n",
                prog, own_status, WTERMSIG(status), strsignal(WTERMSIG(status)), 128 + WTERMSIG(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr, CG_RUN_PREFIX "%s was killed by signal %d (%s)\n", prog, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    else
        fprintf(stderr, CG_RUN_PREFIX "%s exited with status %d\n", prog, WEXITSTATUS(status));

    /* The crash guard's reports, one JSON object per line. */
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (report_path && cg_read_file(report_path, CG_RUN_MAX_REPORT, &data, &len, &err) == CG_OK) {
        for (char *save = NULL, *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *summary = cg_run_json_string(line, "summary");
            char *cls = cg_run_json_string(line, "classification");
            const char *alloc = strstr(line, "\"allocation\":{");
            char *kind = alloc ? cg_run_json_string(alloc, "kind") : NULL;
            fprintf(stderr, CG_RUN_PREFIX "crash guard: %s\n", summary ? summary : "(report without summary)");
            const cg_run_signature *s = cg_run_match_crash_kind(kind ? kind : cls);
            if (s) {
                cg_run_print_rule(s, kind ? kind : cls);
            } else {
                fprintf(stderr, CG_RUN_PREFIX "no cgo boundary rule: a fault in C code (%s); the report above "
                                "names the function, line and thread\n",
                        cls ? cls : "unknown");
            }
            problems++;
            free(summary);
            free(cls);
            free(kind);
        }
    }
    free(data);
    free(err);

    /* The Go runtime's own checks. */
    const cg_run_signature *s = cg_run_match_output(output);
    if (s) {
        cg_run_print_rule(s, "the Go runtime's cgo check failed");
        const char *at = strstr(output, s->text);
        const char *start = at;
        while (start > output && start[-1] != '\n') start--;
        const char *end = strchr(at, '\n');
        fprintf(stderr, CG_RUN_PREFIX "  %.*s\n", (int)(end ? end - start : (long)strlen(start)), start);
        problems++;
    }
    if (!problems) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            fprintf(stderr, CG_RUN_PREFIX "no crash and no cgo check failure\n");
        else
            fprintf(stderr, CG_RUN_PREFIX "no crash report and no cgo check failure was recognized\n");
    }
    return problems;
}

int cg_cmd_run(int argc, char **argv)
{
    cg_run_options o;
    int parsed = cg_run_parse(argc, argv, &o);
    if (parsed <= 0) return parsed == 0 ? 0 : CG_RUN_EXIT_USAGE;

    const char *go = cg_run_go(&o);
    char tmpl[] = "/tmp/cgoguard-run-XXXXXX";
    char *tmpdir = mkdtemp(tmpl);
    if (!tmpdir) {
        fprintf(stderr, "cgoguard run: cannot create a temporary directory: %s\n", strerror(errno));
        return CG_RUN_EXIT_CANNOT_RUN;
    }
    int go_minor = cg_run_go_minor(go);
    int rc = CG_RUN_EXIT_CANNOT_RUN;
    char *built = NULL;
    char **prog_argv = o.prog_argv;
    char **owned_argv = NULL;
    /* CGOGUARD_REPORT=FILE, the crash guard's own setting, works like -r FILE. */
    const char *env_report = getenv("CGOGUARD_REPORT");
    if (env_report && *env_report) {
        if (!o.report_path)
            o.report_path = env_report;
        else if (strcmp(env_report, o.report_path) != 0)
            fprintf(stderr, CG_RUN_PREFIX "note: -r %s overrides CGOGUARD_REPORT=%s\n", o.report_path, env_report);
    }
    char *report = o.report_path ? cg_xstrdup(o.report_path) : cg_path_join(tmpdir, "report.json");
    char *preload = o.no_preload ? NULL : cg_run_find_preload();
    CG_VEC(char *) env = {0};

    if (o.build_pkg) {
        built = cg_run_build(&o, go, go_minor, tmpdir);
        if (!built) goto out;
        size_t n = 0;
        while (o.prog_argv[n]) n++;
        owned_argv = cg_xcalloc(n + 2, sizeof *owned_argv);
        owned_argv[0] = built;
        for (size_t i = 0; i < n; i++) owned_argv[i + 1] = o.prog_argv[i];
        prog_argv = owned_argv;
    } else if (go_minor >= 21 && cg_run_has_cgocheck2(go, prog_argv[0]) == 0) {
        fprintf(stderr, CG_RUN_PREFIX "note: %s was not built with GOEXPERIMENT=cgocheck2, so Go pointers "
                        "stored into C memory (CG002) are not checked; use --build\n", prog_argv[0]);
    }

    if (o.report_path) unlink(report); /* the guard appends */
    if (preload) {
        cg_vec_push(&env, cg_run_env_append("LD_PRELOAD", preload, ":"));
    } else if (!o.no_preload) {
        fprintf(stderr, CG_RUN_PREFIX "warning: libcgoguard-preload.so not found (set CGOGUARD_PRELOAD); "
                        "running without the crash guard\n");
    }
    cg_vec_push(&env, cg_xasprintf("CGOGUARD_REPORT=%s", report));
    bool traceback_ours = !getenv("GOTRACEBACK");
    if (traceback_ours) cg_vec_push(&env, cg_xstrdup("GOTRACEBACK=crash"));
    if (go_minor >= 0 && go_minor < 21) cg_vec_push(&env, cg_run_env_append("GODEBUG", "cgocheck=2", ","));
    cg_vec_push(&env, (char *)NULL);

    cg_strbuf kept;
    cg_strbuf_init(&kept);
    fflush(stdout);
    int status = cg_run_child(prog_argv, env.items, &kept);
    if (status < 0) {
        fprintf(stderr, "cgoguard run: cannot start %s: %s\n", prog_argv[0], strerror(errno));
    } else {
        char *name = o.build_pkg ? cg_xasprintf("the program built from %s", o.build_pkg) : cg_xstrdup(prog_argv[0]);
        const char *output = kept.data ? kept.data : "";
        int own = traceback_ours && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && cg_run_go_died(output)
                      ? 2
                      : -1;
        cg_run_summarize(name, status, own, output, report);
        free(name);
        if (o.report_path) fprintf(stderr, CG_RUN_PREFIX "JSON report: %s\n", o.report_path);
        rc = own >= 0 ? own : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
    cg_strbuf_free(&kept);

out:
    for (size_t i = 0; i < env.len; i++) free(env.items[i]);
    cg_vec_free(&env);
    if (!o.report_path) unlink(report);
    if (built) unlink(built);
    rmdir(tmpdir);
    free(built);
    free(owned_argv);
    free(report);
    free(preload);
    return rc;
}
