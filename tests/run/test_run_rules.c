/*
 * test_run_rules.c: the runtime-evidence -> rule table of `cgoguard run`:
 * well-formed rows (CGnnn ids, kebab-case names), and the Go runtime texts
 * verified against Go 1.26's runtime (runtime/cgocall.go, cgocheck.go) and
 * the older wordings map to the rules the static analyzer uses.
 */
#include "run/run.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define CG_CHECK_CONTINUE
#include "../common/check.h"

static const char *rule_for(const char *output)
{
    const cg_run_signature *s = cg_run_match_output(output);
    return s ? s->rule_id : "none";
}

int main(void)
{
    CHECK(cg_run_signature_count() > 0);
    for (size_t i = 0; i < cg_run_signature_count(); i++) {
        const cg_run_signature *s = cg_run_signature_at(i);
        CHECK(strlen(s->rule_id) == 5 && strncmp(s->rule_id, "CG", 2) == 0 && isdigit((unsigned char)s->rule_id[2]) &&
              isdigit((unsigned char)s->rule_id[3]) && isdigit((unsigned char)s->rule_id[4]));
        for (const char *c = s->rule_name; *c; c++) CHECK(islower((unsigned char)*c) || *c == '-');
        CHECK(s->text[0] && s->origin[0]);
    }
    CHECK(cg_run_signature_at(cg_run_signature_count()) == NULL);

    /* Go 1.26 texts, as printed by the programs in tests/run/goprog. */
    CHECK(strcmp(rule_for("panic: runtime error: argument of cgo function has Go pointer to unpinned Go pointer\n"),
                 "CG001") == 0);
    CHECK(strcmp(rule_for("write of unpinned Go pointer 0x1 to non-Go memory 0x2\n"
                          "fatal error: unpinned Go pointer stored into non-Go memory\n"),
                 "CG002") == 0);
    CHECK(strcmp(rule_for("panic: runtime error: /x/main.go:20: result of Go function getPtr called from cgo is "
                          "unpinned Go pointer or points to unpinned Go pointer\n"),
                 "CG003") == 0);
    CHECK(strcmp(rule_for("panic: runtime: function marked with #cgo nocallback called back into Go\n"), "CG019") == 0);
    /* Go 1.21-1.23 wording (the issue's). */
    CHECK(strcmp(rule_for("panic: runtime error: cgo argument has Go pointer to unpinned Go pointer"), "CG001") == 0);
    CHECK(strcmp(rule_for("panic: runtime error: cgo result is unpinned Go pointer or points to unpinned Go pointer"),
                 "CG003") == 0);
    /* Unrelated output stays unmatched. */
    CHECK(strcmp(rule_for("panic: runtime error: index out of range [3] with length 2"), "none") == 0);
    CHECK(strcmp(rule_for(""), "none") == 0);
    CHECK(cg_run_match_output(NULL) == NULL);

    CHECK(strcmp(cg_run_match_crash_kind("heap-use-after-free")->rule_id, "CG009") == 0);
    CHECK(strcmp(cg_run_match_crash_kind("double-free")->rule_id, "CG009") == 0);
    CHECK(cg_run_match_crash_kind("invalid-free") == NULL); /* a C bug, no rule */
    CHECK(strcmp(cg_run_match_output("free(): invalid pointer\n")->rule_id, "CG016") == 0);
    CHECK(cg_run_match_crash_kind("null-page") == NULL);
    CHECK(cg_run_match_crash_kind(NULL) == NULL);

    if (check_failures) return 1;
    puts("run rule table tests passed");
    return 0;
}
