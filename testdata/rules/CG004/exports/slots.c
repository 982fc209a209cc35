/* slots.c: C code that calls the fixture's exported Go functions with
 * pointers to C memory (static storage), as a real library would. */
#include <stdlib.h>

#include "slots.h"
#include "_cgo_export.h"

static struct slot global_slot;
static void *global_ptr;
static int counts[4];
static char *names[4];

/* One C function per callback: a summary names one exported function
 * that a C function reaches. */
static void drive_inner(void) { goFill(&global_slot); }
static void drive_typed(void) { goFillTyped(&global_slot); }
static void drive_void(void) { goFillVoid(&global_ptr); }
static void drive_names(void) { goFillArray(names); }

void drive(void) {
	drive_inner();
	drive_typed();
	drive_void();
	drive_names();
	goFillInts(counts);
	goFillC(&global_slot);
	goFillPinned(&global_slot);
	goFillHandle(&global_slot);
}
