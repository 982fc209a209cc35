/*
 * goroot.c: the runtime's pushed linknames, read from $GOROOT/src/runtime
 * (see goroot.h). One table per goroot and GOOS/GOARCH (files such as
 * time_fake.go or os_windows.go push only under their build constraints),
 * built on first use under a lock and kept until exit: a scan asks for one,
 * and every package of it shares the answer.
 */
#include "goroot.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../discover/discover.h"

enum { MAX_RUNTIME_SOURCE = 4 * 1024 * 1024 };

typedef struct push_table {
    char *goroot;
    char *platform; /* "linux/amd64" */
    bool readable;
    cg_strmap pushed; /* symbol -> file name (both kept until exit) */
} push_table;

static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;
static CG_VEC(push_table *) tables;

/* One-argument //go:linkname directives of one file: `//go:linkname name`. */
static void read_pushes(push_table *t, const char *path, const char *file_name, const cg_build_target *target) {
    char *src = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(path, MAX_RUNTIME_SOURCE, &src, &len, &err) != CG_OK) {
        free(err);
        return;
    }
    if (!cg_build_constraints_ok(file_name, src, target)) {
        free(src);
        return;
    }
    static const char directive[] = "//go:linkname ";
    for (char *line = src; line && *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        if (strncmp(line, directive, sizeof directive - 1) == 0) {
            char *name = line + sizeof directive - 1;
            size_t n = strcspn(name, " \t\r");
            const char *rest = name + n;
            while (*rest == ' ' || *rest == '\t' || *rest == '\r') rest++;
            if (n && *rest == '\0') {
                name[n] = '\0';
                if (!cg_strmap_get(&t->pushed, name)) cg_strmap_put(&t->pushed, name, cg_xstrdup(file_name));
            }
        }
        line = end ? end + 1 : NULL;
    }
    free(src);
}

static push_table *load(const char *goroot, char *platform, const cg_build_target *target) {
    push_table *t = cg_xcalloc(1, sizeof *t);
    t->platform = platform;
    t->goroot = cg_xstrdup(goroot);
    cg_strmap_init(&t->pushed);
    char *src = cg_path_join(goroot, "src");
    char *dir = cg_path_join(src, "runtime");
    free(src);
    DIR *d = opendir(dir);
    t->readable = d != NULL;
    struct dirent *ent;
    while (d && (ent = readdir(d)) != NULL) {
        if (!cg_str_has_suffix(ent->d_name, ".go") || cg_str_has_suffix(ent->d_name, "_test.go")) continue;
        char *path = cg_path_join(dir, ent->d_name);
        read_pushes(t, path, ent->d_name, target);
        free(path);
    }
    if (d) closedir(d);
    free(dir);
    return t;
}

bool cg_goroot_runtime_pushes(const char *goroot, const cg_build_target *target, const char *sym,
                              const char **file, bool *readable) {
    *file = NULL;
    *readable = false;
    if (!goroot || !*goroot) return false;
    char *platform = cg_xasprintf("%s/%s", target->goos, target->goarch);
    pthread_mutex_lock(&tables_lock);
    push_table *t = NULL;
    for (size_t i = 0; i < tables.len && !t; i++)
        if (strcmp(tables.items[i]->goroot, goroot) == 0 && strcmp(tables.items[i]->platform, platform) == 0)
            t = tables.items[i];
    if (!t) {
        t = load(goroot, platform, target); /* takes platform */
        platform = NULL;
        cg_vec_push(&tables, t);
    }
    pthread_mutex_unlock(&tables_lock);
    free(platform);
    /* Read-only once loaded. */
    *readable = t->readable;
    *file = cg_strmap_get(&t->pushed, sym);
    return *file != NULL;
}
