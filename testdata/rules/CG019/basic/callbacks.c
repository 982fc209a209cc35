/* A .c file of the fixture package: the nocallback function is defined here
 * and calls Go through the generated _cgo_export.h. */
#include "_cgo_export.h"

static void forward(int v) { goEvent(v); }

void notify_from_file(int v) { forward(v * 2); }
