/*
 * constraints.c: Go build constraints, as `go help buildconstraint`
 * describes them: GOOS/GOARCH file name suffixes, //go:build expressions,
 * and the older // +build lines when no //go:build line is present.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"

static const char *const known_os[] = {
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"};
static const char *const unix_os[] = {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd",
                                      "illumos", "ios", "linux", "netbsd", "openbsd", "solaris"};
static const char *const known_arch[] = {
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"};

#define IN_LIST(list, word) in_list(list, sizeof(list) / sizeof(list[0]), word)

static bool in_list(const char *const *list, size_t n, const char *word) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], word) == 0) return true;
    return false;
}

static bool tag_ok(const char *tag, const cg_build_target *t) {
    if (strcmp(tag, t->goos) == 0 || strcmp(tag, t->goarch) == 0) return true;
    if (strcmp(tag, "unix") == 0) return IN_LIST(unix_os, t->goos);
    if (strcmp(tag, "cgo") == 0 || strcmp(tag, "gc") == 0) return true;
    /* android implies linux, ios implies darwin, illumos implies solaris */
    if (strcmp(tag, "linux") == 0 && strcmp(t->goos, "android") == 0) return true;
    if (strcmp(tag, "darwin") == 0 && strcmp(t->goos, "ios") == 0) return true;
    if (strcmp(tag, "solaris") == 0 && strcmp(t->goos, "illumos") == 0) return true;
    if (strncmp(tag, "go1.", 4) == 0) {
        char *end;
        long minor = strtol(tag + 4, &end, 10);
        return *end == '\0' && minor >= 0 && (unsigned long)minor <= t->go_minor;
    }
    for (size_t i = 0; i < t->tag_count; i++)
        if (strcmp(tag, t->tags[i]) == 0) return true;
    return false;
}

/* ---- //go:build expressions: recursive descent over || && ! ( ) ---- */

typedef struct expr_parser {
    const char *p;
    const cg_build_target *target;
    bool error;
} expr_parser;

static void skip_space(expr_parser *e) {
    while (*e->p == ' ' || *e->p == '\t') e->p++;
}

static bool parse_or(expr_parser *e);

static bool parse_atom(expr_parser *e) {
    skip_space(e);
    if (*e->p == '!') {
        e->p++;
        return !parse_atom(e);
    }
    if (*e->p == '(') {
        e->p++;
        bool v = parse_or(e);
        skip_space(e);
        if (*e->p != ')') e->error = true;
        else e->p++;
        return v;
    }
    const char *start = e->p;
    while (isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.') e->p++;
    if (e->p == start) {
        e->error = true;
        return false;
    }
    char tag[64];
    size_t n = (size_t)(e->p - start);
    if (n >= sizeof tag) n = sizeof tag - 1;
    memcpy(tag, start, n);
    tag[n] = '\0';
    return tag_ok(tag, e->target);
}

static bool parse_and(expr_parser *e) {
    bool v = parse_atom(e);
    for (;;) {
        skip_space(e);
        if (e->p[0] != '&' || e->p[1] != '&') return v;
        e->p += 2;
        bool rhs = parse_atom(e);
        v = v && rhs;
    }
}

static bool parse_or(expr_parser *e) {
    bool v = parse_and(e);
    for (;;) {
        skip_space(e);
        if (e->p[0] != '|' || e->p[1] != '|') return v;
        e->p += 2;
        bool rhs = parse_and(e);
        v = v || rhs;
    }
}

int cg_build_expr_eval(const char *expr, const cg_build_target *target) {
    expr_parser e = {expr, target, false};
    bool v = parse_or(&e);
    skip_space(&e);
    if (*e.p != '\0' && *e.p != '\r') e.error = true;
    return e.error ? -1 : v;
}

/* "// +build a,b !c" : space = OR, comma = AND, ! = NOT. */
bool cg_build_line_ok(const char *line, const cg_build_target *t) {
    char *copy = cg_xstrdup(line);
    bool any = false;
    char *save_or = NULL;
    for (char *alt = strtok_r(copy, " \t\r", &save_or); alt; alt = strtok_r(NULL, " \t\r", &save_or)) {
        bool all = true;
        char *save_and = NULL;
        for (char *term = strtok_r(alt, ",", &save_and); term; term = strtok_r(NULL, ",", &save_and)) {
            bool neg = term[0] == '!';
            bool ok = tag_ok(term + (neg ? 1 : 0), t);
            if (ok == neg) all = false;
        }
        if (all) any = true;
    }
    free(copy);
    return any;
}

/* name_GOOS_GOARCH.ext, name_GOOS.ext, name_GOARCH.ext */
static bool file_name_ok(const char *file_name, const cg_build_target *t) {
    char *name = cg_xstrdup(file_name);
    char *dot = strrchr(name, '.');
    if (dot) *dot = '\0';
    if (cg_str_has_suffix(name, "_test")) name[strlen(name) - 5] = '\0';
    const char *parts[3] = {NULL, NULL, NULL};
    size_t nparts = 0;
    char *p = name + strlen(name);
    while (nparts < 2) {
        char *us = NULL;
        for (char *q = p - 1; q > name; q--)
            if (*q == '_') {
                us = q;
                break;
            }
        if (!us) break;
        parts[nparts++] = us + 1;
        *us = '\0';
        p = us;
    }
    bool ok = true;
    /* parts[0] is the last element, parts[1] the one before it. */
    if (nparts >= 2 && IN_LIST(known_os, parts[1]) && IN_LIST(known_arch, parts[0])) {
        ok = tag_ok(parts[1], t) && tag_ok(parts[0], t);
    } else if (nparts >= 1 && IN_LIST(known_os, parts[0])) {
        ok = tag_ok(parts[0], t);
    } else if (nparts >= 1 && IN_LIST(known_arch, parts[0])) {
        ok = tag_ok(parts[0], t);
    }
    free(name);
    return ok;
}

/* The expression of a legacy "// +build" line, as go/build/constraint's
 * splitPlusBuild reads it: the space after // is optional ("//+build lua52"
 * counts), one after +build is not; NULL for any other comment. */
static const char *plus_build_expr(const char *comment) {
    const char *s = comment + 2;
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "+build", 6) != 0) return NULL;
    s += 6;
    if (*s && *s != ' ' && *s != '\t') return NULL; /* +buildsomething */
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

bool cg_build_constraints_ok(const char *file_name, const char *contents, const cg_build_target *t) {
    if (!file_name_ok(file_name, t)) return false;
    /* Constraint lines live in the leading comments, before the package clause. */
    bool have_go_build = false, go_build_ok = true, plus_ok = true;
    const char *line = contents;
    bool in_block_comment = false;
    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *s = line;
        while (s < line + len && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
        size_t rest = (size_t)(line + len - s);
        if (in_block_comment) {
            if (memmem(s, rest, "*/", 2)) in_block_comment = false;
        } else if (rest == 0) {
            /* blank */
        } else if (rest >= 2 && s[0] == '/' && s[1] == '*') {
            if (!memmem(s + 2, rest - 2, "*/", 2)) in_block_comment = true;
        } else if (rest >= 2 && s[0] == '/' && s[1] == '/') {
            char *text = cg_xstrndup(s, rest);
            if (strncmp(text, "//go:build ", 11) == 0) {
                have_go_build = true;
                go_build_ok = cg_build_expr_eval(text + 11, t) == 1;
            } else if (plus_build_expr(text)) {
                plus_ok = plus_ok && cg_build_line_ok(plus_build_expr(text), t);
            }
            free(text);
        } else {
            break; /* the package clause or code: constraints end here */
        }
        line = eol ? eol + 1 : NULL;
    }
    return have_go_build ? go_build_ok : plus_ok;
}
