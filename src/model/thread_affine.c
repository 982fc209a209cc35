/*
 * thread_affine.c: thread affinity of the package's own C functions (from
 * their summaries) and the per-package additions to the table of known APIs
 * (the table itself is src/cfront/capis.c; see thread_affine.h).
 */
#include "thread_affine.h"

#include "../gofront/gocfg.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "../cfront/csummary.h"

cg_affinity cg_thread_affine_func(cg_package *pkg, const char *c_function, const char **why,
                                  cg_location *where) {
    if (where) memset(where, 0, sizeof *where);
    const char *table_why = NULL;
    cg_affinity kind = cg_thread_affine_api(c_function, &table_why);
    if (kind != CG_AFFINE_NONE) {
        *why = table_why;
        return kind;
    }
    const cg_csummary *sum = cg_cmodel_summary(pkg->c, c_function);
    if (!sum) return CG_AFFINE_NONE;
    /* A direct call of a table API says precisely what kind of affinity it
     * is; the summary's thread-local trace (which the C front-end also sets
     * for OpenGL calls, and which is transitive) covers the rest. */
    for (size_t i = 0; i < sum->unknown_callee_count; i++) {
        const char *callee_why = NULL;
        cg_affinity k = cg_thread_affine_api(sum->unknown_callees[i], &callee_why);
        if (k == CG_AFFINE_NONE) continue;
        *why = cg_arena_printf(&pkg->arena, "calls %s, which %s", sum->unknown_callees[i], callee_why);
        if (where && sum->func) *where = sum->func->body_loc;
        return k;
    }
    if (sum->thread_local.len) {
        const cg_cstep *last = &sum->thread_local.steps[sum->thread_local.len - 1];
        *why = cg_arena_printf(&pkg->arena, "uses thread-local state (%s, in %s)",
                               sum->thread_local.how ? sum->thread_local.how : "thread-local use",
                               last->func);
        if (where) *where = last->loc;
        return CG_AFFINE_THREAD_STATE;
    }
    return CG_AFFINE_NONE;
}

/* ---- LockOSThread ---- */

typedef struct lock_find {
    cg_gopkg *pkg;
    cg_gofile *file;
    cg_gn before; /* a node the lock must be able to precede, or NULL */
    cg_gn found;
} lock_find;

static cg_walk_action visit_lock(cg_gn n, void *arg) {
    lock_find *f = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    if (cg_gopkg_calls(f->pkg, f->file, n, "runtime", "LockOSThread") &&
        (!f->before || cg_cfg_may_precede(f->pkg, f->file, n, f->before))) {
        f->found = n;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

cg_gn cg_os_lock_in(cg_gopkg *go, cg_gofile *file, cg_gn func, cg_gn before) {
    lock_find lf = {go, file, before, NULL};
    cg_walk(cg_go_func_body(func), visit_lock, &lf);
    return lf.found;
}

/* A func literal that is the function of a go statement: go func(){...}(). */
static bool started_by_go(cg_gn lit) {
    cg_gn call = cg_gn_parent(lit);
    return cg_gn_is(call, CG_GK_CALL_EXPRESSION) && cg_gn_is(cg_gn_parent(call), CG_GK_GO_STATEMENT);
}

bool cg_os_locked_before(cg_gopkg *go, cg_gofile *file, cg_gn call) {
    cg_gn at = call;
    for (cg_gn f = cg_gopkg_enclosing_func(go, file, call); f; f = cg_gopkg_enclosing_func(go, file, f)) {
        if (cg_os_lock_in(go, file, f, at)) return true;
        if (!cg_gn_is(f, CG_GK_FUNC_LITERAL) || started_by_go(f)) return false;
        at = f;
    }
    return false;
}

/* ---- per-package directives ---- */

static const struct {
    const char *keyword;
    cg_affinity kind;
} directives[] = {
    {"//cgoguard:thread-error-api", CG_AFFINE_ERROR_STATE},
    {"//cgoguard:thread-affine", CG_AFFINE_CONTEXT},
};

static void load_line(cg_affine_config *cfg, const char *line, const char *end) {
    while (line < end && (*line == ' ' || *line == '\t')) line++;
    for (size_t d = 0; d < sizeof directives / sizeof directives[0]; d++) {
        size_t klen = strlen(directives[d].keyword);
        if ((size_t)(end - line) <= klen || strncmp(line, directives[d].keyword, klen) != 0 ||
            (line[klen] != ' ' && line[klen] != '\t'))
            continue;
        const char *p = line + klen;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) p++;
            const char *start = p;
            while (p < end && (isalnum((unsigned char)*p) || *p == '_')) p++;
            if (p == start) break; /* a comment after the names ends the list */
            char name[256];
            size_t n = (size_t)(p - start) < sizeof name - 1 ? (size_t)(p - start) : sizeof name - 1;
            memcpy(name, start, n);
            name[n] = '\0';
            cg_strmap_put(&cfg->names, name, (void *)(uintptr_t)directives[d].kind);
        }
    }
}

void cg_affine_config_load(cg_affine_config *cfg, const cg_package *pkg) {
    cg_strmap_init(&cfg->names);
    for (size_t f = 0; f < pkg->go->files.len; f++) {
        const cg_gofile *file = pkg->go->files.items[f];
        const char *s = file->source, *end = s + file->source_len;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            const char *line_end = nl ? nl : end;
            if (memchr(s, '/', (size_t)(line_end - s))) load_line(cfg, s, line_end);
            s = nl ? nl + 1 : end;
        }
    }
}

void cg_affine_config_free(cg_affine_config *cfg) {
    if (cfg) cg_strmap_free(&cfg->names);
}

cg_affinity cg_affine_config_lookup(const cg_affine_config *cfg, const char *c_function) {
    if (!c_function) return CG_AFFINE_NONE;
    return (cg_affinity)(uintptr_t)cg_strmap_get(&cfg->names, c_function);
}
