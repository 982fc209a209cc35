// A cgo package for the analyzer's test: findings with a trace through C
// and machine-applicable fixes, in a Go file and in a C file.
package leak

/*
#include <stdio.h>
#include <stdlib.h>

int lookup(const char *key);
void keep(void *p);
*/
import "C"

import "unsafe"

func neverFreed(s string) int {
	cs := C.CString(s) // want `C.CString result cs is not freed on every path .* \[CG008 cstring-leak\]`
	return int(C.lookup(cs))
}

func loopLeak(lines []string) {
	for _, l := range lines {
		cl := C.CString(l) // want `\[CG008 cstring-leak\]`
		C.puts(cl)
	}
}

func freed(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.lookup(cs))
}

func keepMap(m map[string]int) {
	C.keep(unsafe.Pointer(&m)) // want `C.keep receives a Go pointer to Go memory that holds Go pointers.*\[CG001 go-pointer-to-go-pointer\]` `C.keep keeps a Go pointer after the call returns.*\[CG005 c-retains-go-pointer\]`
}
