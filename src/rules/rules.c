/*
 * rules.c: the registry, built from rules.def. `cgoguard rules`, `explain`,
 * the SARIF rules[] and the driver all read the rule list from here.
 */
#include "rule.h"

#include <string.h>
#include <strings.h>

#define CG_RULE(id) extern const cg_rule cg_rule_##id;
#include "rules.def"
#undef CG_RULE

/* Index of each rule in the table, for code that needs a dense number. */
enum cg_rule_index {
#define CG_RULE(id) CG_RULE_INDEX_##id,
#include "rules.def"
#undef CG_RULE
    CG_RULE_INDEX_COUNT
};

static const cg_rule *const rule_table[CG_RULE_INDEX_COUNT + 1] = {
#define CG_RULE(id) &cg_rule_##id,
#include "rules.def"
#undef CG_RULE
    NULL,
};

size_t cg_rule_count(void) { return CG_RULE_INDEX_COUNT; }

const cg_rule *cg_rule_at(size_t index) {
    return index < CG_RULE_INDEX_COUNT ? rule_table[index] : NULL;
}

const cg_rule *cg_rule_find(const char *id_or_name) {
    for (size_t i = 0; i < CG_RULE_INDEX_COUNT; i++) {
        const cg_rule *r = rule_table[i];
        if (strcasecmp(r->id, id_or_name) == 0 || strcmp(r->name, id_or_name) == 0) return r;
    }
    return NULL;
}
