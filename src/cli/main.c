/*
 * main.c: the `cgoguard` command line.
 *
 *   cgoguard scan [flags] [packages]   static analysis (text, json, sarif)
 *   cgoguard rules                     the rule catalog
 *   cgoguard explain CG001             one rule's doc: mechanism, example, fix
 *   cgoguard run [flags] -- prog args  run a Go program under the guards
 *   cgoguard version
 *
 * Exit status of scan: 0 no finding at or above --fail-on, 1 findings, 2 usage
 * or fatal error (findings are still printed when some input was bad).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "discover/goenv.h"
#include "discover/load.h"
#include "driver/scan.h"
#include "gofront/gofile.h"
#include "report/baseline.h"
#include "report/report.h"
#include "run/run.h"
#include "vet.h"

#ifndef CG_VERSION
#define CG_VERSION "dev"
#endif

enum { EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: cgoguard <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  scan [flags] [packages]   find cgo boundary bugs in Go and C code (default: ./...)\n"
    "  rules                     list the rules\n"
    "  explain RULE              print a rule's documentation (id or name)\n"
    "  run [flags] -- PROG ARGS  run a Go program under libcgoguard's guards\n"
    "  version                   print the version\n"
    "\n"
    "Run 'cgoguard scan --help' or 'cgoguard run --help' for their flags.\n";

static const char scan_usage_text[] =
    "usage: cgoguard scan [flags] [packages]\n"
    "\n"
    "Packages are directories, dir/... patterns (recursive, like the go tool), import\n"
    "paths (example.com/m/...) or .go files. Inside a module the go command lists them\n"
    "(go list: the build's files, tags, GOOS/GOARCH, CGO_CFLAGS, GOFLAGS).\n"
    "\n"
    "flags:\n"
    "  -f, --format FORMAT     text (default), json or sarif\n"
    "  -o, --output FILE       write the report to FILE instead of stdout\n"
    "      --fail-on SEVERITY  exit 1 when a finding is at least this severe:\n"
    "                          note, warning (default) or error\n"
    "      --goos OS           target GOOS for build constraints (default $(go env GOOS), else linux)\n"
    "      --goarch ARCH       target GOARCH (default $(go env GOARCH), else amd64)\n"
    "      --tags a,b          extra build tags (added to GOFLAGS' -tags)\n"
    "      --include-vendor    also scan vendor directories\n"
    "      --max-file-size N   skip source files larger than N bytes (K/M suffix; default 16M)\n"
    "      --go VERSION        the Go version to analyse for, e.g. 1.21 (default: the installed go)\n"
    "      --color WHEN        auto (default), always or never; NO_COLOR disables it\n"
    "  -j, --jobs N            packages analysed in parallel (default: the number of CPUs)\n"
    "      --no-cache          analyse every package again instead of reusing the results\n"
    "                          of unchanged ones ($XDG_CACHE_HOME/cgoguard)\n"
    "      --stats             print how many packages and files were analysed or cached\n"
    "      --baseline FILE     report only findings that are not in FILE, a previous\n"
    "                          --format=json or sarif report (matched by rule, file and\n"
    "                          a fingerprint that survives unrelated line shifts)\n"
    "      --enable LIST       run only these rules: ids, names or severities (error,\n"
    "                          warning, note), comma-separated; repeatable\n"
    "      --disable LIST      do not run these rules (same forms)\n"
    "      --config FILE       read FILE instead of each package's nearest .cgoguard.yml\n"
    "      --no-config         read no .cgoguard.yml\n"
    "      --deps              also scan the cgo packages the patterns import (other\n"
    "                          modules, from the module cache; not the standard library)\n"
    "      --loader HOW        auto (default): go list inside modules and for import paths,\n"
    "                          the directory walk elsewhere or without a go command;\n"
    "                          go: always go list; walk: never run the go command\n"
    "      --fix               apply the machine-applicable fixes to the files (the text\n"
    "                          report says which findings have one); findings are reported\n"
    "                          as they were before the fix\n"
    "      --diff              print those fixes as a unified diff instead (patch -p0)\n"
    "  -h, --help              show this help\n";

static void print_usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "cgoguard: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
}

static int parse_size(const char *text, size_t *out) {
    if (!isdigit((unsigned char)text[0])) return -1; /* strtoull would accept "-3" */
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text) return -1;
    if (*end == 'K' || *end == 'k') v *= 1024, end++;
    else if (*end == 'M' || *end == 'm') v *= 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g') v *= 1024ULL * 1024 * 1024, end++;
    if (*end != '\0' || v == 0) return -1;
    *out = (size_t)v;
    return 0;
}

static void split_tags(char *text, cg_strvec *out) {
    char *save = NULL;
    for (char *t = strtok_r(text, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        cg_vec_push(out, cg_xstrdup(t));
}

/* --enable/--disable: comma-separated ids, names or severities. */
static int add_selectors(const char *text, cg_strvec *out, const char *flag) {
    char *copy = cg_xstrdup(text);
    int rc = 0;
    for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        cg_rule_set scratch = {0};
        const char *hint = NULL;
        if (!cg_rule_set_add(&scratch, t, &hint)) {
            fprintf(stderr, "cgoguard: %s: unknown rule or severity '%s'%s%s%s (see 'cgoguard rules')\n", flag, t,
                    hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
            rc = -1;
        }
        cg_vec_push(out, cg_xstrdup(t));
    }
    free(copy);
    return rc;
}

/* The lists cmd_scan owns, freed on every way out. */
typedef struct scan_lists {
    cg_strvec tags, enable, disable, goenv, env_cflags;
} scan_lists;

static void scan_lists_free(scan_lists *l) {
    cg_strvec_free(&l->tags);
    cg_strvec_free(&l->enable);
    cg_strvec_free(&l->disable);
    cg_strvec_free(&l->goenv);
    cg_strvec_free(&l->env_cflags);
}

/* "dir/..." -> "dir", "./..." -> ".", a .go file -> its directory. */
static char *scan_root_of(const char *pattern) {
    size_t n = strlen(pattern);
    if (strcmp(pattern, "...") == 0) return cg_xstrdup(".");
    if (n >= 4 && strcmp(pattern + n - 4, "/...") == 0) return cg_xstrndup(pattern, n - 4);
    if (cg_str_has_suffix(pattern, ".go")) return cg_path_dir(pattern);
    return cg_xstrdup(pattern);
}

static int cmd_scan(int argc, char **argv) {
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},  {"output", required_argument, NULL, 'o'},
        {"fail-on", required_argument, NULL, 'F'}, {"goos", required_argument, NULL, 'O'},
        {"goarch", required_argument, NULL, 'A'},  {"tags", required_argument, NULL, 'T'},
        {"include-vendor", no_argument, NULL, 'V'}, {"max-file-size", required_argument, NULL, 'M'},
        {"go", required_argument, NULL, 'G'},      {"color", required_argument, NULL, 'C'},
        {"jobs", required_argument, NULL, 'j'},    {"no-cache", no_argument, NULL, 'N'},
        {"stats", no_argument, NULL, 'S'},        {"baseline", required_argument, NULL, 'B'},
        {"fix", no_argument, NULL, 'X'},            {"diff", no_argument, NULL, 'D'},
        {"enable", required_argument, NULL, 'E'},     {"disable", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},     {"no-config", no_argument, NULL, 'n'},
        {"deps", no_argument, NULL, 'P'},            {"loader", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    cg_report_options ropts = {0};
    ropts.format = CG_REPORT_TEXT;
    cg_severity fail_on = CG_SEV_WARNING;
    cg_scan_options sopts = {0};
    const char *output = NULL, *color = "auto", *baseline_path = NULL;
    bool go_given = false, stats = false, fix = false, diff = false;
    bool deps = false;
    cg_loader loader = CG_LOAD_AUTO;
    scan_lists l = {0};
    int status = 0;

    optind = 1;
    opterr = 0;
    int c;
    sopts.use_cache = true;
    sopts.use_config = true;
    while ((c = getopt_long(argc, argv, "+f:o:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cg_report_format_parse(optarg, &ropts.format) != 0) {
                print_usage_error("unknown format '%s' (want text, json or sarif)", optarg);
                status = EXIT_USAGE;
            }
            break;
        case 'o': output = optarg; break;
        case 'F':
            if (cg_severity_parse(optarg, &fail_on) != 0) {
                print_usage_error("unknown severity '%s' for --fail-on (want note, warning or error)", optarg);
                status = EXIT_USAGE;
            }
            break;
        case 'O': sopts.target.goos = optarg; break;
        case 'A': sopts.target.goarch = optarg; break;
        case 'T': split_tags(optarg, &l.tags); break;
        case 'V': sopts.include_vendor = true; break;
        case 'M':
            if (parse_size(optarg, &sopts.max_file_bytes) != 0) {
                print_usage_error("bad --max-file-size '%s' (a positive number, optional K/M/G)", optarg);
                status = EXIT_USAGE;
            }
            break;
        case 'G': {
            unsigned major, minor;
            if (sscanf(optarg, "%u.%u", &major, &minor) != 2 || major != 1) {
                print_usage_error("bad --go '%s' (want a version such as 1.21)", optarg);
                status = EXIT_USAGE;
            }
            sopts.go_minor = minor;
            go_given = true;
            break;
        }
        case 'C':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                print_usage_error("bad --color '%s' (want auto, always or never)", optarg);
                status = EXIT_USAGE;
            }
            color = optarg;
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 256) {
                print_usage_error("bad -j '%s' (want a number of jobs from 1 to 256)", optarg);
                status = EXIT_USAGE;
            }
            sopts.jobs = (unsigned)n;
            break;
        }
        case 'N': sopts.use_cache = false; break;
        case 'S': stats = true; break;
        case 'B': baseline_path = optarg; break;
        case 'E':
        case 'd':
            if (add_selectors(optarg, c == 'E' ? &l.enable : &l.disable, c == 'E' ? "--enable" : "--disable") != 0)
                status = EXIT_USAGE;
            break;
        case 'c': sopts.config_path = optarg; break;
        case 'P': deps = true; break;
        case 'L':
            if (strcmp(optarg, "auto") == 0) loader = CG_LOAD_AUTO;
            else if (strcmp(optarg, "go") == 0) loader = CG_LOAD_GO;
            else if (strcmp(optarg, "walk") == 0) loader = CG_LOAD_WALK;
            else {
                print_usage_error("bad --loader '%s' (want auto, go or walk)", optarg);
                status = EXIT_USAGE;
            }
            break;
        case 'n': sopts.use_config = false; break;
        case 'X': fix = true; break;
        case 'D': diff = true; break;
        case 'h':
            fputs(scan_usage_text, stdout);
            scan_lists_free(&l);
            return 0;
        default:
            print_usage_error("unknown or incomplete flag '%s' (see 'cgoguard scan --help')",
                              argv[optind - 1]);
            status = EXIT_USAGE;
        }
    }
    if (status != 0) {
        scan_lists_free(&l);
        return status;
    }
    sopts.enable = l.enable.len ? &l.enable : NULL;
    sopts.disable = l.disable.len ? &l.disable : NULL;
    /* The build context is the go command's (go env: GOOS/GOARCH and GOFLAGS
     * from the environment or go env -w); the flags override it. */
    static const char *const env_keys[] = {"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOFLAGS", "CGO_CPPFLAGS", "CGO_CFLAGS"};

    bool have_go = cg_go_env(NULL, env_keys, sizeof env_keys / sizeof env_keys[0], &l.goenv);
    if (!sopts.target.goos) sopts.target.goos = have_go && *l.goenv.items[2] ? l.goenv.items[2] : "linux";
    if (!sopts.target.goarch) sopts.target.goarch = have_go && *l.goenv.items[3] ? l.goenv.items[3] : "amd64";
    if (have_go) {
        cg_goflags_tags(l.goenv.items[4], &l.tags);
        cg_split_flags(l.goenv.items[5], &l.env_cflags);
        cg_split_flags(l.goenv.items[6], &l.env_cflags);
    }
    sopts.target.tags = (const char *const *)l.tags.items;
    sopts.target.tag_count = l.tags.len;
    /* GOROOT only for the installed Go: --go names a version, not a tree. */
    char *goroot = NULL;
    unsigned major = 0, minor = 0;
    if (!go_given && have_go && sscanf(l.goenv.items[0], "go%u.%u", &major, &minor) == 2 && major == 1) {
        sopts.go_minor = minor;
        if (*l.goenv.items[1]) goroot = cg_xstrdup(l.goenv.items[1]);
    }
    sopts.goroot = goroot;
    sopts.target.go_minor = sopts.go_minor ? sopts.go_minor : 99;

    const char *default_pattern[] = {"./..."};
    const char *const *patterns = optind < argc ? (const char *const *)argv + optind : default_pattern;
    size_t npatterns = optind < argc ? (size_t)(argc - optind) : 1;

    /* SARIF consumers resolve the relative paths against %SRCROOT%. The
     * fingerprints of every format hash URIs relative to it as well, so a
     * JSON and a SARIF report of one scan agree on them. */
    char cwd[4096];
    char *srcroot = NULL;
    if (getcwd(cwd, sizeof cwd))
        srcroot = cg_xasprintf("file://%s%s", cwd, cwd[strlen(cwd) - 1] == '/' ? "" : "/");
    ropts.srcroot_uri = srcroot;
    /* Fingerprints name files outside any Go module relative to the scan
     * root, the directory of the first pattern ("dir/..." or a file's). */
    char *scan_root = scan_root_of(patterns[0]);
    ropts.scan_root = scan_root;

    /* A bad baseline is a usage error found before any work is done, and
     * it is read before -o truncates the output (which may be the same file). */
    cg_baseline *baseline = NULL;
    if (baseline_path) {
        char *err = NULL;
        if (!(baseline = cg_baseline_load(baseline_path, srcroot, &err))) {
            fprintf(stderr, "cgoguard: %s\n", err);
            free(err);
            free(srcroot);
            free(scan_root);
            free(goroot);
            scan_lists_free(&l);
            return EXIT_USAGE;
        }
    }

    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        perror(output);
        cg_baseline_free(baseline);
        free(srcroot);
        free(scan_root);
        free(goroot);
        scan_lists_free(&l);
        return EXIT_USAGE;
    }
    /* auto: colour on a terminal unless NO_COLOR is set (no-color.org);
     * an explicit --color=always|never wins over the environment. */
    const char *no_color = getenv("NO_COLOR");
    ropts.color = strcmp(color, "always") == 0 ||
                  (strcmp(color, "auto") == 0 && isatty(fileno(out)) && !(no_color && *no_color));

    sopts.progress = isatty(fileno(stderr));
    cg_scan_result result;
    cg_load_options lopts = {sopts.target, sopts.include_vendor, deps, loader};
    cg_discovery found;
    cg_load_packages(patterns, npatterns, &lopts, &found);
    for (size_t i = 0; i < found.packages.len; i++)
        for (size_t k = 0; k < l.env_cflags.len; k++)
            cg_vec_push(&found.packages.items[i]->env_cflags, cg_xstrdup(l.env_cflags.items[k]));
    cg_scan_discovered(&found, &sopts, &result);
    for (size_t i = 0; i < result.errors.len; i++) fprintf(stderr, "cgoguard: %s\n", result.errors.items[i]);
    for (size_t i = 0; i < result.notices.len; i++) fprintf(stderr, "cgoguard: note: %s\n", result.notices.items[i]);
    if (stats)
        fprintf(stderr, "cgoguard: %zu packages (%zu from the cache), %zu Go files, %zu C files\n",
                result.packages, result.cache_hits, result.go_files, result.c_files);
    if (result.packages == 0 && result.errors.len == 0)
        fprintf(stderr, "cgoguard: no cgo packages (Go files that import \"C\") matched\n");
    /* Fingerprints come from the full list, before the baseline filter, so
     * that occurrence indices stay those of the whole scan. */
    cg_fingerprints *fps = cg_fingerprints_compute(result.diags, srcroot, scan_root);
    ropts.fingerprints = fps;
    if (baseline) {
        size_t known = cg_baseline_filter(baseline, result.diags, fps);
        if (stats)
            fprintf(stderr, "cgoguard: %zu findings left out as already in the baseline (%zu there)\n",
                    known, cg_baseline_count(baseline));
    }
    ropts.execution_failed = result.errors.len > 0;
    ropts.problems = (const char *const *)result.errors.items;
    ropts.problem_count = result.errors.len;
    if (fix || diff) {
        cg_fix_stats fs;
        char *err = NULL;
        if (cg_fixes_apply(result.diags, diff, out, &fs, &err) != CG_OK) {
            fprintf(stderr, "cgoguard: %s\n", err);
            status = EXIT_USAGE;
        }
        free(err);
        if (fs.skipped || !diff)
            fprintf(stderr, "cgoguard: %s %zu fix%s to %zu file%s%s\n", diff ? "diff of" : "applied", fs.applied,
                    fs.applied == 1 ? "" : "es", fs.files, fs.files == 1 ? "" : "s",
                    fs.skipped ? "; some fixes overlap others and were left out: scan again" : "");
    }
    if (diff) {
        /* the diff is the output */
    } else if (cg_report_emit(out, result.diags, &ropts) != CG_OK) {
        fprintf(stderr, "cgoguard: cannot write the report\n");
        status = EXIT_USAGE;
    }
    if (out != stdout && fclose(out) != 0) {
        perror(output);
        status = EXIT_USAGE;
    }
    if (status == 0) {
        if (result.errors.len) status = EXIT_USAGE;
        else status = cg_report_exit_status(result.diags, fail_on) ? EXIT_FINDINGS : 0;
    }
    cg_scan_result_free(&result);
    cg_fingerprints_free(fps);
    cg_baseline_free(baseline);
    scan_lists_free(&l);
    free(srcroot);
    free(scan_root);
    free(goroot);
    return status;
}

static int cmd_explain(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: cgoguard explain RULE   (an id such as CG001, or a name)\n");
        return EXIT_USAGE;
    }
    char *err = NULL;
    if (cg_report_explain(stdout, argv[1], &err) != CG_OK) {
        fprintf(stderr, "cgoguard: %s\n", err ? err : "unknown rule");
        free(err);
        return EXIT_USAGE;
    }
    return 0;
}

/* Developer aid: prints a Go file's syntax tree as the front-end sees it. */
static int cmd_dump_tree(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: cgoguard dump-tree FILE.go\n");
        return EXIT_USAGE;
    }
    char *src = NULL, *err = NULL;
    size_t len = 0;
    if (cg_read_file(argv[1], 64u << 20, &src, &len, &err) != CG_OK) {
        fprintf(stderr, "cgoguard: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    cg_gofile *file = cg_gofile_parse(argv[1], src, len);
    if (file->not_analysed) {
        fprintf(stderr, "cgoguard: %s: not parsed: %s\n", argv[1], file->not_analysed);
        cg_gofile_free(file);
        return EXIT_USAGE;
    }
    cg_gofile_print_tree(stdout, file);
    if (file->preamble) printf("preamble (from line %u):\n%s\n", file->preamble_line, file->preamble);
    cg_gofile_free(file);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (cg_vet_invoked(argc, argv)) return cg_cmd_vet(argc, argv);
    const char *cmd = argv[1];
    if (strcmp(cmd, "scan") == 0) return cmd_scan(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0) {
        cg_report_print_rules(stdout);
        return 0;
    }
    if (strcmp(cmd, "explain") == 0) return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0) return cg_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "dump-tree") == 0) return cmd_dump_tree(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cgoguard %s\n", CG_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    fprintf(stderr, "cgoguard: unknown command '%s'\n\n%s", cmd, usage_text);
    return EXIT_USAGE;
}
