package missingheader

/*
#include <this/header/does/not/exist.h> // want CG000
void consume(void *p);
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
