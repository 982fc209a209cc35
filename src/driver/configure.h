/*
 * configure.h: what the driver takes from .cgoguard.yml and the command
 * line's rule selection (config.h): each package's settings before it is
 * analysed, and which findings stay afterwards.
 */
#ifndef CG_CONFIGURE_H
#define CG_CONFIGURE_H

#include "../config/config.h"
#include "../discover/discover.h"

/* Copies each package's settings (CG012's thread API lists) from its config
 * into its cg_pkg_files; a malformed config becomes an entry of errors. */
void cg_configure_packages(cg_config_set *set, cg_discovery *found, cg_strvec *errors);

/* Drops findings of rules the selection turns off for their file's config,
 * and findings an exclude of that config covers. Findings about no file
 * follow the config of the current directory. */
void cg_configure_filter(cg_config_set *set, const cg_strvec *enable, const cg_strvec *disable,
                         cg_diag_list *diags, cg_strvec *errors);

#endif /* CG_CONFIGURE_H */
