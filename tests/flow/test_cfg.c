/*
 * test_cfg.c: unit tests of the control-flow graph (src/gofront/gocfg.h).
 *   test_cfg DATA_DIR/cfg.go
 *
 * The Go file states its own expectations: statements are named by
 * `// @NAME` comments, and `// check:` lines before each function say which
 * named steps reach which, which are exclusive and which may return or
 * panic (see the header of data/cfg.go). Every check is run; the test fails
 * on any that does not hold, and on a name that marks no step.
 */
#include <stdio.h>
#include <string.h>

#define CG_CHECK_CONTINUE
#include "../common/check.h"
#include "gofront/gocfg.h"

typedef struct marker {
    char name[16];
    unsigned line;
} marker;

/* The first step (by position) whose node starts on `line`. */
static uint32_t step_on_line(const cg_cfg *cfg, unsigned line) {
    for (uint32_t i = 0; i < cfg->positioned; i++) {
        uint32_t id = cfg->by_position[i];
        if (cfg->steps[id].node->line == line) return id;
    }
    return CG_CFG_NONE;
}

/* The line of a marker inside the function (names repeat across functions). */
static unsigned marker_line(const cg_cfg *cfg, const marker *m, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].name, name) == 0 && m[i].line >= cfg->func->line && m[i].line <= cfg->func->end_line)
            return m[i].line;
    return 0;
}

typedef struct avoid_arg {
    uint32_t avoid, target;
} avoid_arg;

static cg_flow_action visit_avoid(const cg_cfg *cfg, uint32_t step, void *arg) {
    (void)cfg;
    avoid_arg *a = arg;
    if (step == a->target) return CG_FLOW_STOP;
    return step == a->avoid ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

/* Is `to` reachable from `from` without going past `avoid`? */
static bool reaches_avoiding(const cg_cfg *cfg, uint32_t from, uint32_t to, uint32_t avoid) {
    avoid_arg a = {avoid, to};
    return !cg_cfg_walk_after(cfg, from, visit_avoid, &a);
}

typedef struct ident_find {
    cg_gofile *file;
    const char *name;
    unsigned line;
    cg_gn found;
} ident_find;

static cg_walk_action visit_ident(cg_gn n, void *arg) {
    ident_find *f = arg;
    if (f->found) return CG_WALK_STOP;
    if (n->line <= f->line && n->end_line >= f->line && cg_gn_is(n, CG_GK_IDENTIFIER) && n->line == f->line &&
        cg_node_text_eq(f->file, n, f->name))
        f->found = n;
    return CG_WALK_CONTINUE;
}

/* `U defs X A B ...`: the reaching definitions of X at its use on line U. */
static void run_defs_check(cg_gopkg *pkg, const cg_cfg *cfg, const marker *m, size_t n, const char *text, unsigned at) {
    char u[16], x[32];
    int used = 0;
    if (sscanf(text, "%15s defs %31s %n", u, x, &used) < 2) {
        fprintf(stderr, "line %u: malformed defs check: %s\n", at, text);
        check_failures++;
        return;
    }
    ident_find f = {cfg->file, x, marker_line(cfg, m, n, u), NULL};
    cg_walk(cfg->func, visit_ident, &f);
    cg_gobinding *b = f.found ? cg_gopkg_binding(pkg, cfg->file, f.found) : NULL;
    if (!b) {
        fprintf(stderr, "line %u: no use of local %s on the line named %s\n", at, x, u);
        check_failures++;
        return;
    }
    cg_reach_vec defs = {0};
    cg_cfg_reaching_defs(pkg, cfg->file, b, f.found, &defs);
    /* Each expected name must be produced, and nothing else. */
    size_t expected = 0;
    bool ok = true;
    for (const char *p = text + used; *p;) {
        char name[16] = "";
        int k = 0;
        if (sscanf(p, "%15s%n", name, &k) < 1) break;
        p += k;
        expected++;
        bool hit = false;
        for (size_t i = 0; i < defs.len && !hit; i++) {
            const cg_reach *r = &defs.items[i];
            if (strcmp(name, "entry") == 0) hit = r->kind == CG_REACH_ENTRY;
            else hit = r->at && r->at->line == marker_line(cfg, m, n, name);
        }
        if (!hit) ok = false;
    }
    if (!ok || expected != defs.len) {
        fprintf(stderr, "line %u: check failed: %s (got %zu definitions:", at, text, defs.len);
        for (size_t i = 0; i < defs.len; i++)
            fprintf(stderr, " kind %d line %u", defs.items[i].kind, defs.items[i].at ? defs.items[i].at->line : 0);
        fprintf(stderr, ")\n");
        check_failures++;
    }
    cg_vec_free(&defs);
}

/* Runs one `check:` line against the graph of the function it precedes. */
static void run_check(const cg_cfg *cfg, const marker *m, size_t n, const char *text, unsigned at) {
    char a[16] = "", op[8] = "", b[16] = "", unless[8] = "", k[16] = "";
    if (sscanf(text, "%15s %7s %15s %7s %15s", a, op, b, unless, k) < 2) {
        fprintf(stderr, "line %u: malformed check: %s\n", at, text);
        check_failures++;
        return;
    }
    unsigned la = marker_line(cfg, m, n, a), lb = b[0] ? marker_line(cfg, m, n, b) : 0;
    uint32_t sa = la ? step_on_line(cfg, la) : CG_CFG_NONE;
    uint32_t sb = lb ? step_on_line(cfg, lb) : CG_CFG_NONE;
    bool needs_b = strcmp(op, "->") == 0 || strcmp(op, "!->") == 0 || strcmp(op, "excl") == 0;
    if (sa == CG_CFG_NONE || (needs_b && sb == CG_CFG_NONE)) {
        fprintf(stderr, "line %u: a name marks no step: %s\n", at, text);
        check_failures++;
        return;
    }
    bool ok;
    if (strcmp(op, "->") == 0 && strcmp(unless, "unless") == 0) {
        unsigned lk = marker_line(cfg, m, n, k);
        uint32_t sk = lk ? step_on_line(cfg, lk) : CG_CFG_NONE;
        ok = sk != CG_CFG_NONE && cg_cfg_reaches(cfg, sa, sb) && !reaches_avoiding(cfg, sa, sb, sk);
    } else if (strcmp(op, "->") == 0) ok = cg_cfg_reaches(cfg, sa, sb);
    else if (strcmp(op, "!->") == 0) ok = !cg_cfg_reaches(cfg, sa, sb);
    else if (strcmp(op, "excl") == 0) ok = cg_cfg_exclusive(cfg, sa, sb);
    else if (strcmp(op, "exits") == 0) ok = cg_cfg_reaches(cfg, sa, CG_CFG_EXIT);
    else if (strcmp(op, "!exits") == 0) ok = !cg_cfg_reaches(cfg, sa, CG_CFG_EXIT);
    else if (strcmp(op, "panics") == 0) ok = cg_cfg_reaches(cfg, sa, CG_CFG_PANIC_EXIT);
    else if (strcmp(op, "!panics") == 0) ok = !cg_cfg_reaches(cfg, sa, CG_CFG_PANIC_EXIT);
    else {
        fprintf(stderr, "line %u: unknown check: %s\n", at, text);
        check_failures++;
        return;
    }
    if (!ok) {
        fprintf(stderr, "line %u: check failed: %s (steps %u, %u)\n", at, text, sa, sb);
        cg_cfg_print(stderr, cfg);
        check_failures++;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_cfg DATA_DIR/cfg.go\n");
        return 2;
    }
    char *src = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(argv[1], 1u << 20, &src, &len, &err) != CG_OK) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    char *lines = cg_xstrdup(src);
    cg_gopkg *pkg = cg_gopkg_new(".");
    cg_gofile *file = cg_gofile_parse(argv[1], src, len);
    cg_gopkg_add_file(pkg, file);
    cg_gopkg_index(pkg);

    /* Markers and checks, by line. */
    CG_VEC(marker) markers = {0};
    CG_VEC(char *) check_text = {0};
    CG_VEC(unsigned) check_line = {0};
    unsigned lineno = 1;
    for (char *line = lines; line; lineno++) {
        char *eol = strchr(line, '\n');
        if (eol) *eol = '\0';
        char *at = strstr(line, "// @");
        if (at) {
            marker m = {.line = lineno};
            sscanf(at + 4, "%15s", m.name);
            cg_vec_push(&markers, m);
        }
        if (strncmp(line, "// check: ", 10) == 0) {
            cg_vec_push(&check_text, line + 10);
            cg_vec_push(&check_line, lineno);
        }
        line = eol ? eol + 1 : NULL;
    }

    /* Each check belongs to the function declared after it. */
    size_t checks_run = 0, functions = 0;
    for (uint32_t i = 0; i < cg_gn_count(file->root); i++) {
        cg_gn decl = cg_gn_child(file->root, i);
        if (!cg_gn_is(decl, CG_GK_FUNCTION_DECLARATION)) continue;
        const cg_cfg *cfg = cg_cfg_of(pkg, file, decl);
        CHECK(cfg != NULL);
        if (!cfg) continue;
        functions++;
        CHECK(cg_cfg_of(pkg, file, decl) == cfg); /* cached */
        unsigned prev_end = 0;
        if (i > 0) prev_end = cg_gn_child(file->root, i - 1)->end_line;
        for (size_t c = 0; c < check_text.len; c++) {
            if (check_line.items[c] <= prev_end || check_line.items[c] >= decl->line) continue;
            if (strstr(check_text.items[c], " defs "))
                run_defs_check(pkg, cfg, markers.items, markers.len, check_text.items[c], check_line.items[c]);
            else
                run_check(cfg, markers.items, markers.len, check_text.items[c], check_line.items[c]);
            checks_run++;
        }
    }
    CHECK(checks_run == check_text.len); /* every check belongs to a function */
    printf("%zu functions, %zu checks, %d failed\n", functions, checks_run, check_failures);

    cg_vec_free(&markers);
    cg_vec_free(&check_text);
    cg_vec_free(&check_line);
    free(lines);
    cg_gopkg_free(pkg);
    return check_failures ? 1 : 0;
}
