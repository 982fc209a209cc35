/*
 * discover.c: expands patterns into packages (directories) and their files,
 * in a deterministic order, keeping the packages that use cgo.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover.h"

/* Go files larger than this are still listed; the front-end decides to skip. */
enum { HEAD_BYTES = 1 << 20 };

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_problem(cg_discovery *out, const char *path, char *message) {
    cg_discover_problem p = {cg_xstrdup(path), message};
    cg_vec_push(&out->problems, p);
}

/* Reads at most HEAD_BYTES of a file (constraints and imports sit at the top
 * of well-formed files; a huge generated file still has them there). */
static char *read_head(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = cg_xmalloc(HEAD_BYTES + 1);
    size_t n = fread(buf, 1, HEAD_BYTES, f);
    fclose(f);
    buf[n] = '\0';
    /* A NUL byte would end the text for the checks below, and a package
     * whose import "C" sits after one would vanish without a word (found
     * with hostile input); past them, the front-end reports the file as not Go text. */
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0') buf[i] = ' ';
    return buf;
}

/* A cheap textual check for `import "C"`, confirmed later by the parser. */
static bool mentions_import_c(const char *text) {
    for (const char *p = strstr(text, "\"C\""); p; p = strstr(p + 3, "\"C\"")) {
        const char *line = p;
        while (line > text && line[-1] != '\n') line--;
        const char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (s == p) return true; /* inside import ( ... ) */
        if (strncmp(s, "import", 6) == 0) return true;
    }
    return false;
}

static bool is_ignored_name(const char *name) {
    return name[0] == '.' || name[0] == '_';
}

/* Builds the package for dir from the given file names (all .go/.c files of
 * the dir when names is NULL). Returns NULL when no Go file uses cgo. */
static cg_pkg_files *scan_package(const char *dir, char **names, size_t count,
                                  const cg_discover_options *opts) {
    cg_pkg_files *pkg = cg_xcalloc(1, sizeof(*pkg));
    pkg->dir = cg_xstrdup(dir);
    bool uses_cgo = false;
    for (size_t i = 0; i < count; i++) {
        const char *name = names[i];
        bool is_go = cg_str_has_suffix(name, ".go"), is_c = cg_str_has_suffix(name, ".c");
        if ((!is_go && !is_c) || is_ignored_name(name)) continue;
        if (is_go && cg_str_has_suffix(name, "_test.go")) continue; /* cgo is not allowed there */
        char *path = cg_path_join(dir, name);
        if (!cg_is_file(path)) {
            free(path);
            continue;
        }
        char *head = read_head(path);
        if (!head || !cg_build_constraints_ok(name, head, &opts->target)) {
            pkg->excluded_count++;
            free(head);
            free(path);
            continue;
        }
        if (is_go) {
            if (mentions_import_c(head)) uses_cgo = true;
            cg_vec_push(&pkg->go_files, path);
        } else {
            cg_vec_push(&pkg->c_files, path);
        }
        free(head);
    }
    if (!uses_cgo) {
        cg_pkg_files_free(pkg);
        return NULL;
    }
    return pkg;
}

/* Sorted entry names of a directory; subdirs separately when wanted. */
static bool list_dir(const char *dir, cg_strvec *files, cg_strvec *subdirs, char **err) {
    DIR *d = opendir(dir);
    if (!d) {
        *err = cg_xasprintf("cannot read directory: %s", strerror(errno));
        return false;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
        char *path = cg_path_join(dir, ent->d_name);
        struct stat st;
        /* lstat: like the go tool, ./... does not follow symlinked directories. */
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (subdirs) cg_vec_push(subdirs, cg_xstrdup(ent->d_name));
            } else {
                cg_vec_push(files, cg_xstrdup(ent->d_name));
            }
        }
        free(path);
    }
    closedir(d);
    if (files->len) qsort(files->items, files->len, sizeof(char *), compare_strings);
    if (subdirs && subdirs->len) qsort(subdirs->items, subdirs->len, sizeof(char *), compare_strings);
    return true;
}

static void scan_dir(const char *dir, bool recursive, const cg_discover_options *opts,
                     cg_discovery *out) {
    cg_strvec files = {0};
    cg_strvec subdirs = {0};
    char *err = NULL;
    if (!list_dir(dir, &files, recursive ? &subdirs : NULL, &err)) {
        add_problem(out, dir, err);
        return;
    }
    cg_pkg_files *pkg = scan_package(dir, files.items, files.len, opts);
    if (pkg) cg_vec_push(&out->packages, pkg);
    for (size_t i = 0; i < subdirs.len; i++) {
        const char *name = subdirs.items[i];
        if (is_ignored_name(name) || strcmp(name, "testdata") == 0) continue;
        if (strcmp(name, "vendor") == 0 && !opts->include_vendor) continue;
        char *sub = cg_path_join(dir, name);
        scan_dir(sub, true, opts, out);
        free(sub);
    }
    cg_strvec_free(&files);
    cg_strvec_free(&subdirs);
}

void cg_discover(const char *const *patterns, size_t pattern_count, const cg_discover_options *opts,
                 cg_discovery *out) {
    memset(out, 0, sizeof(*out));
    /* Loose .go/.c file arguments form ad-hoc packages, one per directory. */
    cg_strvec loose = {0};
    for (size_t i = 0; i < pattern_count; i++) {
        const char *pattern = patterns[i];
        size_t len = strlen(pattern);
        if (len >= 3 && strcmp(pattern + len - 3, "...") == 0) {
            char *root = cg_xstrndup(pattern, len - 3);
            size_t rl = strlen(root);
            while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
            if (rl == 0) {
                free(root);
                root = cg_xstrdup(".");
            }
            if (!cg_is_dir(root)) add_problem(out, root, cg_xstrdup("no such directory"));
            else scan_dir(root, true, opts, out);
            free(root);
        } else if (cg_is_dir(pattern)) {
            scan_dir(pattern, false, opts, out);
        } else if (cg_is_file(pattern)) {
            if (cg_str_has_suffix(pattern, ".go") || cg_str_has_suffix(pattern, ".c"))
                cg_vec_push(&loose, cg_xstrdup(pattern));
            else
                add_problem(out, pattern, cg_xstrdup("not a Go or C file, nor a directory"));
        } else {
            add_problem(out, pattern, cg_xasprintf("no such file or directory"));
        }
    }
    if (loose.len) qsort(loose.items, loose.len, sizeof(char *), compare_strings);
    for (size_t i = 0; i < loose.len;) {
        char *dir = cg_path_dir(loose.items[i]);
        size_t j = i;
        cg_strvec names = {0};
        while (j < loose.len) {
            char *d2 = cg_path_dir(loose.items[j]);
            bool same = strcmp(d2, dir) == 0;
            free(d2);
            if (!same) break;
            cg_vec_push(&names, cg_xstrdup(cg_path_base(loose.items[j])));
            j++;
        }
        cg_pkg_files *pkg = scan_package(dir, names.items, names.len, opts);
        if (pkg) cg_vec_push(&out->packages, pkg);
        else add_problem(out, loose.items[i], cg_xstrdup("no Go file here imports \"C\" (or all are excluded by build constraints)"));
        cg_strvec_free(&names);
        free(dir);
        i = j;
    }
    cg_strvec_free(&loose);
}

void cg_pkg_files_free(cg_pkg_files *pkg) {
    if (!pkg) return;
    cg_strvec_free(&pkg->go_files);
    cg_strvec_free(&pkg->c_files);
    cg_strvec_free(&pkg->env_cflags);
    cg_strvec_free(&pkg->thread_error_api);
    cg_strvec_free(&pkg->thread_affine);
    free(pkg->dir);
    free(pkg);
}

void cg_discovery_free(cg_discovery *d) {
    for (size_t i = 0; i < d->packages.len; i++) {
        cg_pkg_files_free(d->packages.items[i]);
    }
    free(d->packages.items);
    for (size_t i = 0; i < d->problems.len; i++) {
        free(d->problems.items[i].path);
        free(d->problems.items[i].message);
    }
    free(d->problems.items);
    cg_strvec_free(&d->notices);
    memset(d, 0, sizeof(*d));
}
