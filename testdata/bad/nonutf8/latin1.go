package nonutf8

/*
void consume(void *p) { (void)p; }
*/
import "C"

import "unsafe"

// café ÿþ comment in Latin-1
func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001 é
}
