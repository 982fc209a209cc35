/*
 * test_flow.c: unit tests of src/model/flow.c (which statements may run
 * after a given one, how kills and returns end a path, loops and switches)
 * and of the //cgoguard:thread-error-api / thread-affine directives of
 * src/model/thread_affine.c.
 *   test_flow DATA_DIR
 *
 * Each flow case is a Go function whose start statement is marked with a
 * `// FROM` comment; the visitor records the line of every node it is given
 * and kills the path on lines marked `// KILL`. The expected lines are
 * listed per case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/flow.h"
#include "model/thread_affine.h"

static int failures;

#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);  \
            failures++;                                                       \
        }                                                                     \
    } while (0)

typedef struct recorder {
    cg_gofile *file;
    unsigned lines[64];
    size_t count;
    unsigned stop_line; /* 0: never stop */
} recorder;

/* The text of the source line of a node (for the KILL marker). */
static bool line_has(const cg_gofile *file, unsigned line, const char *marker) {
    const char *s = file->source;
    for (unsigned l = 1; l < line && s; l++) {
        s = strchr(s, '\n');
        if (s) s++;
    }
    if (!s) return false;
    const char *end = strchr(s, '\n');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    char buf[256];
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return strstr(buf, marker) != NULL;
}

static cg_flow_action record(cg_gn n, void *arg) {
    recorder *r = arg;
    unsigned line = cg_gn_line(n);
    if (r->count < 64) r->lines[r->count++] = line;
    if (r->stop_line && line == r->stop_line) return CG_FLOW_STOP;
    return line_has(r->file, line, "// KILL") ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

typedef struct marker_find {
    uint32_t comment; /* byte of the `// FROM` comment */
    cg_gn last;       /* the node that ends last before it */
    cg_gn found;
} marker_find;

/* The statement on the line with a `// FROM` comment: comments are not in
 * the tree, so the statement of the last node that ends before it. */
static cg_walk_action find_from(cg_gn n, void *arg) {
    marker_find *m = arg;
    if (n->start > m->comment) return CG_WALK_SKIP_CHILDREN;
    if (n->end <= m->comment && (!m->last || n->end >= m->last->end)) m->last = n;
    return CG_WALK_CONTINUE;
}

static void run_case(const char *name, const char *src, const unsigned *want, size_t want_count,
                     unsigned stop_line) {
    char *text = cg_xstrdup(src);
    cg_gofile *file = cg_gofile_parse("case.go", text, strlen(text));
    marker_find m = {.comment = (uint32_t)(strstr(text, "// FROM") - text)};
    cg_walk(file->root, find_from, &m);
    m.found = cg_flow_statement(m.last);
    EXPECT(m.found);
    recorder r = {.file = file, .stop_line = stop_line};
    bool finished = !m.found ? false : cg_flow_after(file, m.found, record, &r);
    EXPECT(finished == (stop_line == 0));
    bool same = r.count == want_count;
    for (size_t i = 0; same && i < want_count; i++) same = r.lines[i] == want[i];
    if (!same) {
        fprintf(stderr, "case %s: visited lines", name);
        for (size_t i = 0; i < r.count; i++) fprintf(stderr, " %u", r.lines[i]);
        fprintf(stderr, ", want");
        for (size_t i = 0; i < want_count; i++) fprintf(stderr, " %u", want[i]);
        fprintf(stderr, "\n");
        failures++;
    }
    cg_gofile_free(file);
}

#define CASE(name, src, stop, ...)                                            \
    do {                                                                      \
        static const unsigned want_[] = {__VA_ARGS__};                        \
        run_case(name, src, want_, sizeof want_ / sizeof want_[0], stop);     \
    } while (0)

static void test_flow(void) {
    /* Straight line: the rest of the block, then the enclosing block. */
    CASE("sequence",
         "package p\n"            /* 1 */
         "func f() {\n"           /* 2 */
         "\ta()\n"                /* 3 */
         "\tb() // FROM\n"        /* 4 */
         "\tc()\n"                /* 5 */
         "\td()\n"                /* 6 */
         "}\n",
         0, 5, 6);
    /* A return ends the path: nothing after the enclosing if runs. */
    CASE("return in branch",
         "package p\n"
         "func f(x bool) {\n"
         "\tif x {\n"             /* 3 */
         "\t\tfree() // FROM\n"   /* 4 */
         "\t\treturn\n"           /* 5 */
         "\t}\n"
         "\tuse()\n"              /* 7 */
         "}\n",
         0, 5);
    /* Without the return, the code after the if is reached. */
    CASE("fall out of branch",
         "package p\n"
         "func f(x bool) {\n"
         "\tif x {\n"
         "\t\tfree() // FROM\n"
         "\t}\n"
         "\tuse()\n"              /* 6 */
         "}\n",
         0, 6);
    /* Both branches, conditions as header parts; a kill ends one branch only. */
    CASE("branches and kill",
         "package p\n"
         "func f(x bool) {\n"
         "\tfree() // FROM\n"     /* 3 */
         "\tif x {\n"             /* 4: condition */
         "\t\tv = nil // KILL\n"  /* 5 */
         "\t\tuse(v)\n"           /* 6: not reached on this path */
         "\t} else {\n"
         "\t\tother()\n"          /* 8 */
         "\t}\n"
         "\tlast()\n"             /* 10 */
         "}\n",
         0, 4, 5, 8, 10);
    /* If both branches return, what follows is unreachable. */
    CASE("both branches return",
         "package p\n"
         "func f(x bool) int {\n"
         "\tfree() // FROM\n"
         "\tif x {\n"             /* 4 */
         "\t\treturn 1\n"         /* 5 */
         "\t} else {\n"
         "\t\treturn 2\n"         /* 7 */
         "\t}\n"
         "\tunreachable()\n"
         "}\n",
         0, 4, 5, 7);
    /* Inside a loop: the rest of the body, the body again (next
     * iteration, including the start statement), then after the loop. */
    CASE("loop",
         "package p\n"
         "func f(n int) {\n"
         "\tfor i := 0; i < n; i++ {\n" /* 3 */
         "\t\ta()\n"              /* 4 */
         "\t\tfree() // FROM\n"   /* 5 */
         "\t\tb()\n"              /* 6 */
         "\t}\n"
         "\tafter()\n"            /* 8 */
         "}\n",
         0, 6, 4, 5, 6, 8);
    /* break leaves the loop: the statements after it in the body are skipped. */
    CASE("break",
         "package p\n"
         "func f(n int) {\n"
         "\tfor {\n"
         "\t\tfree() // FROM\n"   /* 4 */
         "\t\tbreak\n"            /* 5 */
         "\t\tskipped()\n"
         "\t}\n"
         "\tafter()\n"            /* 8 */
         "}\n",
         0, 4, 8);
    /* Switch: the value, every case label and body; a default whose cases
     * all return ends the path. */
    CASE("switch",
         "package p\n"
         "func f(k int) {\n"
         "\tfree() // FROM\n"
         "\tswitch k {\n"         /* 4: value */
         "\tcase 1:\n"            /* 5: label */
         "\t\tone()\n"            /* 6 */
         "\t\treturn\n"           /* 7 */
         "\tdefault:\n"
         "\t\treturn\n"           /* 9 */
         "\t}\n"
         "\tunreachable()\n"
         "}\n",
         0, 4, 5, 6, 7, 9);
    /* panic ends a path like return. */
    CASE("panic",
         "package p\n"
         "func f() {\n"
         "\tfree() // FROM\n"
         "\tpanic(\"x\")\n"       /* 4 */
         "\tunreachable()\n"
         "}\n",
         0, 4);
    /* A func literal's body is its own function: the walk stops at it. */
    CASE("func literal boundary",
         "package p\n"
         "func f() {\n"
         "\tg := func() {\n"
         "\t\tfree() // FROM\n"
         "\t\tinner()\n"          /* 5 */
         "\t}\n"
         "\touter(g)\n"
         "}\n",
         0, 5);
    /* STOP ends the whole walk and cg_flow_after returns false. */
    CASE("stop",
         "package p\n"
         "func f() {\n"
         "\tfree() // FROM\n"
         "\ta()\n"                /* 4 */
         "\tb()\n"
         "}\n",
         4, 4);
}

static void test_terminates(void) {
    const char *src = "package p\n"
                      "func f(x bool) {\n"
                      "\tif x { return } else { panic(1) }\n"
                      "\tif x { return }\n"
                      "}\n";
    char *text = cg_xstrdup(src);
    cg_gofile *file = cg_gofile_parse("t.go", text, strlen(text));
    cg_gn body = cg_gn_field(cg_gn_child(file->root, 1), CG_GF_BODY);
    EXPECT(cg_flow_terminates(file, cg_gn_child(body, 0)));
    EXPECT(!cg_flow_terminates(file, cg_gn_child(body, 1)));
    cg_gofile_free(file);
}

static void test_directives(const char *data_dir) {
    static cg_package_options opts;
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.max_file_bytes = 1u << 20;
    char *dir = cg_path_join(data_dir, "pkg");
    cg_pkg_files files = {0};
    files.dir = cg_xstrdup(dir);
    cg_vec_push(&files.go_files, cg_path_join(dir, "pkg.go"));
    cg_package *pkg = cg_package_build(&files, &opts);
    cg_affine_config cfg;
    cg_affine_config_load(&cfg, pkg);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_errstr") == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_errcode") == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_bind") == CG_AFFINE_CONTEXT);
    /* Words after a comment marker, prose mentions and unknown names. */
    EXPECT(cg_affine_config_lookup(&cfg, "trailing") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, "not_declared") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, "vendor_open") == CG_AFFINE_NONE);
    EXPECT(cg_affine_config_lookup(&cfg, NULL) == CG_AFFINE_NONE);
    cg_affine_config_free(&cfg);
    cg_package_free(pkg);
    free(files.dir);
    cg_strvec_free(&files.go_files);
    cg_strvec_free(&files.c_files);
    free(dir);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_flow DATA_DIR\n");
        return 2;
    }
    test_flow();
    test_terminates();
    test_directives(argv[1]);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
