/* A C "library" that asks Go to fill in its configuration through a
 * callback and uses the configuration after the callback returned. */
#ifndef REPRO_LIB_H
#define REPRO_LIB_H

struct config {
    const char *name;
};

/* Calls the exported Go function fill_config, then reads cfg.name. */
int lib_start(void);

#endif
