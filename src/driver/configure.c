/*
 * configure.c: applies the configuration to a scan (see configure.h).
 */
#include "configure.h"

#include <stdlib.h>

static void copy_list(cg_strvec *to, const cg_strvec *from) {
    for (size_t i = 0; i < from->len; i++) cg_vec_push(to, cg_xstrdup(from->items[i]));
}

static const cg_config *config_for(cg_config_set *set, const char *dir, cg_strvec *errors) {
    char *err = NULL;
    const cg_config *cfg = cg_config_set_for(set, dir, &err);
    if (err) cg_vec_push(errors, err);
    return cfg;
}

void cg_configure_packages(cg_config_set *set, cg_discovery *found, cg_strvec *errors) {
    for (size_t i = 0; i < found->packages.len; i++) {
        cg_pkg_files *pkg = found->packages.items[i];
        const cg_config *cfg = config_for(set, pkg->dir, errors);
        if (!cfg) continue;
        copy_list(&pkg->thread_error_api, &cfg->thread_error_api);
        copy_list(&pkg->thread_affine, &cfg->thread_affine);
    }
}

typedef struct filter {
    cg_config_set *set;
    const cg_strvec *enable, *disable;
    cg_strvec *errors;
} filter;

static int dropped(const cg_diag *d, void *arg) {
    filter *f = arg;
    char *dir = d->loc.file ? cg_path_dir(d->loc.file) : cg_xstrdup(".");
    const cg_config *cfg = config_for(f->set, dir, f->errors);
    free(dir);
    if (!cg_rule_set_has(cg_config_set_rules(f->set, cfg, f->enable, f->disable), d->rule_id)) return 1;
    return d->loc.file && cg_config_excludes(cfg, d->loc.file, d->rule_id);
}

void cg_configure_filter(cg_config_set *set, const cg_strvec *enable, const cg_strvec *disable,
                         cg_diag_list *diags, cg_strvec *errors) {
    filter f = {set, enable, disable, errors};
    cg_diag_list_remove_if(diags, dropped, &f);
}
