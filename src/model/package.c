/*
 * package.c: builds the cross-language model of one package (see package.h).
 */
#include "package.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cfront/csummary.h"
#include "exporth.h"

static cg_location loc_at(cg_package *pkg, const char *file, unsigned line, unsigned column) {
    cg_location loc = {cg_arena_strdup(&pkg->arena, file), line, column, 0, 0};
    return loc;
}

static void add_problem(cg_package *pkg, cg_location loc, cg_severity sev, const char *fmt, ...)
    CG_PRINTF(4, 5);
static void add_problem(cg_package *pkg, cg_location loc, cg_severity sev, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = cg_xvasprintf(fmt, ap);
    va_end(ap);
    cg_problem p = {loc, sev, cg_arena_strdup(&pkg->arena, msg)};
    free(msg);
    cg_vec_push(&pkg->problems, p);
}

/* ---- Go files ---- */

static void load_go_file(cg_package *pkg, const char *path) {
    char *source = NULL, *err = NULL;
    size_t len = 0;
    cg_status st = cg_read_file(path, pkg->opts->max_file_bytes, &source, &len, &err);
    if (st != CG_OK) {
        add_problem(pkg, loc_at(pkg, path, 1, 1), st == CG_ERR_LIMIT ? CG_SEV_NOTE : CG_SEV_WARNING,
                    "file not analysed: %s%s", err,
                    st == CG_ERR_LIMIT ? " (raise --max-file-size to include it)" : "");
        free(err);
        return;
    }
    if (memchr(source, '\0', len)) {
        add_problem(pkg, loc_at(pkg, path, 1, 1), CG_SEV_WARNING,
                    "file not analysed: it contains NUL bytes, so it is not Go source text");
        free(source);
        return;
    }
    cg_gofile *file = cg_gofile_parse(path, source, len);
    if (file->not_analysed) {
        add_problem(pkg, loc_at(pkg, path, 1, 1), CG_SEV_WARNING, "file not analysed: %s",
                    file->not_analysed);
        cg_gofile_free(file);
        return;
    }
    if (file->has_syntax_errors)
        add_problem(pkg, loc_at(pkg, path, file->first_error_line, file->first_error_column),
                    CG_SEV_WARNING,
                    "Go syntax error: the file was analysed as far as it parsed; findings in it "
                    "may be missing");
    cg_gopkg_add_file(pkg->go, file);
}

/* ---- #cgo flags ---- */

/* Splits a flag string the way cgo does: white space separates, single and
 * double quotes group, backslash escapes. */
static void split_flags(const char *text, cg_strvec *out) {
    cg_strbuf word;
    cg_strbuf_init(&word);
    bool in_word = false;
    char quote = 0;
    for (const char *p = text;; p++) {
        char c = *p;
        if (c == '\0' || (!quote && (c == ' ' || c == '\t'))) {
            if (in_word) cg_vec_push(out, cg_strbuf_detach(&word));
            in_word = false;
            if (c == '\0') break;
            continue;
        }
        in_word = true;
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && p[1]) cg_strbuf_append_char(&word, *++p);
            else cg_strbuf_append_char(&word, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\\' && p[1]) {
            cg_strbuf_append_char(&word, *++p);
        } else {
            cg_strbuf_append_char(&word, c);
        }
    }
    cg_strbuf_free(&word);
}

static char *expand_srcdir(const char *arg, const char *srcdir) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    for (const char *p = arg; *p;) {
        if (strncmp(p, "${SRCDIR}", 9) == 0) {
            cg_strbuf_append(&sb, srcdir);
            p += 9;
        } else {
            cg_strbuf_append_char(&sb, *p++);
        }
    }
    return cg_strbuf_detach(&sb);
}

static void run_pkg_config(cg_package *pkg, const cg_gofile *file, const cg_cgo_directive *d) {
    cg_strvec names = {0};
    split_flags(d->args, &names);
    cg_strbuf cmd;
    cg_strbuf_init(&cmd);
    cg_strbuf_append(&cmd, "pkg-config --cflags --");
    bool safe = true;
    for (size_t i = 0; i < names.len; i++) {
        /* Only package names go to the shell. */
        for (const char *c = names.items[i]; *c; c++)
            if (!(isalnum((unsigned char)*c) || strchr("._+-=<>", *c))) safe = false;
        cg_strbuf_printf(&cmd, " '%s'", names.items[i]);
    }
    cg_strbuf_append(&cmd, " 2>/dev/null");
    cg_location loc = loc_at(pkg, file->path, d->line, 1);
    FILE *p = safe && names.len ? popen(cmd.data, "r") : NULL;
    if (!p) {
        add_problem(pkg, loc, CG_SEV_NOTE,
                    "#cgo pkg-config: %s was not run; headers it would add may be missing",
                    safe ? d->args : "(unexpected characters in package names)");
    } else {
        char buf[4096];
        cg_strbuf out;
        cg_strbuf_init(&out);
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) cg_strbuf_append_n(&out, buf, n);
        int rc = pclose(p);
        if (rc != 0) {
            add_problem(pkg, loc, CG_SEV_NOTE,
                        "#cgo pkg-config: %s failed (pkg-config missing or package not installed); "
                        "headers it would add may be missing",
                        d->args);
        } else if (out.data) {
            for (char *nl = strchr(out.data, '\n'); nl; nl = strchr(nl, '\n')) *nl = ' ';
            split_flags(out.data, &pkg->cflags);
        }
        cg_strbuf_free(&out);
    }
    cg_strbuf_free(&cmd);
    cg_strvec_free(&names);
}

static void collect_directives(cg_package *pkg, const char *srcdir) {
    for (size_t f = 0; f < pkg->go->files.len; f++) {
        cg_gofile *file = pkg->go->files.items[f];
        for (size_t i = 0; i < file->directives.len; i++) {
            const cg_cgo_directive *d = &file->directives.items[i];
            if (*d->condition && !cg_build_line_ok(d->condition, &pkg->opts->target)) continue;
            if (strcmp(d->verb, "CFLAGS") == 0 || strcmp(d->verb, "CPPFLAGS") == 0) {
                cg_strvec words = {0};
                split_flags(d->args, &words);
                for (size_t w = 0; w < words.len; w++)
                    cg_vec_push(&pkg->cflags, expand_srcdir(words.items[w], srcdir));
                cg_strvec_free(&words);
            } else if (strcmp(d->verb, "pkg-config") == 0) {
                run_pkg_config(pkg, file, d);
            } else if (strcmp(d->verb, "noescape") == 0) {
                cg_strmap_put(&pkg->noescape, d->args, (void *)d);
            } else if (strcmp(d->verb, "nocallback") == 0) {
                cg_strmap_put(&pkg->nocallback, d->args, (void *)d);
            }
        }
        for (size_t i = 0; i < file->exports.len; i++) {
            cg_export_link link = {file->exports.items[i].name, file, &file->exports.items[i]};
            cg_vec_push(&pkg->exports, link);
        }
    }
}

/* ---- C side ---- */

static void convert_c_problems(cg_package *pkg) {
    size_t n = cg_cmodel_problem_count(pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_cproblem *p = cg_cmodel_problem(pkg->c, i);
        cg_location loc = p->loc;
        loc.file = cg_arena_strdup(&pkg->arena, loc.file ? loc.file : pkg->dir);
        add_problem(pkg, loc, p->severity, "%s", p->message);
    }
}

static void parse_c(cg_package *pkg, const cg_pkg_files *files, const char *srcdir) {
    char *export_h = cg_export_header(pkg);
    cg_strvec args = {0};
    cg_vec_push(&args, cg_xasprintf("-I%s", srcdir));
    /* CGO_CPPFLAGS and CGO_CFLAGS come first on cgo's command line too. */
    for (size_t i = 0; i < files->env_cflags.len; i++) cg_vec_push(&args, cg_xstrdup(files->env_cflags.items[i]));
    for (size_t i = 0; i < pkg->cflags.len; i++) cg_vec_push(&args, cg_xstrdup(pkg->cflags.items[i]));
    char *export_path = cg_path_join(srcdir, "_cgo_export.h");
    cg_cvirtual_file vf = {export_path, export_h};
    cg_cparse_options opts = {.cflags = (const char *const *)args.items,
                             .cflag_count = args.len,
                             .virtual_files = &vf,
                             .virtual_file_count = 1,
                             .max_file_bytes = pkg->opts->max_file_bytes};

    for (size_t f = 0; f < pkg->go->files.len; f++) {
        cg_gofile *file = pkg->go->files.items[f];
        if (!file->preamble) continue;
        char *err = NULL;
        if (cg_cfront_parse_preamble(pkg->c, file->path, file->preamble_line, file->preamble, &opts,
                                     &err) != CG_OK) {
            add_problem(pkg, loc_at(pkg, file->path, file->preamble_line, 1), CG_SEV_WARNING,
                        "C preamble not analysed: %s", err ? err : "C front-end failure");
            free(err);
        }
    }
    for (size_t i = 0; i < files->c_files.len; i++) {
        const char *path = files->c_files.items[i];
        char *err = NULL;
        if (cg_cfront_parse_file(pkg->c, path, &opts, &err) != CG_OK) {
            add_problem(pkg, loc_at(pkg, path, 1, 1), CG_SEV_WARNING, "C file not analysed: %s",
                        err ? err : "C front-end failure");
            free(err);
        }
    }
    convert_c_problems(pkg);
    free(export_path);
    free(export_h);
    cg_strvec_free(&args);
}

/* ---- what Go reaches ---- */

typedef struct c_names {
    cg_gofile *file;
    cg_strmap seen;
    CG_VEC(const char *) names;
} c_names;

static cg_walk_action collect_c_name(cg_gn node, void *arg) {
    c_names *c = arg;
    if (!cg_gn_is(node, CG_GK_SELECTOR_EXPRESSION) || !cg_node_is_qualified(c->file, node, "C", NULL))
        return CG_WALK_CONTINUE;
    const char *name = cg_node_text(c->file, cg_gn_field(node, CG_GF_FIELD));
    if (name && *name && !cg_strmap_get(&c->seen, name)) {
        cg_strmap_put(&c->seen, name, (void *)name);
        cg_vec_push(&c->names, name);
    }
    return CG_WALK_SKIP_CHILDREN;
}

/* The C functions the Go side names (C.f(...), C.f as a value) are the
 * roots of what the package's C code runs; see cg_cmodel_mark_reached. */
static void mark_reached(cg_package *pkg) {
    c_names c = {0};
    cg_strmap_init(&c.seen);
    for (size_t f = 0; f < pkg->go->files.len; f++) {
        c.file = pkg->go->files.items[f];
        cg_walk(c.file->root, collect_c_name, &c);
    }
    cg_cmodel_mark_reached(pkg->c, c.names.items, c.names.len);
    cg_vec_free(&c.names);
    cg_strmap_free(&c.seen);
}

cg_package *cg_package_build(const cg_pkg_files *files, const cg_package_options *opts) {
    cg_package *pkg = cg_xcalloc(1, sizeof(*pkg));
    cg_arena_init(&pkg->arena);
    pkg->opts = opts;
    pkg->dir = cg_arena_strdup(&pkg->arena, files->dir);
    pkg->files = files;
    pkg->go = cg_gopkg_new(files->dir);
    pkg->c = cg_cmodel_new();
    cg_strmap_init(&pkg->noescape);
    cg_strmap_init(&pkg->nocallback);
    cg_strmap_init(&pkg->c_backed_types);

    for (size_t i = 0; i < files->go_files.len; i++) load_go_file(pkg, files->go_files.items[i]);
    cg_gopkg_index(pkg->go);

    char resolved[PATH_MAX];
    const char *srcdir = realpath(files->dir, resolved) ? resolved : files->dir;
    collect_directives(pkg, srcdir);
    if (!opts->go_only) parse_c(pkg, files, srcdir);
    /* C function summaries (which parameters a C function keeps or frees),
     * computed once here so that rules only read them. */
    const char **export_names = cg_xcalloc(pkg->exports.len + 1, sizeof(char *));
    for (size_t i = 0; i < pkg->exports.len; i++) export_names[i] = pkg->exports.items[i].name;
    cg_cmodel_compute_summaries(pkg->c, export_names, pkg->exports.len);
    free(export_names);
    mark_reached(pkg);
    return pkg;
}

void cg_package_free(cg_package *pkg) {
    if (!pkg) return;
    cg_gopkg_free(pkg->go);
    cg_cmodel_free(pkg->c);
    cg_vec_free(&pkg->problems);
    cg_vec_free(&pkg->exports);
    cg_strvec_free(&pkg->cflags);
    cg_strmap_free(&pkg->noescape);
    cg_strmap_free(&pkg->nocallback);
    cg_strmap_free(&pkg->c_backed_types);
    cg_arena_free(&pkg->arena);
    free(pkg);
}

const cg_export_link *cg_package_export(const cg_package *pkg, const char *name) {
    for (size_t i = 0; i < pkg->exports.len; i++)
        if (strcmp(pkg->exports.items[i].name, name) == 0) return &pkg->exports.items[i];
    return NULL;
}
