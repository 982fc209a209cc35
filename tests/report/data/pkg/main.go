// A small cgo package for the golden report files (tests/report/golden).
// The findings are made by hand in report_golden.c; nothing here is analysed.
package main

/*
#include <stdlib.h>
void keep(void *p);
void call_later(void);
*/
import "C"

import "unsafe"

func main() {
	m := map[string]int{"a": 1}
	C.keep(unsafe.Pointer(&m))
	größe := []*int{new(int)}
	C.keep(unsafe.Pointer(&größe[0]))
	cs := C.CString("x") //cgoguard:ignore CG000 freed by keep's owner
	C.keep(unsafe.Pointer(cs))
	//cgoguard:ignore CG000
	C.call_later()
}
