/* The library side of the CG024 fixtures. */
#include "lib.h"

#include <stdio.h>
#include <stdlib.h>

static const char *saved_name;
static struct config the_config;

void lib_set_name(const char *name) { saved_name = name; }

int lib_print(const char *s) { return puts(s); }

void lib_config_name(struct config *dst, const char *src) { dst->name = src; }

struct config *lib_config(void) { return &the_config; }

struct window {
    int level;
    struct window *next;
};
static struct window *windows;

struct window *lib_window_new(const char *title, int level) {
    struct config cfg;
    cfg.name = title;
    cfg.level = level;
    puts(cfg.name);
    struct window *w = calloc(1, sizeof *w);
    w->level = cfg.level;
    w->next = windows;
    windows = w;
    return w;
}

char **make_strings(int count) { return calloc((size_t)count + 1, sizeof(char *)); }
void set_string(char **strings, int i, char *s) { strings[i] = s; }
void destroy_strings(char **strings) { free(strings); }
int use_strings(int n, char **strings) { return n > 0 && strings[0] != NULL; }

struct opts *opts_new(const char *path) {
    struct opts *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->path = path;
    return o;
}
void opts_free(struct opts *o) { free(o); }
int opts_use(struct opts *o) { return o->path != NULL; }
