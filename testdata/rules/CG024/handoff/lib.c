/* The library side of the CG024 fixtures. */
#include "lib.h"

#include <stdio.h>

static const char *saved_name;
static struct config the_config;

void lib_set_name(const char *name) { saved_name = name; }

int lib_print(const char *s) { return puts(s); }

void lib_config_name(struct config *dst, const char *src) { dst->name = src; }

struct config *lib_config(void) { return &the_config; }
