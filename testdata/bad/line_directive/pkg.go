package linedirective // want CG000:warning

/*
void consume(void *p) { (void)p; }

// Found with hostile input: a #line near UINT_MAX wraps clang's presumed line to 0
// for the line after next; the syntax error there was once reported as an
// ignored #cgo CFLAGS option. It is a parse error, placed at line 1.
#line 4294967295
int filler;
int broken(int x) { return x +; }
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
