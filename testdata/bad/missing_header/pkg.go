package missingheader

/*
#include <this/header/does/not/exist.h> // want CG000
void consume(void *p);
// A function-like macro the missing header would define: its error is
// counted in the header's one note, not a warning of its own.
DECLARE_HANDLE(widget);
static int uses_missing(void) { return MISSING_CONSTANT; }
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
