/*
 * golist.c: packages from `go list` (see load.h): the go command decides
 * what a pattern means and which files the build uses (tags, GOOS/GOARCH,
 * generated files, vendoring, modules), cgoguard reads those files.
 *
 * A directory pattern inside a module (a go.mod at or above it) is listed
 * by the go command in that module, and a recursive one also in each module
 * nested below it (where `go list ./...` stops, cgoguard goes on, as its
 * walk always did). Import-path patterns are listed from the current
 * directory. Everything else, and everything when the go command does not
 * answer, is walked (discover.c). Paths are shown relative to the current
 * directory when they lie below it, absolute otherwise (the module cache).
 */
#include "load.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/json_read.h"
#include "goenv.h"

static const char LIST_FIELDS[] =
    "-json=Dir,ImportPath,GoFiles,CgoFiles,CFiles,IgnoredGoFiles,IgnoredOtherFiles,Standard,DepOnly,Error";

typedef struct job {
    char *dir; /* where go list runs */
    cg_strvec patterns;
    cg_strvec walk_as; /* each pattern as the walk takes it, should go list fail */
} job;

typedef CG_VEC(job) job_vec;

/* Adds pattern (as go list in dir takes it) and walk_as (the same as the
 * walk from the current directory takes it); takes both. */
static void add_pattern(job *j, char *pattern, char *walk_as) {
    cg_vec_push(&j->patterns, pattern);
    cg_vec_push(&j->walk_as, walk_as);
}

static job *job_for(job_vec *jobs, const char *dir) {
    for (size_t i = 0; i < jobs->len; i++)
        if (strcmp(jobs->items[i].dir, dir) == 0) return &jobs->items[i];
    job j = {cg_xstrdup(dir), {0}, {0}};
    cg_vec_push(jobs, j);
    return &jobs->items[jobs->len - 1];
}

/* The directory of the nearest go.mod at or above dir (absolute), or NULL. */
static char *module_root(const char *dir) {
    static const char *const go_mod[] = {"go.mod"};
    char *mod = cg_find_upward(dir, go_mod, 1);
    char *root = mod ? cg_path_dir(mod) : NULL;
    free(mod);
    return root;
}

/* Modules nested below dir (not dir itself), the way the walk descends:
 * no testdata, vendor, or names starting with '.' or '_'. */
static void nested_modules(const char *dir, bool top, cg_strvec *out) {
    if (!top) {
        char *mod = cg_path_join(dir, "go.mod");
        bool found = cg_is_file(mod);
        free(mod);
        if (found) cg_vec_push(out, realpath(dir, NULL));
    }
    DIR *d = opendir(dir);
    if (!d) return;
    cg_strvec subs = {0};
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const char *n = e->d_name;
        if (n[0] == '.' || n[0] == '_' || strcmp(n, "testdata") == 0 || strcmp(n, "vendor") == 0) continue;
        char *path = cg_path_join(dir, n);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) cg_vec_push(&subs, path);
        else free(path);
    }
    closedir(d);
    for (size_t i = 0; i < subs.len; i++) nested_modules(subs.items[i], false, out);
    cg_strvec_free(&subs);
}

/* dir shown relative to the current directory when below it. */
static char *display_dir(const char *abs, const char *cwd) {
    size_t n = strlen(cwd);
    if (strcmp(abs, cwd) == 0) return cg_xstrdup(".");
    if (strncmp(abs, cwd, n) == 0 && abs[n] == '/') return cg_xstrdup(abs + n + 1);
    return cg_xstrdup(abs);
}

static void push_names(cg_strvec *out, const char *dir, const cg_jvalue *list, const char *suffix) {
    for (size_t i = 0; list && list->kind == CG_JARRAY && i < list->count; i++) {
        const char *name = cg_jvalue_string(list->items[i]);
        if (name && (!suffix || cg_str_has_suffix(name, suffix))) cg_vec_push(out, cg_path_join(dir, name));
    }
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool have_dir(const cg_discovery *out, const char *dir) {
    for (size_t i = 0; i < out->packages.len; i++)
        if (strcmp(out->packages.items[i]->dir, dir) == 0) return true;
    return false;
}

static void add_problem(cg_discovery *out, const char *path, char *message);

/* One package of the list: kept when it has cgo files (and is not the
 * standard library reached as a dependency). */
static void take_package(const cg_jvalue *p, const cg_load_options *opts, const char *cwd, cg_discovery *out) {
    const char *dir = cg_jvalue_string(cg_jvalue_get(p, "Dir"));
    const cg_jvalue *cgo = cg_jvalue_get(p, "CgoFiles");
    const cg_jvalue *std = cg_jvalue_get(p, "Standard"), *dep = cg_jvalue_get(p, "DepOnly");
    bool is_std = std && std->kind == CG_JBOOL && std->boolean;
    bool dep_only = dep && dep->kind == CG_JBOOL && dep->boolean;
    if (dep_only && (is_std || !opts->deps)) return;
    /* A package the go command could not load at all ("cannot find
     * module providing package", "go.mod file not found") is a problem; one
     * that loaded with an error in a file is analysed, and the front-end
     * says what it could not read. A directory without Go files is just no
     * package, as for the walk. */
    const char *error = cg_jvalue_string(cg_jvalue_get(cg_jvalue_get(p, "Error"), "Err"));
    const cg_jvalue *gofiles = cg_jvalue_get(p, "GoFiles");
    bool has_files = (gofiles && gofiles->count) || (cgo && cgo->count);
    if (error && !has_files && !strstr(error, "no Go files") && !strstr(error, "build constraints exclude")) {
        const char *path = cg_jvalue_string(cg_jvalue_get(p, "ImportPath"));
        add_problem(out, path ? path : dir ? dir : "go list", cg_xstrdup(error));
        return;
    }
    if (!dir || !cgo || cgo->kind != CG_JARRAY || cgo->count == 0) return;
    char *shown = display_dir(dir, cwd);
    if (have_dir(out, shown)) {
        free(shown);
        return;
    }
    cg_pkg_files *pkg = cg_xcalloc(1, sizeof *pkg);
    pkg->dir = shown;
    push_names(&pkg->go_files, shown, cg_jvalue_get(p, "GoFiles"), NULL);
    push_names(&pkg->go_files, shown, cgo, NULL);
    push_names(&pkg->c_files, shown, cg_jvalue_get(p, "CFiles"), NULL);
    qsort(pkg->go_files.items, pkg->go_files.len, sizeof(char *), compare_strings);
    if (pkg->c_files.len) qsort(pkg->c_files.items, pkg->c_files.len, sizeof(char *), compare_strings);
    const cg_jvalue *ig = cg_jvalue_get(p, "IgnoredGoFiles"), *io = cg_jvalue_get(p, "IgnoredOtherFiles");
    pkg->excluded_count = (ig ? ig->count : 0) + (io ? io->count : 0);
    cg_vec_push(&out->packages, pkg);
}

static void add_problem(cg_discovery *out, const char *path, char *message) {
    cg_discover_problem p = {cg_xstrdup(path), message};
    cg_vec_push(&out->problems, p);
}

/* go list -json prints one object after the other: split the stream at the
 * end of each top-level object (braces outside strings). */
static void each_object(const char *data, size_t len, const cg_load_options *opts, const char *cwd,
                        const char *where, cg_discovery *out) {
    size_t start = 0;
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' && depth++ == 0) start = i;
        else if (c == '}' && --depth == 0) {
            cg_jdoc doc;
            char *err = NULL;
            if (cg_jdoc_parse(data + start, i + 1 - start, &doc, &err) == CG_OK) {
                take_package(doc.root, opts, cwd, out);
                cg_jdoc_free(&doc);
            } else {
                add_problem(out, where, cg_xasprintf("cannot read the output of go list: %s", err));
                free(err);
                return;
            }
        }
    }
}

/* The go command's message on one line ("to update it:\n\tgo mod tidy"
 * reads "to update it: go mod tidy"), cut at max bytes. */
static char *one_line(const char *msg, size_t max) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    bool space = false;
    for (const char *c = msg; *c && sb.len < max; c++) {
        if (*c == '\n' || *c == '\t' || *c == ' ') {
            space = sb.len > 0;
            continue;
        }
        if (space) cg_strbuf_append(&sb, " ");
        space = false;
        cg_strbuf_append_n(&sb, c, 1);
    }
    if (sb.len >= max) cg_strbuf_append(&sb, "...");
    return cg_strbuf_detach(&sb);
}

static bool run_job(const job *j, const cg_load_options *opts, const char *cwd, cg_discovery *out) {
    cg_strvec argv = {0};
    cg_vec_push(&argv, cg_xstrdup(cg_go_command()));
    cg_vec_push(&argv, cg_xstrdup("list"));
    cg_vec_push(&argv, cg_xstrdup("-e"));
    cg_vec_push(&argv, cg_xstrdup(LIST_FIELDS));
    if (opts->deps) cg_vec_push(&argv, cg_xstrdup("-deps"));
    if (opts->target.tag_count) {
        cg_strbuf sb;
        cg_strbuf_init(&sb);
        cg_strbuf_append(&sb, "-tags=");
        for (size_t i = 0; i < opts->target.tag_count; i++)
            cg_strbuf_printf(&sb, "%s%s", i ? "," : "", opts->target.tags[i]);
        cg_vec_push(&argv, cg_strbuf_detach(&sb));
    }
    cg_vec_push(&argv, cg_xstrdup("--"));
    for (size_t i = 0; i < j->patterns.len; i++) cg_vec_push(&argv, cg_xstrdup(j->patterns.items[i]));
    cg_vec_push(&argv, NULL);
    char *goos = cg_xasprintf("GOOS=%s", opts->target.goos), *goarch = cg_xasprintf("GOARCH=%s", opts->target.goarch);
    /* CGO_ENABLED=1: cgo files are listed even for a target the host cannot
     * build for (cgo is off by default when cross-compiling). */
    const char *env[] = {goos, goarch, "CGO_ENABLED=1", NULL};
    char *text = NULL, *err = NULL;
    size_t len = 0;
    int rc = cg_run_capture(j->dir, (const char *const *)argv.items, env, &text, &len, &err);
    argv.len--; /* the NULL */
    bool ok = rc == 0 || (rc > 0 && len > 0);
    if (ok) {
        each_object(text, len, opts, cwd, j->dir, out);
    } else if (rc >= 0) {
        char *msg = err && *err ? err : cg_xstrdup("go list failed");
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n') msg[--n] = '\0';
        char *shown = display_dir(j->dir, cwd);
        if (opts->loader == CG_LOAD_AUTO) {
            /* A module the go command refuses (go.mod needs tidying, a
             * go.work naming a missing module: common in a module cache
             * or a checkout in progress) still has files cgoguard can
             * read: walked, as without a go command, and said so. */
            char *flat = one_line(msg, 300);
            cg_vec_push(&out->notices, cg_xasprintf("%s: go list %s failed (%s); its directories were walked instead",
                                                    shown, j->patterns.items[0], flat));
            free(flat);
        } else {
            add_problem(out, shown, cg_xasprintf("go list %s: %s", j->patterns.items[0], msg));
            ok = true; /* the go command answered: no walk instead */
        }
        free(shown);
        if (msg != err) free(msg);
    }
    free(text);
    free(err);
    free(goos);
    free(goarch);
    cg_strvec_free(&argv);
    return ok;
}

/* ---- Patterns ---- */

/* cgoguard always took "dir/sub" for a directory: a pattern is an import
 * path only when it is no file or directory here and its first element
 * looks like a module path's (example.com/...), or with --loader=go. */
static bool is_path_like(const char *p, cg_loader loader) {
    if (p[0] == '.' || p[0] == '/' || cg_is_dir(p) || cg_is_file(p)) return true;
    size_t first = strcspn(p, "/");
    return loader != CG_LOAD_GO && !memchr(p, '.', first);
}

/* The pattern as seen from the module root: "./rel/..." or "./rel". */
static char *relative_pattern(const char *root_abs, const char *module, bool recursive) {
    size_t n = strlen(module);
    const char *rel = strcmp(root_abs, module) == 0 ? "" : root_abs + n + 1;
    if (!*rel) return cg_xstrdup(recursive ? "./..." : ".");
    return cg_xasprintf("./%s%s", rel, recursive ? "/..." : "");
}

static bool go_answers(void) {
    static const char *const keys[] = {"GOVERSION"};
    cg_strvec v = {0};
    bool ok = cg_go_env(NULL, keys, 1, &v);
    cg_strvec_free(&v);
    return ok;
}

void cg_load_packages(const char *const *patterns, size_t count, const cg_load_options *opts, cg_discovery *out) {
    memset(out, 0, sizeof *out);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    bool use_go = opts->loader != CG_LOAD_WALK && go_answers();
    cg_strvec walk = {0}, dir_patterns = {0};
    job_vec jobs = {0};
    for (size_t i = 0; i < count; i++) {
        const char *p = patterns[i];
        size_t len = strlen(p);
        bool recursive = len >= 3 && strcmp(p + len - 3, "...") == 0;
        char *root = recursive ? cg_xstrndup(p, len - 3) : cg_xstrdup(p);
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
        if (rl == 0) {
            free(root);
            root = cg_xstrdup(".");
        }
        if (!recursive && cg_is_dir(root)) cg_vec_push(&dir_patterns, cg_xstrdup(root));
        if (!use_go || cg_is_file(p)) {
            cg_vec_push(&walk, cg_xstrdup(p));
        } else if (!is_path_like(root, opts->loader)) {
            add_pattern(job_for(&jobs, cwd), cg_xstrdup(p), cg_xstrdup(p)); /* an import path */
        } else if (!cg_is_dir(root)) {
            cg_vec_push(&walk, cg_xstrdup(p)); /* the walk says "no such directory" */
        } else {
            char *module = module_root(root);
            char *abs = realpath(root, NULL);
            if (!module && opts->loader != CG_LOAD_GO) {
                cg_vec_push(&walk, cg_xstrdup(p));
            } else {
                char *rel = module ? relative_pattern(abs, module, recursive) : cg_xstrdup(p);
                add_pattern(job_for(&jobs, module ? module : cwd), rel, cg_xstrdup(p));
                if (recursive) {
                    cg_strvec nested = {0};
                    nested_modules(root, true, &nested);
                    for (size_t k = 0; k < nested.len; k++)
                        if (nested.items[k]) {
                            char *shown = display_dir(nested.items[k], cwd);
                            add_pattern(job_for(&jobs, nested.items[k]), cg_xstrdup("./..."),
                                        cg_xasprintf("%s/...", shown));
                            free(shown);
                        }
                    cg_strvec_free(&nested);
                }
            }
            free(module);
            free(abs);
        }
        free(root);
    }
    for (size_t i = 0; i < jobs.len; i++) {
        if (!run_job(&jobs.items[i], opts, cwd, out)) {
            /* The go command did not run or refused the module: the walk
             * for those patterns (an import path stays as it is: the walk
             * says it is no directory). */
            for (size_t k = 0; k < jobs.items[i].walk_as.len; k++)
                cg_vec_push(&walk, cg_xstrdup(jobs.items[i].walk_as.items[k]));
        }
        free(jobs.items[i].dir);
        cg_strvec_free(&jobs.items[i].patterns);
        cg_strvec_free(&jobs.items[i].walk_as);
    }
    cg_vec_free(&jobs);
    if (walk.len) {
        cg_discover_options dopts = {opts->target, opts->include_vendor};
        cg_discovery walked;
        cg_discover((const char *const *)walk.items, walk.len, &dopts, &walked);
        for (size_t i = 0; i < walked.packages.len; i++) {
            if (have_dir(out, walked.packages.items[i]->dir)) continue;
            cg_vec_push(&out->packages, walked.packages.items[i]);
            walked.packages.items[i] = NULL;
        }
        for (size_t i = 0; i < walked.problems.len; i++) {
            cg_vec_push(&out->problems, walked.problems.items[i]);
            walked.problems.items[i] = (cg_discover_problem){0};
        }
        size_t kept = 0;
        for (size_t i = 0; i < walked.packages.len; i++)
            if (walked.packages.items[i]) walked.packages.items[kept++] = walked.packages.items[i];
        walked.packages.len = kept;
        walked.problems.len = 0;
        cg_discovery_free(&walked);
    }
    cg_load_suggest_recursive((const char *const *)dir_patterns.items, dir_patterns.len, opts, out);
    cg_strvec_free(&walk);
    cg_strvec_free(&dir_patterns);
    cg_load_sort(out);
}

/* ---- Shared by both loaders ---- */

static bool same_dir(const char *a, const char *b) {
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    bool same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

void cg_load_suggest_recursive(const char *const *dirs, size_t count, const cg_load_options *opts,
                               cg_discovery *out) {
    for (size_t i = 0; i < count; i++) {
        bool found = false;
        for (size_t k = 0; k < out->packages.len && !found; k++) found = same_dir(out->packages.items[k]->dir, dirs[i]);
        if (found) continue;
        char *pattern = strcmp(dirs[i], ".") == 0 ? cg_xstrdup("./...") : cg_path_join(dirs[i], "...");
        const char *one[] = {pattern};
        cg_discover_options dopts = {opts->target, opts->include_vendor};
        cg_discovery below;
        cg_discover(one, 1, &dopts, &below);
        if (below.packages.len)
            add_problem(out, dirs[i],
                        cg_xasprintf("no cgo package in this directory, but %zu below it: did you mean %s?",
                                     below.packages.len, pattern));
        cg_discovery_free(&below);
        free(pattern);
    }
}

static int by_dir(const void *a, const void *b) {
    return strcmp((*(cg_pkg_files *const *)a)->dir, (*(cg_pkg_files *const *)b)->dir);
}

void cg_load_sort(cg_discovery *found) {
    if (found->packages.len > 1)
        qsort(found->packages.items, found->packages.len, sizeof *found->packages.items, by_dir);
}
