/*
 * vet.c: cgoguard as a `go vet -vettool`, speaking the protocol of
 * cmd/go (work/exec.go vetConfig) and x/tools' unitchecker:
 *
 *   cgoguard -V=full          the tool's identity, for go's action cache
 *   cgoguard -flags           the flags go vet may pass on, as JSON
 *   cgoguard [flags] x.cfg    analyse the package described by x.cfg
 *
 * The .cfg (JSON) lists the build's files. For a cgo package its GoFiles
 * are the package's plain Go files plus cmd/cgo's output in the action's
 * directory (x.cgo1.go per cgo file, whose `//line` comment names the
 * original; _cgo_gotypes.go, _cgo_import.go): the originals are what
 * cgoguard reads. The C files are not listed (cgo compiles them itself);
 * they are the package directory's .c files the build does not ignore
 * (IgnoredFiles lists the ones build constraints exclude). _test.go files
 * (go vet analyses the test variant of a package) take no part in cgo.
 *
 * Dependencies are analysed for facts only (VetxOnly): cgoguard has none,
 * writes an empty facts file and returns at once. For an analysed cgo
 * package it writes none, so go never replays a cached result that a
 * changed .cgoguard.yml or header would make stale (cgoguard's own result
 * cache keeps a rerun cheap).
 *
 * Output: with -json (always passed by go vet since Go 1.26, which prints
 * the diagnostics itself) the unitchecker JSON tree on stdout or the file
 * cfg.Stdout names, exit 0; without it "file:line:col: message" lines on
 * stderr and exit 1 when there is a finding. -fix applies the fixes (into
 * cfg.FixArchive, a zip, when go gives one), -fix -diff prints them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "discover/goenv.h"
#include "driver/cache.h"
#include "driver/scan.h"
#include "report/json_read.h"
#include "report/report.h"

#ifndef CG_VERSION
#define CG_VERSION "dev"
#endif

enum { EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

typedef struct vet_flags {
    bool json, fix, diff;
    const char *config;
    cg_strvec enable, disable, tags;
    cg_severity min;
} vet_flags;

/* What `go vet` needs to know to forward flags (name, bool, usage). */
static const struct {
    const char *name;
    bool is_bool;
    const char *usage;
} flag_table[] = {
    {"V", true, "print version and exit"},
    {"flags", true, "print the flags in JSON"},
    {"json", true, "emit JSON output"},
    {"c", false, "display offending line with this many lines of context (no effect)"},
    {"diff", true, "with -fix, do not update the files, print a unified diff"},
    {"enable", false, "run only these rules: ids, names or severities, comma-separated"},
    {"disable", false, "do not run these rules (ids, names or severities)"},
    {"config", false, "read this file instead of each package's nearest .cgoguard.yml"},
    {"severity", false, "report findings at least this severe: note, warning (default) or error"},
    {"tags", false, "the build tags (go vet passes its -tags on, for #cgo lines under build constraints)"},
    {"source", true, "no effect (deprecated)"},
    {"v", true, "no effect (deprecated)"},
    {"all", true, "no effect (deprecated)"},
};

static void print_flags(void) {
    printf("[");
    for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++)
        printf("%s\n\t{\"Name\": \"%s\", \"Bool\": %s, \"Usage\": \"%s\"}", i ? "," : "", flag_table[i].name,
               flag_table[i].is_bool ? "true" : "false", flag_table[i].usage);
    printf("\n]\n");
}

bool cg_vet_invoked(int argc, char **argv) {
    if (argc < 2) return false;
    if (strcmp(argv[1], "-V=full") == 0 || strcmp(argv[1], "-flags") == 0 || strcmp(argv[1], "--flags") == 0)
        return true;
    return argv[1][0] == '-' && argv[1][1] != '-' ? cg_str_has_suffix(argv[argc - 1], ".cfg")
                                                  : argc == 2 && cg_str_has_suffix(argv[1], ".cfg");
}

static void add_list(cg_strvec *out, const char *text) {
    char *copy = cg_xstrdup(text);
    for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        cg_vec_push(out, cg_xstrdup(t));
    free(copy);
}

/* -name, -name=value, -name value (go vet forwards what the user typed). */
static int parse_flags(int argc, char **argv, vet_flags *f, int *first_arg) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *arg = argv[i] + (argv[i][1] == '-' ? 2 : 1);
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const char *value = eq ? eq + 1 : NULL;
        bool known = false, is_bool = false;
        for (size_t k = 0; k < sizeof flag_table / sizeof flag_table[0]; k++)
            if (strlen(flag_table[k].name) == len && strncmp(arg, flag_table[k].name, len) == 0)
                known = true, is_bool = flag_table[k].is_bool;
        bool fix_flag = len == 3 && strncmp(arg, "fix", 3) == 0;
        if (!known && !fix_flag) {
            fprintf(stderr, "cgoguard: unknown vet flag '%s'\n", argv[i]);
            return -1;
        }
        if (fix_flag || is_bool) {
            bool on = !value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
            if (fix_flag) f->fix = on;
            else if (len == 4 && strncmp(arg, "json", 4) == 0) f->json = on;
            else if (len == 4 && strncmp(arg, "diff", 4) == 0) f->diff = on;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "cgoguard: vet flag '%s' needs a value\n", argv[i]);
                return -1;
            }
            value = argv[++i];
        }
        if (strncmp(arg, "enable", len) == 0 || strncmp(arg, "disable", len) == 0) {
            cg_strvec *list = arg[0] == 'e' ? &f->enable : &f->disable;
            add_list(list, value);
            for (size_t k = 0; k < list->len; k++) {
                cg_rule_set scratch = {0};
                const char *hint = NULL;
                if (!cg_rule_set_add(&scratch, list->items[k], &hint)) {
                    fprintf(stderr, "cgoguard: -%.*s: unknown rule or severity '%s'%s%s%s\n", (int)len, arg,
                            list->items[k], hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
                    return -1;
                }
            }
        } else if (strncmp(arg, "config", len) == 0) {
            f->config = value;
        } else if (strncmp(arg, "severity", len) == 0) {
            if (cg_severity_parse(value, &f->min) != 0) {
                fprintf(stderr, "cgoguard: -severity: want note, warning or error, not '%s'\n", value);
                return -1;
            }
        } else if (strncmp(arg, "tags", len) == 0) {
            add_list(&f->tags, value);
        } /* -c: go vet prints the context itself */
    }
    *first_arg = i;
    return 0;
}

/* ---- The package ---- */

typedef struct vet_config {
    cg_jdoc doc;
    const char *id, *dir, *stdout_path, *vetx_output, *fix_archive;
    bool vetx_only;
    const cg_jvalue *go_files, *ignored_files, *non_go_files;
} vet_config;

static int read_config(const char *path, vet_config *cfg) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(path, 64u << 20, &data, &len, &err) != CG_OK) {
        fprintf(stderr, "cgoguard: %s\n", err);
        free(err);
        return -1;
    }
    cg_status st = cg_jdoc_parse(data, len, &cfg->doc, &err);
    free(data);
    if (st != CG_OK) {
        fprintf(stderr, "cgoguard: cannot decode JSON config file %s: %s\n", path, err);
        free(err);
        return -1;
    }
    const cg_jvalue *root = cfg->doc.root;
    cfg->id = cg_jvalue_string(cg_jvalue_get(root, "ID"));
    cfg->dir = cg_jvalue_string(cg_jvalue_get(root, "Dir"));
    cfg->stdout_path = cg_jvalue_string(cg_jvalue_get(root, "Stdout"));
    cfg->vetx_output = cg_jvalue_string(cg_jvalue_get(root, "VetxOutput"));
    cfg->fix_archive = cg_jvalue_string(cg_jvalue_get(root, "FixArchive"));
    const cg_jvalue *only = cg_jvalue_get(root, "VetxOnly");
    cfg->vetx_only = only && only->kind == CG_JBOOL && only->boolean;
    cfg->go_files = cg_jvalue_get(root, "GoFiles");
    cfg->ignored_files = cg_jvalue_get(root, "IgnoredFiles");
    cfg->non_go_files = cg_jvalue_get(root, "NonGoFiles");
    if (!cfg->id || !cfg->dir || !cfg->go_files || cfg->go_files->kind != CG_JARRAY || !cfg->go_files->count) {
        fprintf(stderr, "cgoguard: %s: not a vet config (ID, Dir and GoFiles are needed)\n", path);
        cg_jdoc_free(&cfg->doc);
        return -1;
    }
    return 0;
}

/* The original of a cgo output file: its `//line /abs/x.go:1:1` comment,
 * else DIR/x.go for x.cgo1.go. Caller frees. */
static char *cgo_original(const char *generated, const char *dir) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    char *found = NULL;
    if (cg_read_file(generated, 1u << 20, &data, &len, &err) == CG_OK) {
        char *line = strstr(data, "\n//line ");
        if (line && line - data < 4096) {
            line += 8;
            char *end = strchr(line, '\n');
            if (end) *end = '\0';
            /* Drop ":line:col" (or ":line"). */
            for (int k = 0; k < 2; k++) {
                char *colon = strrchr(line, ':');
                if (colon && colon[1] >= '0' && colon[1] <= '9') *colon = '\0';
            }
            if (cg_str_has_suffix(line, ".go") && cg_is_file(line)) found = cg_xstrdup(line);
        }
        free(data);
    }
    free(err);
    if (found) return found;
    const char *base = cg_path_base(generated);
    char *name = cg_xasprintf("%.*s.go", (int)(strlen(base) - strlen(".cgo1.go")), base);
    found = cg_path_join(dir, name);
    free(name);
    return found;
}

static bool listed(const cg_jvalue *list, const char *path) {
    for (size_t i = 0; list && i < list->count; i++)
        if (strcmp(cg_jvalue_string(list->items[i]) ? cg_jvalue_string(list->items[i]) : "", path) == 0) return true;
    return false;
}

/* Does a Go file import "C"? (A plain Go file of go vet's list never does:
 * the go command hands cgo files to cmd/cgo first.) */
static bool imports_c(const char *path) {
    char *data = NULL, *err = NULL;
    size_t len = 0;
    bool found = false;
    if (cg_read_file(path, 1u << 20, &data, &len, &err) == CG_OK) {
        for (const char *p = strstr(data, "\"C\""); p && !found; p = strstr(p + 3, "\"C\"")) {
            const char *line = p;
            while (line > data && line[-1] != '\n') line--;
            while (*line == ' ' || *line == '\t') line++;
            found = line == p || strncmp(line, "import", 6) == 0;
        }
        free(data);
    }
    free(err);
    return found;
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The build's files of the package; NULL when no file uses cgo. */
static cg_pkg_files *package_files(const vet_config *cfg, const char *cfg_path) {
    char *objdir = cg_path_dir(cfg_path);
    cg_pkg_files *pkg = cg_xcalloc(1, sizeof *pkg);
    pkg->dir = cg_xstrdup(cfg->dir);
    bool uses_cgo = false;
    for (size_t i = 0; i < cfg->go_files->count; i++) {
        const char *path = cg_jvalue_string(cfg->go_files->items[i]);
        if (!path || cg_str_has_suffix(path, "_test.go")) continue;
        char *dir = cg_path_dir(path);
        bool generated = strcmp(dir, objdir) == 0 && strcmp(dir, cfg->dir) != 0;
        free(dir);
        if (!generated) {
            /* The originals themselves (the Go analyzer passes them). */
            if (imports_c(path)) uses_cgo = true;
            cg_vec_push(&pkg->go_files, cg_xstrdup(path));
        } else if (cg_str_has_suffix(path, ".cgo1.go")) {
            uses_cgo = true;
            cg_vec_push(&pkg->go_files, cgo_original(path, cfg->dir));
        }
    }
    /* The Go analyzer lists the C files (pass.OtherFiles); go vet does not. */
    for (size_t i = 0; cfg->non_go_files && i < cfg->non_go_files->count; i++) {
        const char *path = cg_jvalue_string(cfg->non_go_files->items[i]);
        if (path && cg_str_has_suffix(path, ".c")) cg_vec_push(&pkg->c_files, cg_xstrdup(path));
    }
    DIR *d = uses_cgo && !pkg->c_files.len ? opendir(cfg->dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (!cg_str_has_suffix(e->d_name, ".c") || e->d_name[0] == '.' || e->d_name[0] == '_') continue;
        char *path = cg_path_join(cfg->dir, e->d_name);
        if (cg_is_file(path) && !listed(cfg->ignored_files, path)) cg_vec_push(&pkg->c_files, path);
        else free(path);
    }
    if (d) closedir(d);
    free(objdir);
    if (!uses_cgo) {
        cg_pkg_files_free(pkg);
        return NULL;
    }
    qsort(pkg->go_files.items, pkg->go_files.len, sizeof(char *), compare_strings);
    if (pkg->c_files.len) qsort(pkg->c_files.items, pkg->c_files.len, sizeof(char *), compare_strings);
    return pkg;
}

static void touch(const char *path) {
    if (!path || !*path) return;
    FILE *f = fopen(path, "w");
    if (f) fclose(f);
}

/* ---- -fix into go's archive: a zip of the fixed files, stored ---- */

static uint32_t crc32_of(const char *data, size_t len) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned char)data[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

typedef struct zip_entry {
    char *name;
    uint32_t crc, size, offset;
} zip_entry;

typedef struct zip_writer {
    FILE *out;
    CG_VEC(zip_entry) entries;
    uint32_t at;
} zip_writer;

static void le16(FILE *f, unsigned v) { fputc((int)(v & 0xFF), f), fputc((int)((v >> 8) & 0xFF), f); }
static void le32(FILE *f, uint32_t v) { le16(f, v & 0xFFFF), le16(f, v >> 16); }

static cg_status zip_add(const char *path, const char *before, size_t before_len, const char *after, size_t after_len,
                         void *ctx, char **err) {
    (void)before, (void)before_len;
    zip_writer *z = ctx;
    size_t name_len = strlen(path);
    if (after_len > 0xFFFFFFF0u || name_len > 0xFFFF) {
        *err = cg_xasprintf("%s: too large for the fix archive", path);
        return CG_ERR_IO;
    }
    zip_entry e = {cg_xstrdup(path), crc32_of(after, after_len), (uint32_t)after_len, z->at};
    le32(z->out, 0x04034b50), le16(z->out, 20), le16(z->out, 0), le16(z->out, 0), le16(z->out, 0), le16(z->out, 0x21);
    le32(z->out, e.crc), le32(z->out, e.size), le32(z->out, e.size), le16(z->out, (unsigned)name_len), le16(z->out, 0);
    fwrite(path, 1, name_len, z->out);
    fwrite(after, 1, after_len, z->out);
    z->at += 30 + (uint32_t)name_len + e.size;
    cg_vec_push(&z->entries, e);
    return CG_OK;
}

static bool zip_finish(zip_writer *z, const char *comment) {
    uint32_t start = z->at, size = 0;
    for (size_t i = 0; i < z->entries.len; i++) {
        zip_entry *e = &z->entries.items[i];
        size_t n = strlen(e->name);
        le32(z->out, 0x02014b50), le16(z->out, 20), le16(z->out, 20), le16(z->out, 0), le16(z->out, 0);
        le16(z->out, 0), le16(z->out, 0x21), le32(z->out, e->crc), le32(z->out, e->size), le32(z->out, e->size);
        le16(z->out, (unsigned)n), le16(z->out, 0), le16(z->out, 0), le16(z->out, 0), le16(z->out, 0);
        le32(z->out, 0), le32(z->out, e->offset);
        fwrite(e->name, 1, n, z->out);
        size += 46 + (uint32_t)n;
        free(e->name);
    }
    size_t clen = strlen(comment) > 0xFFFF ? 0 : strlen(comment);
    le32(z->out, 0x06054b50), le16(z->out, 0), le16(z->out, 0), le16(z->out, (unsigned)z->entries.len);
    le16(z->out, (unsigned)z->entries.len), le32(z->out, size), le32(z->out, start), le16(z->out, (unsigned)clen);
    fwrite(comment, 1, clen, z->out);
    cg_vec_free(&z->entries);
    bool ok = !ferror(z->out);
    return fclose(z->out) == 0 && ok;
}

static int apply_fixes(const vet_config *cfg, const vet_flags *f, const cg_diag_list *diags, FILE *out) {
    cg_fix_stats stats;
    char *err = NULL;
    cg_status st;
    if (f->diff) {
        st = cg_fixes_apply(diags, true, out, &stats, &err);
    } else if (cfg->fix_archive && *cfg->fix_archive) {
        zip_writer z = {fopen(cfg->fix_archive, "wb"), {0}, 0};
        if (!z.out) {
            fprintf(stderr, "cgoguard: cannot create the fix archive %s\n", cfg->fix_archive);
            return EXIT_FINDINGS;
        }
        st = cg_fixes_each(diags, zip_add, &z, &stats, &err);
        if (!zip_finish(&z, cfg->id) && st == CG_OK) {
            st = CG_ERR_IO;
            err = cg_xasprintf("cannot write the fix archive %s", cfg->fix_archive);
        }
    } else {
        st = cg_fixes_apply(diags, false, out, &stats, &err);
    }
    if (st != CG_OK) fprintf(stderr, "cgoguard: %s\n", err);
    free(err);
    return st == CG_OK ? 0 : EXIT_FINDINGS;
}

static int run_package(const char *cfg_path, const vet_flags *f) {
    vet_config cfg = {0};
    if (read_config(cfg_path, &cfg) != 0) return EXIT_FINDINGS;
    if (cfg.vetx_only) {
        /* A dependency, for facts: cgoguard has none. */
        touch(cfg.vetx_output);
        cg_jdoc_free(&cfg.doc);
        return 0;
    }
    cg_pkg_files *pkg = package_files(&cfg, cfg_path);
    if (!pkg) {
        touch(cfg.vetx_output); /* no cgo: nothing a config could change */
        cg_jdoc_free(&cfg.doc);
        return 0;
    }
    /* The build context: GOOS/GOARCH of the build, its tags (go vet passes
     * -tags on), CGO_CPPFLAGS/CGO_CFLAGS as cgo gets them. */
    static const char *const keys[] = {"GOOS", "GOARCH", "GOVERSION", "GOROOT", "CGO_CPPFLAGS", "CGO_CFLAGS"};
    cg_strvec env = {0};
    bool have_go = cg_go_env(cfg.dir, keys, 6, &env);
    cg_scan_options sopts = {0};
    sopts.target.goos = have_go && *env.items[0] ? env.items[0] : "linux";
    sopts.target.goarch = have_go && *env.items[1] ? env.items[1] : "amd64";
    unsigned major = 0, minor = 0;
    if (have_go && sscanf(env.items[2], "go%u.%u", &major, &minor) == 2 && major == 1) sopts.go_minor = minor;
    sopts.goroot = have_go && *env.items[3] ? env.items[3] : NULL;
    sopts.target.go_minor = sopts.go_minor ? sopts.go_minor : 99;
    sopts.target.tags = (const char *const *)f->tags.items;
    sopts.target.tag_count = f->tags.len;
    if (have_go) {
        cg_split_flags(env.items[4], &pkg->env_cflags);
        cg_split_flags(env.items[5], &pkg->env_cflags);
    }
    sopts.jobs = 1;
    sopts.use_cache = true;
    sopts.use_config = true;
    sopts.config_path = f->config;
    sopts.enable = f->enable.len ? &f->enable : NULL;
    sopts.disable = f->disable.len ? &f->disable : NULL;

    cg_discovery found = {0};
    cg_vec_push(&found.packages, pkg);
    cg_scan_result result;
    cg_scan_discovered(&found, &sopts, &result);

    FILE *out = stdout;
    if (cfg.stdout_path && *cfg.stdout_path && !(out = fopen(cfg.stdout_path, "w"))) {
        perror(cfg.stdout_path);
        out = stdout;
    }
    char *error = NULL;
    if (result.errors.len) {
        cg_strbuf sb;
        cg_strbuf_init(&sb);
        for (size_t i = 0; i < result.errors.len; i++)
            cg_strbuf_printf(&sb, "%scgoguard: %s", i ? "\n" : "", result.errors.items[i]);
        error = cg_strbuf_detach(&sb);
    }
    int status = 0;
    if (f->fix) {
        status = apply_fixes(&cfg, f, result.diags, out);
    } else if (f->json) {
        if (cg_report_emit_vet_json(out, result.diags, cfg.id, f->min, error) != CG_OK) status = EXIT_FINDINGS;
    } else {
        if (error) fprintf(stderr, "%s\n", error);
        if (cg_report_emit_vet_text(stderr, result.diags, f->min) || error) status = EXIT_FINDINGS;
    }
    if (out != stdout) fclose(out);
    free(error);
    cg_scan_result_free(&result);
    cg_strvec_free(&env);
    cg_jdoc_free(&cfg.doc);
    return status;
}

int cg_cmd_vet(int argc, char **argv) {
    if (strcmp(argv[1], "-V=full") == 0) {
        /* The content id go keys its cache with: the hash of this binary. */
        printf("cgoguard version devel %s buildID=%016llx\n", CG_VERSION, (unsigned long long)cg_cache_tool_hash());
        return 0;
    }
    if (strcmp(argv[1], "-flags") == 0 || strcmp(argv[1], "--flags") == 0) {
        print_flags();
        return 0;
    }
    vet_flags f = {.min = CG_SEV_WARNING};
    int first = 0, status;
    if (parse_flags(argc, argv, &f, &first) != 0) status = EXIT_USAGE;
    else if (first != argc - 1) status = (fprintf(stderr, "cgoguard: want one .cfg file after the vet flags\n"), EXIT_USAGE);
    else status = run_package(argv[first], &f);
    cg_strvec_free(&f.enable);
    cg_strvec_free(&f.disable);
    cg_strvec_free(&f.tags);
    return status;
}
