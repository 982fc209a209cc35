/*
 * goenv.h: asking the go command. The build context (GOOS, GOARCH, tags,
 * CGO_CFLAGS, GOFLAGS) and the packages of a pattern are the go command's
 * to decide; cgoguard asks it when it is installed and falls back to its
 * own reading of the files when it is not.
 */
#ifndef CG_GOENV_H
#define CG_GOENV_H

#include <stdbool.h>

#include "../base/base.h"

/* The go command: $CGOGUARD_GO, else the one found at build time, else "go"
 * from PATH. A static string. */
const char *cg_go_command(void);

/* `go env KEY...` (run in dir, NULL: the current directory): one value per
 * key into out, in order. False, with out untouched, when no go command
 * answers. */
bool cg_go_env(const char *dir, const char *const *keys, size_t count, cg_strvec *out);

/* Splits a flags value (CGO_CFLAGS, GOFLAGS) the way the go command does
 * (cmd/internal/quoted: no backslash escapes, unlike #cgo lines, which the
 * model splits as cmd/cgo does):
 * spaces separate, single and double quotes group. */
void cg_split_flags(const char *text, cg_strvec *out);

/* The -tags of a GOFLAGS value ("-tags=a,b" or "-tags a,b"), appended to
 * out one tag each. */
void cg_goflags_tags(const char *goflags, cg_strvec *out);

/* Runs argv (argv[0] is looked up in PATH) in dir with extra environment
 * entries ("K=V", may be NULL), collecting stdout and, separately, stderr.
 * Returns the exit status (-1 when it could not run). */
int cg_run_capture(const char *dir, const char *const *argv, const char *const *env, char **out,
                   size_t *out_len, char **err_text);



/* The first of names found in dir or a parent directory (absolute path,
 * caller frees), or NULL: go.mod, .cgoguard.yml. */
char *cg_find_upward(const char *dir, const char *const *names, size_t count);
#endif /* CG_GOENV_H */
