/*
 * fuzz_config.c: libFuzzer target for .cgoguard.yml: any bytes through
 * libyaml and the config reader, then the config's selection and path
 * matching. Must never crash; a malformed file is an error message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cg_config *cfg = NULL;
    char *err = NULL;
    cg_status st = cg_config_parse("fuzz.yml", "/", (const char *)data, size, &cfg, &err);
    if ((st == CG_OK) != (cfg != NULL) || (st != CG_OK && !err)) abort();
    if (cfg) {
        cg_rule_set set;
        cg_rule_selection(cfg, NULL, NULL, &set);
        (void)cg_config_excludes(cfg, "/pkg/a.go", "CG001");
        for (size_t i = 0; i < cfg->excludes.len; i++)
            (void)cg_config_path_match(cfg->excludes.items[i].pattern, "a/b/c.go");
    }
    cg_config_free(cfg);
    free(err);
    return 0;
}
