/* The library side of the CG024 reproduction (see lib.h). */
#include "lib.h"

#include <stdio.h>
#include <string.h>

#include "_cgo_export.h"

static struct config the_config;

int lib_start(void) {
    fill_config(&the_config);
    /* Later, the library uses what it was given. */
    return (int)strlen(the_config.name);
}
